"""Cells wanted: every missing value, with the published figures it would settle.

This is the list the review's authors could complete from their own extraction. A cell
*bears on* a figure when the figure's derivation needs it; it *settles* a figure when it
is the only value that figure still needs, so knowing it turns the figure's range into
one number. Values are missing in two ways: an empty cell in ``data/`` whose source says
``not found:`` or ``not reported:``, and a study that the Results do not cite for a theme
(the review's Table 3, of which no public copy was found, would say). Table 3 cells are
listed where they bear on a published figure: the others would settle nothing, and
listing them would grow the table with studies times themes.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import cast

import pandas as pd

from peerwork_review.derivation import consistency, derive
from peerwork_review.derivation.consistency_themes import cited_studies
from peerwork_review.derivation.families import TABLE_3, Cell
from peerwork_review.derivation.figure_inputs import CATEGORY_FIGURES, DISTINCT_COUNTRY_FIGURES, prevalence_theme
from peerwork_review.domain.provenance import UNKNOWN_PREFIXES
from peerwork_review.model.review import TABLES, Review, rows

STUDY_TABLES = {"studies", "study_countries", "quality_appraisal"}
CATEGORY_CELLS = {
    "location": ("data/study_countries.csv", "country"),
    "design": ("data/studies.csv", "design"),
    "quality": ("data/quality_appraisal.csv", "mmat_rating"),
}
COLUMNS = [
    "file",
    "key",
    "column",
    "study",
    "why_unknown",
    "implied",
    "settles",
    "settles_figures",
    "bears_on",
    "bears_on_figures",
]


def _missing_in_data(review: Review) -> dict[Cell, str]:
    """Every empty value whose source says why it is unknown -> that reason.

    Withdrawn studies count: the published figures are judged on the review as of their
    run, which keeps them. A correction's value before is history, not a value wanted.
    """
    out = {}
    data = review.everything or review
    for name, resource in review.resources.items():
        if name not in TABLES or name == "corrections":
            continue
        fields = resource["schema"]["fields"]
        key = resource["schema"].get("primaryKey", [])
        links = {
            name for fk in resource["schema"].get("foreignKeys", []) for name in fk["fields"]
        }  # pointers, not values
        covered = [
            (f["name"], f["provenance"])
            for f in fields
            if f.get("provenance") not in (None, "key", "editorial", "self") and f["name"] not in links
        ]
        for record in rows(getattr(data, TABLES[name])):
            row_key = record["study_id"] if name in STUDY_TABLES else " | ".join(str(record[k]) for k in key)
            for column, source in covered:
                reason = record.get(source) or ""
                if record[column] is None and reason.lower().startswith(UNKNOWN_PREFIXES):
                    out[Cell(f"data/{resource['path']}", row_key, column)] = reason
    return out


TABLE_3_REASON = (
    "the Results do not cite this study for this theme, and no public copy of the review's Table 3 was found"
)


def figure_cells(review: Review) -> dict[str, set[Cell]]:
    """Published figure -> the missing values its derivation needs (under the figure's search run)."""
    out: dict[str, set[Cell]] = {}
    scopes = {run: review.as_of(run) for run in dict.fromkeys(review.figures["search_run_id"])}
    supports: dict[str, dict[str, set[str]]] = {}
    for fig in rows(review.figures):
        scoped = scopes[fig["search_run_id"]]
        figure_id = fig["figure_id"]
        family = (
            CATEGORY_FIGURES.get(figure_id, ("location",))[0]
            if figure_id in CATEGORY_FIGURES or figure_id in DISTINCT_COUNTRY_FIGURES
            else None
        )
        theme = prevalence_theme(figure_id)
        if family == "location":
            locations = derive.study_locations(scoped)["location"]
            out[figure_id] = {Cell(*_at(family, s)) for s, v in locations.items() if pd.isna(v)}
        elif family in ("design", "quality"):
            values = derive.design_values(scoped) if family == "design" else derive.rating_values(scoped)
            out[figure_id] = {Cell(*_at(family, s)) for s, v in values.items() if pd.isna(v)}
        elif theme is not None and theme in supports.setdefault(fig["search_run_id"], cited_studies(scoped)):
            support = supports[fig["search_run_id"]][theme]
            out[figure_id] = {Cell(TABLE_3, s, theme) for s in scoped.studies["study_id"] if s not in support}
        elif figure_id == "records_identified_databases":
            empty = scoped.databases[
                (scoped.databases["search_run_id"] == scoped.scope) & scoped.databases["records"].isna()
            ]
            out[figure_id] = {
                Cell("data/search_databases.csv", f"{r} | {d}", "records")
                for r, d in zip(empty["search_run_id"], empty["database"])
            }
        else:
            out[figure_id] = set()
    return out


def _at(family: str, study_id: Hashable) -> tuple[str, str, str]:
    """Where a study's value of ``family`` belongs; ``study_id`` is a label of a Series indexed by study."""
    file, column = CATEGORY_CELLS[family]
    return file, cast(str, study_id), column


def cells_wanted(review: Review) -> pd.DataFrame:
    """One row per missing value, the ones that settle most published figures first."""
    needs = figure_cells(review)
    table_3 = {c: TABLE_3_REASON for cells in needs.values() for c in cells if c.file == TABLE_3}
    missing = {**_missing_in_data(review), **table_3}
    bearing: dict[Cell, list[str]] = {}
    for figure_id, cells in needs.items():
        for c in cells:
            bearing.setdefault(c, []).append(figure_id)
    implied = {i.cell: i for f in consistency.families(review) if f.consistent for i in f.implications}
    themes = dict(zip(review.themes["theme_id"], review.themes["name"]))
    data = review.everything or review
    studies, withdrawn = set(data.studies["study_id"]), set(review.withdrawals["study_id"])
    out = []
    for cell, why in missing.items():
        bears = bearing.get(cell, [])
        if cell.study_id in withdrawn and not bears:  # a withdrawn study's value matters only to a published figure
            continue
        settles = [f for f in bears if len(needs[f]) == 1]
        column = f"supports '{themes[cell.column]}'" if cell.file == TABLE_3 else cell.column
        hint = implied.get(cell)
        out.append(
            {
                "file": cell.file,
                "key": cell.study_id,
                "column": column,
                "study": data.study_label(cell.study_id) if cell.study_id in studies else "",
                "why_unknown": why,
                "implied": ""
                if hint is None
                else (f"{hint.forced} (forced)" if hint.forced else " or ".join(hint.allowed)),
                "settles": len(settles),
                "settles_figures": " ".join(settles),
                "bears_on": len(bears),
                "bears_on_figures": " ".join(bears),
            }
        )
    frame = pd.DataFrame(out, columns=COLUMNS)
    return frame.sort_values(
        ["settles", "bears_on", "file", "key", "column"], ascending=[False, False, True, True, True], ignore_index=True
    )
