"""Every published figure beside what the dataset derives, and every sum the article states.

Each published figure is checked against the review *as of its own search run*, so
the 2023 figures keep being checked against the 2023 run after the search is updated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from . import derive
from .derive import Range
from .load import parse_expression
from .model import Review, rows

REPRODUCED = "reproduced"
NOT_DERIVABLE = "not derivable"
INCONSISTENT = "inconsistent"
STATUSES = (REPRODUCED, NOT_DERIVABLE, INCONSISTENT)


@dataclass(frozen=True)
class NotDerivable:
    """The dataset holds nothing from which this figure could be computed."""

    reason: str


Derivation = Callable[[Review], "Range | NotDerivable"]

RECORDS_NOT_PUBLIC = NotDerivable("the review's record-level search and screening data are not published, so this stage can only be taken as reported")


def _databases_searched(r: Review) -> Range:
    n = int((r.databases["search_run_id"] == r.scope).sum())
    return Range(n, n)


def _records_from_databases(r: Review) -> Range | NotDerivable:
    records = r.databases.loc[r.databases["search_run_id"] == r.scope, "records"]
    if records.isna().any():
        return NotDerivable(f"{int(records.isna().sum())} of {len(records)} per-database record counts are not reported (data/search_databases.csv, column records)")
    return Range(int(records.sum()), int(records.sum()))


def _studies_included(r: Review) -> Range:
    return Range(len(r.studies), len(r.studies))


def _location(name: str) -> Derivation:
    return lambda r: derive.location_range(r, name)


def _category(values: Callable[[Review], pd.Series], category: str, file: str, column: str) -> Derivation:
    return lambda r: derive.category_range(values(r), category, file, column)


def _theme_count(kind: str) -> Derivation:
    def count(r: Review) -> Range:
        n = int((r.themes["kind"] == kind).sum())
        return Range(n, n)
    return count


def _prevalence(theme_id: str) -> Derivation:
    return lambda r: derive.theme_prevalence_range(r, theme_id)


STUDIES = "data/studies.csv"
QUALITY = "data/quality_appraisal.csv"

DERIVATIONS: dict[str, Derivation] = {
    "databases_searched": _databases_searched,
    "records_identified_databases": _records_from_databases,
    "records_identified_other": lambda r: NotDerivable("the records found by each other method (conference proceedings, grey literature, reference lists) are not reported"),
    "duplicates_removed": lambda r: RECORDS_NOT_PUBLIC,
    "records_screened": lambda r: RECORDS_NOT_PUBLIC,
    "full_texts_assessed": lambda r: RECORDS_NOT_PUBLIC,
    "studies_included": _studies_included,
    "screening_reviewers": lambda r: NotDerivable("the screening records are not published"),
    "screening_agreement_percent": lambda r: NotDerivable("the screening records are not published"),
    "appraisal_reviewers": lambda r: NotDerivable("the appraisal records are not published"),
    "studies_united_states": _location("United States"),
    "studies_australia": _location("Australia"),
    "studies_united_kingdom": _location("United Kingdom"),
    "studies_finland": _location("Finland"),
    "studies_singapore": _location("Singapore"),
    "studies_multiple_countries": _location(derive.MULTIPLE),
    "main_countries": derive.single_country_range,
    "multi_country_countries": derive.multi_country_range,
    "design_qualitative": _category(derive.design_values, "qualitative", STUDIES, "design"),
    "design_mixed_methods": _category(derive.design_values, "mixed methods", STUDIES, "design"),
    "quality_good": _category(derive.rating_values, "good", QUALITY, "mmat_rating"),
    "quality_fair": _category(derive.rating_values, "fair", QUALITY, "mmat_rating"),
    "quality_poor": _category(derive.rating_values, "poor", QUALITY, "mmat_rating"),
    "themes": _theme_count("theme"),
    "subthemes": _theme_count("subtheme"),
}


def derivation_for(figure_id: str) -> Derivation:
    if figure_id in DERIVATIONS:
        return DERIVATIONS[figure_id]
    if figure_id.startswith("prevalence_"):
        return _prevalence(figure_id.removeprefix("prevalence_").replace("_", "-"))
    return lambda r: NotDerivable("no derivation is defined for this figure")


def judge(published: int, derived: Range | NotDerivable) -> tuple[str, str]:
    """Status and a plain-language explanation."""
    if isinstance(derived, NotDerivable):
        return NOT_DERIVABLE, derived.reason[0].upper() + derived.reason[1:] + "."
    if derived.exact and derived.low == published:
        return REPRODUCED, "The dataset gives exactly the published value."
    missing = "; ".join(derived.missing)
    if derived.contains(published):
        return NOT_DERIVABLE, f"The dataset allows {derived} ({missing}); the published value lies in that range."
    detail = f" ({missing})" if missing else ""
    return INCONSISTENT, f"The dataset gives {derived}{detail}, which excludes the published value."


def figure_table(review: Review) -> pd.DataFrame:
    """One row per published figure: published value, derived value, status, explanation, locator."""
    out = []
    for fig in rows(review.figures):
        scoped = review.as_of(fig["search_run_id"])
        derived = derivation_for(fig["figure_id"])(scoped)
        status, why = judge(int(fig["value"]), derived)
        out.append({
            "figure_id": fig["figure_id"],
            "search_run_id": fig["search_run_id"],
            "topic": fig["topic"],
            "description": fig["description"],
            "published": int(fig["value"]),
            "derived": "—" if isinstance(derived, NotDerivable) else str(derived),
            "status": status,
            "explanation": why,
            "section": fig["section"],
            "quote": fig["quote"],
        })
    return pd.DataFrame(out)


def check_table(review: Review) -> pd.DataFrame:
    """One row per stated relation between figures: the total, what its parts add up to, status."""
    values = dict(zip(review.figures["figure_id"], review.figures["value"].astype(int)))
    out = []
    for check in rows(review.checks):
        terms = parse_expression(check["expression"])
        total = sum(sign * values[name] for sign, name in terms)
        published = values[check["figure_id"]]
        status = REPRODUCED if total == published else INCONSISTENT
        shown = " ".join(f"{'+' if sign > 0 else '−'} {values[name]:,}" for sign, name in terms).lstrip("+ ")
        out.append({
            "check_id": check["check_id"],
            "description": check["description"],
            "figure_id": check["figure_id"],
            "published": int(published),
            "parts": shown,
            "sum_of_parts": int(total),
            "difference": int(total - published),
            "status": status,
            "source": check["source"],
        })
    return pd.DataFrame(out)


def scorecard(figures: pd.DataFrame, checks: pd.DataFrame) -> pd.DataFrame:
    """Counts of each status for figures and for arithmetic checks."""
    out = []
    for name, table in (("Published figures", figures), ("Sums the article states", checks)):
        counts = table["status"].value_counts()
        out.append({"": name, **{s: int(counts.get(s, 0)) for s in STATUSES}, "total": len(table)})
    return pd.DataFrame(out).set_index("")
