"""What each published figure counts, and where the values it is derived from were read.

The reproduction check (:mod:`~peerwork_review.derivation.reproduction`) derives each
figure; the joint consistency check and the cells wanted group the same figures by what
they count. A figure the data give exactly is *reproduced* when some value it is derived
from was read elsewhere than in the article, and only *restated* when every one was read
in the article itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

import pandas as pd

from peerwork_review.derivation import derive
from peerwork_review.domain.provenance import ARTICLE_PREFIX
from peerwork_review.model.review import TABLES, Review

# Figures that count the studies in one category of a study-level value. The joint
# consistency check (consistency.py) groups them by family.
CATEGORY_FIGURES: dict[str, tuple[str, str]] = {
    "studies_united_states": ("location", "United States"),
    "studies_australia": ("location", "Australia"),
    "studies_united_kingdom": ("location", "United Kingdom"),
    "studies_finland": ("location", "Finland"),
    "studies_singapore": ("location", "Singapore"),
    "studies_multiple_countries": ("location", derive.MULTIPLE),
    "design_qualitative": ("design", "qualitative"),
    "design_mixed_methods": ("design", "mixed methods"),
    "quality_good": ("quality", "good"),
    "quality_fair": ("quality", "fair"),
    "quality_poor": ("quality", "poor"),
}
# What each family of those figures but the locations counts: (title, the data package
# resource, its column holding one value per study).
CATEGORY_VALUES = {
    "design": ("Study designs", "studies", "design"),
    "quality": ("Quality ratings (MMAT)", "quality_appraisal", "mmat_rating"),
}
# Figures that count distinct countries: among single-country studies, and across multi-country ones.
DISTINCT_COUNTRY_FIGURES = {"main_countries": "single", "multi_country_countries": "multiple"}
PREVALENCE_PREFIX = "prevalence_"


def prevalence_theme(figure_id: str) -> str | None:
    """The theme a ``prevalence_…`` figure counts the studies of, or None."""
    if not figure_id.startswith(PREVALENCE_PREFIX):
        return None
    return figure_id.removeprefix(PREVALENCE_PREFIX).replace("_", "-")


# Where each derivation takes its values from: (the file and source column, the sources
# of the rows it reads). A figure the data give exactly is *restated*, not reproduced,
# when every one of those rows was read in the article itself.
Reads: TypeAlias = "Callable[[Review], tuple[str, pd.Series]]"
Rows: TypeAlias = "Callable[[pd.DataFrame, Review], pd.Series]"


def _in_run(table: pd.DataFrame, r: Review) -> pd.Series:
    return table["search_run_id"] == r.scope


def _reads(file: str, frame: str, column: str, where: Rows | None = None) -> Reads:
    def read(r: Review) -> tuple[str, pd.Series]:
        table = getattr(r, frame)
        return f"data/{file}, column {column}", (table[where(table, r)] if where else table)[column]

    return read


def _kind(kind: str) -> Rows:
    return lambda table, r: table["kind"] == kind


COUNTRY_SOURCES = _reads("study_countries.csv", "countries", "source")
CATEGORY_SOURCES = {"location": COUNTRY_SOURCES} | {
    family: _reads(f"{resource}.csv", TABLES[resource], f"{column}_source")
    for family, (_, resource, column) in CATEGORY_VALUES.items()
}
READS: dict[str, Reads] = {
    "databases_searched": _reads("search_databases.csv", "databases", "database_source", _in_run),
    "records_identified_databases": _reads("search_databases.csv", "databases", "records_source", _in_run),
    "studies_included": _reads("reports.csv", "reports", "source", lambda table, r: table["study_id"].notna()),
    "search_window_start": _reads("search_runs.csv", "runs", "date_start_source", _in_run),
    "search_window_end": _reads("search_runs.csv", "runs", "date_end_source", _in_run),
    "themes": _reads("themes.csv", "themes", "name_source", _kind("theme")),
    "subthemes": _reads("themes.csv", "themes", "name_source", _kind("subtheme")),
    **{figure_id: COUNTRY_SOURCES for figure_id in DISTINCT_COUNTRY_FIGURES},
    **{figure_id: CATEGORY_SOURCES[family] for figure_id, (family, _) in CATEGORY_FIGURES.items()},
}
THEME_CODING = _reads("findings.csv", "findings", "locator")


def reads_for(figure_id: str) -> Reads | None:
    """Where the derivation of ``figure_id`` takes its values from (None: it derives nothing)."""
    return READS.get(figure_id) or (THEME_CODING if prevalence_theme(figure_id) else None)


def from_the_article_only(review: Review, figure_id: str) -> str | None:
    """Where the values a figure is derived from were read, when every one was read in the article itself."""
    reads = reads_for(figure_id)
    if reads is None:
        return None
    where, sources = reads(review)
    known = sources.dropna()
    return where if len(known) and known.str.startswith(ARTICLE_PREFIX).all() else None
