"""Counts and groupings derived from the dataset. Pure functions of a :class:`Review`."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from peerwork_review.model.review import Review

MULTIPLE = "Multiple countries"
# The category of a value no available source gives; tables write it "not available" too.
NOT_KNOWN = "Not available"


@dataclass(frozen=True)
class Range:
    """What the data say about a count: exactly ``low`` if ``high == low``, else between the two.

    ``high`` is None when missing values leave no upper bound. ``missing`` says which
    values are unknown and where they would go.
    """

    low: int
    high: int | None
    missing: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        return self.high == self.low

    def contains(self, value: int) -> bool:
        return self.low <= value and (self.high is None or value <= self.high)

    def __str__(self) -> str:
        if self.exact:
            return f"{self.low:,}"
        return f"{self.low:,}–{self.high:,}" if self.high is not None else f"{self.low:,} or more"


def in_sentence(title: str) -> str:
    """A title inside a sentence: "Design category" reads "design category", but "MMAT rating" stays."""
    return title if title[:2].isupper() else title[:1].lower() + title[1:]


def _missing(review: Review, study_ids, file: str, column: str) -> tuple[str, ...]:
    """The studies a range leaves open, in readers' words: the column's and the file's titles, the studies' labels."""
    if not len(study_ids):
        return ()
    field, table = review.column_title(file, column)
    labels = ", ".join(sorted(review.study_label(s) for s in study_ids))
    studies = "study" if len(study_ids) == 1 else "studies"
    return (f"{len(study_ids)} {studies} with no {in_sentence(field)} in {table}: {labels}",)


def category_range(review: Review, values: pd.Series, category: str, file: str, column: str) -> Range:
    """How many of ``values`` (indexed by study) equal ``category``, counting unknowns as either."""
    known = int((values == category).sum())
    unknown = values[values.isna()].index
    return Range(known, known + len(unknown), _missing(review, unknown, file, column))


# -- locations ---------------------------------------------------------------


def study_locations(review: Review) -> pd.DataFrame:
    """One row per study: the countries where it collected data and its location category."""
    if "study_locations" not in review.memo:
        review.memo["study_locations"] = _study_locations(review)
    return review.memo["study_locations"]


def _study_locations(review: Review) -> pd.DataFrame:
    known = review.countries[review.countries["country"].notna()]
    # pandas-stubs allows only scalars as what agg's function returns; pandas takes a tuple.
    by_study = known.groupby("study_id")["country"].agg(lambda c: tuple(sorted(c))).to_dict()  # type: ignore[type-var]
    rows = []
    for sid in review.study_order():
        countries = by_study.get(sid, ())
        location = None if not countries else countries[0] if len(countries) == 1 else MULTIPLE
        rows.append({"study_id": sid, "countries": countries, "location": location})
    return pd.DataFrame(rows, columns=["study_id", "countries", "location"]).set_index("study_id", drop=False)


COUNTRIES = "data/study_countries.csv"


def location_range(review: Review, location: str) -> Range:
    return category_range(review, study_locations(review)["location"], location, COUNTRIES, "country")


def single_country_range(review: Review) -> Range:
    """Number of distinct countries among single-country studies; an unknown location may add one."""
    loc = study_locations(review)["location"]
    known = loc.dropna()
    distinct = known[known != MULTIPLE].nunique()
    unknown = loc[loc.isna()].index
    return Range(distinct, distinct + len(unknown), _missing(review, unknown, COUNTRIES, "country"))


def multi_country_range(review: Review) -> Range:
    """Distinct countries across multi-country studies; an unknown location could add any number."""
    loc = study_locations(review)
    multi = loc[loc["location"] == MULTIPLE]
    distinct = len({c for cs in multi["countries"] for c in cs})
    unknown = loc[loc["location"].isna()].index
    return Range(distinct, distinct if unknown.empty else None, _missing(review, unknown, COUNTRIES, "country"))


def count_table(values: pd.Series, order: list[str] | None = None, label: str = "Category") -> pd.DataFrame:
    """Counts of each value, missing values counted as ``NOT_KNOWN``; sorted by ``order`` or by count."""
    counts = values.fillna(NOT_KNOWN).value_counts().rename_axis(label).reset_index(name="Studies")
    if order is not None:
        rank = {v: i for i, v in enumerate(order + [NOT_KNOWN])}
        counts = counts.assign(_rank=counts[label].map(lambda v: rank.get(v, len(rank)))).sort_values(["_rank", label])
    else:
        counts = counts.assign(_last=counts[label] == NOT_KNOWN).sort_values(
            ["_last", "Studies", label], ascending=[True, False, True]
        )
    return counts.drop(columns=[c for c in counts.columns if c.startswith("_")]).reset_index(drop=True)


def location_counts(review: Review) -> pd.DataFrame:
    return count_table(study_locations(review)["location"], label="Location")


def design_values(review: Review) -> pd.Series:
    return review.studies.set_index("study_id")["design"]


def rating_values(review: Review) -> pd.Series:
    return review.quality.set_index("study_id")["mmat_rating"]


def coauthorship_values(review: Review) -> pd.Series:
    return review.studies.set_index("study_id")["lived_experience_coauthorship"]


def publication_years(review: Review) -> pd.Series:
    """Year of each study's main report."""
    return pd.Series({sid: review.bib[review.main_report(sid)].year for sid in review.studies["study_id"]}, name="year")


