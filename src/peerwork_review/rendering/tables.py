"""The review's Tables 1 to 4 and the theme summaries, regenerated from the dataset.

Cells holding data are plain strings (escaped when rendered); citation cells are
:class:`~peerwork_review.rendering.render.Markup`. Rows are sorted deterministically.
"""

from __future__ import annotations

import re

import pandas as pd

from peerwork_review.derivation import derive
from peerwork_review.domain.provenance import INFERRED_PREFIX
from peerwork_review.model.review import Review, rows
from peerwork_review.rendering.render import NOT_AVAILABLE, Markup, cite, escape

INFERRED_MARK = " †"


def marked(text: str, source: str | None) -> str:
    """``text`` with the dagger every table puts after a value its source says was inferred."""
    return text + (INFERRED_MARK if (source or "").startswith(INFERRED_PREFIX) else "")


def _value(record: dict, column: str, source_column: str | None = None, fmt=str) -> str:
    value = record[column]
    if value is None:
        return NOT_AVAILABLE
    return marked(fmt(value), record[source_column or f"{column}_source"])


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
    inferred = next((s for s in countries["source"] if (s or "").startswith(INFERRED_PREFIX)), None)
    return marked(known[0] if len(known) == 1 else f"{derive.MULTIPLE}: {', '.join(known)}", inferred)


# -- what a table of the article holds once later searches add to it ---------------------------


def studies_held(review: Review) -> str:
    """Which studies a table of the article's (Table 1, Table 2) holds in ``review``, as its caption says it: the
    review's included studies while they are the article's; otherwise how many of the article's, and how many
    later searches added."""
    article = review.published.studies["study_id"]
    kept = int(review.studies["study_id"].isin(article).sum())
    added = len(review.studies) - kept
    if kept == len(article) and not added:
        return "the review's included studies"
    ours = (
        f"the article's {len(article)} studies"
        if kept == len(article)
        else f"{kept} of the article's {len(article)} studies (later searches withdrew {len(article) - kept})"
    )
    return ours + (f" and {added} stud{'y' if added == 1 else 'ies'} that later searches added" if added else "")


def citations_shown(review: Review) -> str:
    """What the theme coding rests on: the article's citations, and the findings of later searches once there are any."""
    later = (review.findings["search_run_id"] != review.article_run).any()
    return "the citations in the article's Results" + (" and in the findings of later searches" if later else "")


# "unknown" is the review's own entry (its Table 1 says so); a study no source covers is
# "not available" instead, a different thing.
COAUTHORSHIP = {"yes": "Yes", "no": "No", "unknown": "Unknown (as given in the review)"}


def coauthorship_labels(review: Review) -> pd.Series:
    """Each study's co-authorship as Table 1 words it; missing where no source gives it."""
    return derive.coauthorship_values(review).map(COAUTHORSHIP.get, na_action="ignore")


FOUND_BY = "Found by search"
# Key findings, the longest text, get the most room (relative widths; Sphinx scales them to 100).
CHARACTERISTICS_WIDTHS = {
    "Study": 11,
    FOUND_BY: 6,
    "Location": 9,
    "Setting": 11,
    "Lived experience co-authorship": 8,
    "Design and methods": 12,
    "Sample": 12,
    "Data analysis": 9,
    "Key findings (this edition's summary)": 28,
}


def study_characteristics(review: Review) -> pd.DataFrame:
    """Table 1: one row per study. The search that found each study is shown once there is more than one."""
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
        out.append(
            {
                "Study": study_citation(review, sid),
                FOUND_BY: r["first_search_run_id"],
                "Location": location_text(review, sid),
                "Setting": _value(r, "setting"),
                "Lived experience co-authorship": _value(r, "lived_experience_coauthorship", fmt=COAUTHORSHIP.get),
                "Design and methods": design,
                "Sample": sample,
                "Data analysis": _value(r, "data_analysis"),
                "Key findings (this edition's summary)": _value(r, "key_findings"),
            }
        )
    table = pd.DataFrame(out)
    return table if table[FOUND_BY].nunique() > 1 else table.drop(columns=FOUND_BY)


