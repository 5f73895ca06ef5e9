"""Every published figure beside what the dataset derives, and every sum the article states.

Each published figure is checked against the review *as of its own search run*, so
the 2023 figures keep being checked against the 2023 run after the search is updated.

A figure gets one of six statuses: *reproduced* (data read from other sources than the
article give exactly the published value); *restated* (the data give it, but every value
they derive it from was read in the article itself, so agreement shows only that the
article agrees with itself); *within range* (values the data would need are missing, and
the range they allow contains the published value); *outside range* (that range excludes
it); *inconsistent* (the article disagrees with itself: every sum it states with this
figure as the total fails); *not derivable* (the dataset holds nothing to derive it
from). A stated sum is *restated* when its parts add up to its total and *inconsistent*
when they do not: both are the article's own numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

import pandas as pd

from peerwork_review.derivation import derive
from peerwork_review.derivation.derive import Range
from peerwork_review.derivation.figure_inputs import (
    CATEGORY_FIGURES,
    CATEGORY_VALUES,
    from_the_article_only,
    prevalence_theme,
)
from peerwork_review.model.review import TABLES, Review, rows
from peerwork_review.reading.figure_values import published
from peerwork_review.reading.load import parse_expression

REPRODUCED = "reproduced"
RESTATED = "restated"
WITHIN_RANGE = "within range"
OUTSIDE_RANGE = "outside range"
INCONSISTENT = "inconsistent"
NOT_DERIVABLE = "not derivable"
STATUSES = (REPRODUCED, RESTATED, WITHIN_RANGE, OUTSIDE_RANGE, INCONSISTENT, NOT_DERIVABLE)


@dataclass(frozen=True)
class NotDerivable:
    """The dataset holds nothing from which this figure could be computed."""

    reason: str


@dataclass(frozen=True)
class Text:
    """A derived identifier or date: exactly this text."""

    value: str

    def __str__(self) -> str:
        return self.value


Derived: TypeAlias = "Range | Text | NotDerivable"
Derivation = Callable[[Review], Derived]

NO_RECORDS = NotDerivable(
    "no record-level search or screening data were found: the article's text gives only this total, and its "
    "PRISMA diagram (Fig. 1) is an image whose numbers are not in the text, so this stage can only be taken as reported"
)
REGISTRATION = NotDerivable(
    "this dataset holds no copy of the PROSPERO record, so the registration can only be taken as the article prints it"
)


def _no_records(what: str) -> Derivation:
    return lambda r: NotDerivable(
        f"no {what} records were found: the article's text describes the process but gives no record of it"
    )


def _count(n: int) -> Range:
    return Range(n, n)


def _records_from_databases(r: Review) -> Range | NotDerivable:
    records = r.databases.loc[r.databases["search_run_id"] == r.scope, "records"]
    missing = int(records.isna().sum())
    field, table = r.column_title("data/search_databases.csv", "records")
    note = f"{missing} of {len(records)} per-database record counts are not known ({field}, in {table})"
    if missing == len(records):
        return NotDerivable(note)
    known = int(records.dropna().sum())
    return Range(known, known if not missing else None, (note,) if missing else ())


def _window(column: str) -> Derivation:
    return lambda r: Text(str(r.runs.loc[r.runs["search_run_id"] == r.scope, column].iloc[0]))


def _category(family: str, category: str) -> Derivation:
    if family == "location":
        return lambda r: derive.location_range(r, category)
    _, resource, column = CATEGORY_VALUES[family]
    return lambda r: derive.category_range(
        r, getattr(r, TABLES[resource]).set_index("study_id")[column], category, f"data/{resource}.csv", column
    )


DERIVATIONS: dict[str, Derivation] = {
    "databases_searched": lambda r: _count(int((r.databases["search_run_id"] == r.scope).sum())),
    "records_identified_databases": _records_from_databases,
    "records_identified_other": lambda r: NotDerivable(
        "the records found by each other method (conference proceedings, grey literature, reference lists) "
        "are not in the article's text"
    ),
    "duplicates_removed": lambda r: NO_RECORDS,
    "records_screened": lambda r: NO_RECORDS,
    "full_texts_assessed": lambda r: NO_RECORDS,
    "studies_included": lambda r: _count(len(r.studies)),
    "screening_reviewers": _no_records("screening"),
    "screening_agreement_percent": _no_records("screening"),
    "appraisal_reviewers": _no_records("appraisal"),
    "extraction_reviewers": _no_records("extraction"),
    "prospero_registration": lambda r: REGISTRATION,
    "prospero_registration_date": lambda r: REGISTRATION,
    "ethics_approval_id": lambda r: NotDerivable(
        "this dataset holds no copy of the ethics committee's record, so the approval can only be taken as the article prints it"
    ),
    "search_window_start": _window("date_start"),
    "search_window_end": _window("date_end"),
    "main_countries": derive.single_country_range,
    "multi_country_countries": derive.multi_country_range,
    "themes": lambda r: _count(int((r.themes["kind"] == "theme").sum())),
    "subthemes": lambda r: _count(int((r.themes["kind"] == "subtheme").sum())),
    **{figure_id: _category(*spec) for figure_id, spec in CATEGORY_FIGURES.items()},
}


def derivation_for(figure_id: str) -> Derivation:
    if figure_id in DERIVATIONS:
        return DERIVATIONS[figure_id]
    theme = prevalence_theme(figure_id)
    if theme is not None:
        return lambda r: derive.theme_prevalence_range(r, theme)
    return lambda r: NotDerivable("no derivation is defined for this figure")


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + "."


def judge(value, derived: Derived) -> tuple[str, str]:
    """Status and a plain-language explanation of what is missing and where."""
    if isinstance(derived, NotDerivable):
        return NOT_DERIVABLE, _sentence(derived.reason)
    if isinstance(derived, Text):
        if derived.value == str(value):
            return REPRODUCED, "The dataset gives exactly the published value."
        return OUTSIDE_RANGE, f"The dataset gives {derived.value}, not the published value."
    if derived.exact and derived.low == value:
        return REPRODUCED, "The dataset gives exactly the published value."
    missing = "; ".join(derived.missing)
    detail = f" ({missing})" if missing else ""
    if derived.contains(value):
        return WITHIN_RANGE, f"The dataset allows {derived}{detail}; the published value lies in that range."
    return OUTSIDE_RANGE, f"The dataset gives {derived}{detail}, which excludes the published value."


def figure_table(review: Review) -> pd.DataFrame:
    """One row per published figure: published value, derived value, status, explanation, locator."""
    sums = check_table(review)
    scopes = {run: review.as_of(run) for run in dict.fromkeys(review.figures["search_run_id"])}
    out = []
    for fig in rows(review.figures):
        scoped = scopes[fig["search_run_id"]]
        derived = derivation_for(fig["figure_id"])(scoped)
        value = published(fig)
        status, why = judge(value, derived)
        if status == REPRODUCED and (where := from_the_article_only(scoped, fig["figure_id"])):
            status = RESTATED
            why = (
                f"The dataset gives the published value, but every value it is derived from was read in the article "
                f"itself ({where}): this shows that the article agrees with itself, not that other sources confirm it."
            )
        own = sums[sums["figure_id"] == fig["figure_id"]]
        failed = own[own["status"] == INCONSISTENT]
        if len(failed):
            told = "; ".join(f"“{r.description}” gives {r.sum_of_parts:,}" for r in failed.itertuples())
            if len(failed) == len(own):
                status = INCONSISTENT
                why = f"The article disagrees with itself: {told}. " + why
            else:
                why += f" One reading of the article's own arithmetic disagrees ({told}); see the stated sums."
        out.append(
            {
                "figure_id": fig["figure_id"],
                "search_run_id": fig["search_run_id"],
                "topic": fig["topic"],
                "description": fig["description"],
                "published": value,
                "derived": "—" if isinstance(derived, NotDerivable) else str(derived),
                "status": status,
                "explanation": why,
                "section": fig["section"],
                "quote": fig["quote"],
                "note": fig["note"] or "",
            }
        )
    return pd.DataFrame(out)


def check_table(review: Review) -> pd.DataFrame:
    """One row per stated relation between figures: the total, what its parts add up to, status."""
    values = {r["figure_id"]: published(r) for r in rows(review.figures)}
    checks = review.checks.reset_index(drop=True)
    terms = [parse_expression(expression) for expression in checks["expression"]]
    total = pd.Series([sum(sign * values[name] for sign, name in t) for t in terms], dtype=int)
    value = checks["figure_id"].map(values).astype(int)
    return pd.DataFrame(
        {
            "check_id": checks["check_id"],
            "description": checks["description"],
            "figure_id": checks["figure_id"],
            "published": value,
            "parts": [" ".join(f"{'+' if s > 0 else '−'} {values[n]:,}" for s, n in t).lstrip("+ ") for t in terms],
            "sum_of_parts": total,
            "difference": total - value,
            "status": [RESTATED if same else INCONSISTENT for same in total == value],
            "source": checks["source"],
        }
    )


SCORECARD_ROWS = (("Published figures", "figures"), ("Sums the article states", "checks"))


def scorecard(figures: pd.DataFrame, checks: pd.DataFrame) -> pd.DataFrame:
    """Counts of each status for figures and for arithmetic checks."""
    out = []
    for (name, _), table in zip(SCORECARD_ROWS, (figures, checks)):
        counts = table["status"].value_counts()
        out.append({"": name, **{s: int(counts.get(s, 0)) for s in STATUSES}, "total": len(table)})
    return pd.DataFrame(out).set_index("")
