"""What each published figure counts, and where the values it is derived from were read.

The reproduction check (:mod:`~peerwork_review.derivation.reproduction`) derives each
figure; the joint consistency check and the cells wanted group the same figures by what
they count. A figure the data give exactly is *reproduced* when some value it is derived
from was read elsewhere than in the article, and only *restated* when every one was read
in the article itself.
"""

from __future__ import annotations

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


# Where each derivation takes its values from: (the data package resource, the column
# saying where each value was read, which of its rows, as a DataFrame.query with @run the
# figure's search run). A figure the data give exactly is *restated*, not reproduced, when
# every one of those rows was read in the article itself.
IN_RUN = "search_run_id == @run"
COUNTRY_SOURCES = ("study_countries", "source", None)
CATEGORY_SOURCES = {"location": COUNTRY_SOURCES} | {
    family: (resource, f"{column}_source", None) for family, (_, resource, column) in CATEGORY_VALUES.items()
}
READS: dict[str, tuple[str, str, str | None]] = {
    "databases_searched": ("search_databases", "database_source", IN_RUN),
    "records_identified_databases": ("search_databases", "records_source", IN_RUN),
    "studies_included": ("reports", "source", "study_id.notna()"),
    "search_window_start": ("search_runs", "date_start_source", IN_RUN),
    "search_window_end": ("search_runs", "date_end_source", IN_RUN),
    "themes": ("themes", "name_source", "kind == 'theme'"),
    "subthemes": ("themes", "name_source", "kind == 'subtheme'"),
    **{figure_id: COUNTRY_SOURCES for figure_id in DISTINCT_COUNTRY_FIGURES},
    **{figure_id: CATEGORY_SOURCES[family] for figure_id, (family, _) in CATEGORY_FIGURES.items()},
}
THEME_CODING = ("findings", "locator", None)


def reads_for(figure_id: str) -> tuple[str, str, str | None] | None:
    """Where the derivation of ``figure_id`` takes its values from (None: it derives nothing)."""
    return READS.get(figure_id) or (THEME_CODING if prevalence_theme(figure_id) else None)


def from_the_article_only(review: Review, figure_id: str) -> str | None:
    """Where the values a figure is derived from were read, when every one was read in the article itself."""
    reads = reads_for(figure_id)
    if reads is None:
        return None
    resource, column, which = reads
    table = getattr(review, TABLES[resource])
    known = (table.query(which, local_dict={"run": review.scope}) if which else table)[column].dropna()
    field, title = review.column_title(f"data/{resource}.csv", column)
    where = f"{field}, in {title}"
    return where if len(known) and known.str.startswith(ARTICLE_PREFIX).all() else None