# -- themes ------------------------------------------------------------------


def theme_support(review: Review) -> pd.DataFrame:
    """Which studies the Results cite for each theme, directly or under one of its subthemes.

    A subtheme is part of its theme, so a study cited under a subtheme also supports
    the theme; ``how`` records which kind of link it is.
    """
    if "theme_support" not in review.memo:
        review.memo["theme_support"] = _theme_support(review)
    return review.memo["theme_support"]


def _theme_support(review: Review) -> pd.DataFrame:
    coded = review.coding.merge(review.reports[["report_id", "study_id"]], on="report_id")
    coded = coded[coded["study_id"].notna()]
    parent = review.themes.set_index("theme_id")["parent_theme_id"]
    direct = coded[["theme_id", "study_id", "report_id", "source"]].assign(how="cited")
    rolled = coded[coded["theme_id"].map(parent).notna()].assign(
        theme_id=lambda d: d["theme_id"].map(parent), how="cited under a subtheme"
    )
    links = pd.concat([direct, rolled[["theme_id", "study_id", "report_id", "source", "how"]]], ignore_index=True)
    # A study cited directly counts once as 'cited', with only the reports cited directly;
    # otherwise as 'cited under a subtheme', with the reports cited there.
    links["_rank"] = (links["how"] != "cited").astype(int)
    links = links[links["_rank"] == links.groupby(["theme_id", "study_id"])["_rank"].transform("min")]
    # One pass over the links in order, not a groupby with a function per group: a larger
    # review has thousands of (theme, study) pairs, and each group would cost a call.
    ordered = links.sort_values(["theme_id", "study_id", "report_id", "source"])
    grouped: dict[tuple[str, str], tuple[str, dict, dict]] = {}
    columns = ["theme_id", "study_id", "how", "report_id", "source"]
    for theme_id, study_id, how, report_id, source in zip(*(ordered[c] for c in columns)):
        _, reports, sources = grouped.setdefault((theme_id, study_id), (how, {}, {}))
        reports[report_id] = sources[source] = None  # dicts as ordered sets
    return pd.DataFrame(
        [(t, s, how, tuple(reports), tuple(sources)) for (t, s), (how, reports, sources) in grouped.items()],
        columns=["theme_id", "study_id", "how", "reports", "sources"],
    )


def theme_prevalence_range(review: Review, theme_id: str) -> Range:
    """Studies supporting a theme: at least those the Results cite, at most every included study."""
    support = theme_support(review)
    cited = set(support.loc[support["theme_id"] == theme_id, "study_id"])
    uncited = set(review.studies["study_id"]) - cited
    note: tuple[str, ...] = ()
    if uncited:
        note = (
            f"{len(uncited)} of {len(review.studies)} studies are cited by no finding of this theme, "
            "and no public copy was found of the review's Table 3, which would say whether they support it",
        )
    return Range(len(cited), len(review.studies), note)


def ordered_themes(review: Review) -> pd.DataFrame:
    """Themes in reading order: each theme followed by its subthemes."""
    themes = review.themes
    is_sub = themes["parent_theme_id"].notna()
    top_id = themes["parent_theme_id"].where(is_sub, themes["theme_id"])
    top_position = top_id.map(themes.set_index("theme_id")["position"])
    return (
        themes.assign(_top=top_position, _sub=is_sub.astype(int), _top_id=top_id)
        .sort_values(["_top", "_top_id", "_sub", "position", "theme_id"])
        .drop(columns=["_top", "_sub", "_top_id"])
        .reset_index(drop=True)
    )


# -- findings ----------------------------------------------------------------


def findings_per_theme(review: Review) -> pd.Series:
    """Number of findings in each theme's or subtheme's own section, every theme listed (reading order)."""
    counts = review.findings["theme_id"].value_counts()
    themes = ordered_themes(review)["theme_id"]
    return pd.Series([int(counts.get(t, 0)) for t in themes], index=list(themes), name="findings")


def study_findings(review: Review) -> pd.DataFrame:
    """One row per included study and finding citing one of its reports: study_id, theme_id, finding_id."""
    linked = review.finding_reports.merge(review.reports[["report_id", "study_id"]], on="report_id")
    linked = linked[linked["study_id"].notna()].merge(review.findings[["finding_id", "theme_id"]], on="finding_id")
    return linked[["study_id", "theme_id", "finding_id"]].drop_duplicates().reset_index(drop=True)
