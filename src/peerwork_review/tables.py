"""The review's Tables 1 to 4 and the theme summaries, regenerated from the dataset.

Cells holding data are plain strings (escaped when rendered); citation cells are
:class:`~peerwork_review.render.Markup`. Rows are sorted deterministically.
"""

from __future__ import annotations

import pandas as pd

from . import derive
from .model import Review, rows
from .render import Markup, cite, escape

NOT_AVAILABLE = "not available"
INFERRED_MARK = " †"


def _value(record: dict, column: str, source_column: str | None = None, fmt=str) -> str:
    value = record[column]
    if value is None:
        return NOT_AVAILABLE
    source = record[source_column or f"{column}_source"] or ""
    return fmt(value) + (INFERRED_MARK if source.startswith("inferred:") else "")


def study_citation(review: Review, study_id: str) -> Markup:
    """``{cite:t}`` of the main report, with further reports of the same study after it."""
    keys = review.study_reports(study_id)
    text = cite(keys[:1], "t")
    if len(keys) > 1:
        text = Markup(f"{text}; also {cite(keys[1:], 'p')}")
    return text


def location_text(review: Review, study_id: str) -> str:
    countries = review.countries[review.countries["study_id"] == study_id]
    known = sorted(c for c in countries["country"] if c is not None)
    if not known:
        return NOT_AVAILABLE
    inferred = any((s or "").startswith("inferred:") for s in countries["source"])
    text = known[0] if len(known) == 1 else f"{derive.MULTIPLE}: {', '.join(known)}"
    return text + (INFERRED_MARK if inferred else "")


COAUTHORSHIP = {"yes": "Yes", "no": "No", "unknown": "Unknown (as given in the review)"}


def study_characteristics(review: Review) -> pd.DataFrame:
    """Table 1: one row per study."""
    records = {r["study_id"]: r for r in rows(review.studies)}
    out = []
    for sid in review.study_order():
        r = records[sid]
        design = _value(r, "design", fmt=str.capitalize)
        if r["methods"] is not None:
            design = f"{design}; {_value(r, 'methods')}"
        sample = _value(r, "sample_size", fmt=lambda v: f"N = {v}")
        if r["participants"] is not None:
            sample = f"{sample}; {_value(r, 'participants')}"
        out.append({
            "Study": study_citation(review, sid),
            "Found by search": r["first_search_run_id"],
            "Location": location_text(review, sid),
            "Setting": _value(r, "setting"),
            "Lived experience co-authorship": _value(r, "lived_experience_coauthorship", fmt=COAUTHORSHIP.get),
            "Design and methods": design,
            "Sample": sample,
            "Data analysis": _value(r, "data_analysis"),
            "Key findings (this edition's summary)": r["key_findings"],
        })
    return pd.DataFrame(out)


def quality_appraisal(review: Review) -> pd.DataFrame:
    """Table 2: the MMAT rating of each study, or why it is not available."""
    ratings = {r["study_id"]: r for r in rows(review.quality)}
    designs = review.studies.set_index("study_id")["design"]
    out = []
    for sid in review.study_order():
        r = ratings[sid]
        out.append({
            "Study": study_citation(review, sid),
            "Design category": designs[sid].capitalize() if designs[sid] else NOT_AVAILABLE,
            "MMAT rating": r["mmat_rating"].capitalize() if r["mmat_rating"] else NOT_AVAILABLE,
            "Source": r["mmat_rating_source"],
        })
    return pd.DataFrame(out)


def _support_by_theme(review: Review, theme_ids) -> dict[str, pd.DataFrame]:
    """Theme id -> its rows of :func:`derive.theme_support` (maybe none), studies in Table 1 order."""
    support = derive.theme_support(review)
    rank = {sid: i for i, sid in enumerate(review.study_order())}
    support = support.assign(_rank=support["study_id"].map(rank)).sort_values("_rank").drop(columns="_rank")
    groups = dict(tuple(support.groupby("theme_id", sort=False)))
    return {theme_id: groups.get(theme_id, support.iloc[:0]) for theme_id in theme_ids}


def _report_keys(support: pd.DataFrame) -> list[str]:
    return [k for keys in support["reports"] for k in keys]


def themes_and_references(review: Review) -> pd.DataFrame:
    """Table 3 ("Summary of themes and references"): per theme and subtheme, the studies its section cites and its findings.

    One row per theme, so the table grows with the number of citations, not with
    studies times themes.
    """
    themes = derive.ordered_themes(review)
    names = dict(zip(themes["theme_id"], themes["name"]))
    support = _support_by_theme(review, themes["theme_id"])
    published = published_prevalence(review)
    findings = derive.findings_per_theme(review)
    out = []
    for t in rows(themes):
        links = support[t["theme_id"]]
        direct = links[links["how"] == "cited"]
        is_theme = t["kind"] == "theme"
        out.append({
            "Theme": t["name"] if is_theme else names[t["parent_theme_id"]],
            "Subtheme": "" if is_theme else t["name"],
            "Studies cited (with its subthemes)": str(len(links)),
            "Studies reported by the article": str(published.get(t["theme_id"], "not stated")),
            "Findings in its own section": str(findings[t["theme_id"]]),
            "References cited in its own section": cite(_report_keys(direct)) or "none",
        })
    return pd.DataFrame(out)


def published_prevalence(review: Review) -> dict[str, int]:
    """Theme id -> number of studies the article says support it (where it says so)."""
    figures = review.figures
    out = {}
    for r in rows(figures[figures["figure_id"].str.startswith("prevalence_")]):
        out[r["figure_id"].removeprefix("prevalence_").replace("_", "-")] = r["value"]
    return out


def themes_and_subthemes(review: Review) -> pd.DataFrame:
    """Table 4: themes with their subthemes and descriptions."""
    themes = derive.ordered_themes(review)
    names = dict(zip(themes["theme_id"], themes["name"]))
    out = []
    for t in rows(themes):
        is_theme = t["kind"] == "theme"
        out.append({
            "Theme": t["name"] if is_theme else names[t["parent_theme_id"]],
            "Subtheme": "" if is_theme else t["name"],
            "Description (this edition's words)": t["description"],
        })
    return pd.DataFrame(out)