def _reason(source: str) -> str:
    """A missing value's recorded reason as a reader reads it: without the 'not found:' tag or
    pointers to the extraction's working notes ('(fact sheet, Task 2)')."""
    text = re.sub(r"^(not found|not reported):\s*", "", source or "")
    text = re.sub(r"\s*\((?:see )?fact sheet[^)]*\)", "", text)
    return text[:1].upper() + text[1:]


def missing_ratings(review: Review) -> dict[str, list[str]]:
    """Why ratings are missing: each distinct reason, with the studies (Table 1 order) it applies to."""
    ratings = {r["study_id"]: r for r in rows(review.quality)}
    out: dict[str, list[str]] = {}
    for sid in review.study_order():
        if ratings[sid]["mmat_rating"] is None:
            out.setdefault(_reason(ratings[sid]["mmat_rating_source"]), []).append(sid)
    return out


def rating_note(review: Review) -> Markup:
    """Says once why per-study ratings are missing, instead of once per row."""
    missing = missing_ratings(review)
    total = len(review.studies)
    if not missing:
        return Markup(escape(f"Every one of the {total:,} included studies has a rating; its source is in the table."))
    count = sum(len(ids) for ids in missing.values())
    head = (
        "No per-study rating is available"
        if count == total
        else f"No rating is available for {count:,} of the {total:,} included studies"
    )
    if len(missing) == 1:
        return Markup(f"{escape(head)}. {escape(next(iter(missing)).rstrip('.'))}.")
    lines = [f"{escape(head)}:", ""]
    for reason, ids in missing.items():
        lines.append(f"- {cite([review.main_report(s) for s in ids], 't')}: {escape(reason)}")
    return Markup("\n".join(lines))


def quality_appraisal(review: Review) -> pd.DataFrame:
    """Table 2: the MMAT rating of each study. The source column appears once any rating is
    known; why the others are missing is said once, by :func:`rating_note`."""
    ratings = {r["study_id"]: r for r in rows(review.quality)}
    studies = {r["study_id"]: r for r in rows(review.studies)}
    any_known = any(r["mmat_rating"] is not None for r in ratings.values())
    out = []
    for sid in review.study_order():
        r = ratings[sid]
        row = {
            "Study": study_citation(review, sid),
            "Design category": _value(studies[sid], "design", fmt=str.capitalize),
            "MMAT rating": _value(r, "mmat_rating", fmt=str.capitalize),
        }
        if any_known:
            row["Source of the rating"] = (
                r["mmat_rating_source"] if r["mmat_rating"] else "see the note above the table"
            )
        out.append(row)
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


def _theme_columns(theme: dict, names: dict[str, str]) -> dict[str, str]:
    """A row's Theme and Subtheme cells; a subtheme's theme carries † where its placement is inferred."""
    name = marked(theme["name"], theme["name_source"])
    if theme["kind"] == "theme":
        return {"Theme": name, "Subtheme": ""}
    parent = theme["parent_theme_id"]
    placed = marked(names[parent], theme["placement_source"]) if parent is not None else NOT_AVAILABLE
    return {"Theme": placed, "Subtheme": name}


def _references(review: Review, theme_id: str, direct: pd.DataFrame) -> Markup | str:
    """The reports a section cites: those of included studies, then any that report no included study, said so."""
    included = cite(_report_keys(direct))
    study = dict(zip(review.reports["report_id"], review.reports["study_id"]))
    coded = review.coding.loc[review.coding["theme_id"] == theme_id, "report_id"]
    others = sorted({r for r in coded if study.get(r) is None})
    if not others:
        return included or "none"
    note = Markup(f"{cite(others)} ({'not an included study' if len(others) == 1 else 'not included studies'})")
    return Markup(f"{included}; {note}") if included else note


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
        out.append(
            {
                **_theme_columns(t, names),
                "Studies cited (with its subthemes)": str(len(links)),
                "Studies reported by the article": str(published.get(t["theme_id"], "not stated")),
                "Findings in its own section": str(findings[t["theme_id"]]),
                "References cited in its own section": _references(
                    review, t["theme_id"], links[links["how"] == "cited"]
                ),
            }
        )
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
    return pd.DataFrame(
        [
            {**_theme_columns(t, names), "Description (this edition's words)": _value(t, "description")}
            for t in rows(themes)
        ]
    )
