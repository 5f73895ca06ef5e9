"""What the themes chapter says, generated from the findings: one section body per theme, and what each study contributes.

Pure functions of a :class:`~peerwork_review.model.Review`. Every statement, name and
number comes from ``data/``; data text is escaped, and only the citation roles and
emphasis this module writes itself are markup.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from . import derive
from .model import Review, rows
from .render import Markup, cite, escape
from .tables import study_citation

TABLE_3_MISSING = "the rest are in the review's Table 3, of which no public copy was found"
STUDIES_INCLUDED = "studies_included"


def _included(n: int) -> str:
    return f"{n} included {'study' if n == 1 else 'studies'}"


def _studies(n: int) -> str:
    return f"{n} {'study' if n == 1 else 'studies'}"


def _findings(n: int) -> str:
    return f"{n} {'finding' if n == 1 else 'findings'}"


def _cited_reports(review: Review) -> dict[str, list[str]]:
    """Finding id -> the reports it cites, in the order of data/finding_reports.csv."""
    out: dict[str, list[str]] = {}
    for finding_id, report_id in zip(review.finding_reports["finding_id"], review.finding_reports["report_id"]):
        out.setdefault(finding_id, []).append(report_id)
    return out


def _sentence(statement: str, reports: list[str]) -> Markup:
    """The statement with its citation before the closing full stop."""
    text = " ".join(statement.split())
    end = text[-1] if text and text[-1] in ".!?" else ""
    body = text[: len(text) - len(end)] if end else text
    citation = f" {cite(reports)}" if reports else ""
    return Markup(f"{escape(body)}{citation}{escape(end or '.')}")


# -- counts ------------------------------------------------------------------


@dataclass(frozen=True)
class Cited:
    """Included studies the findings cite for a theme, in one view of the review."""

    here: int  # by this section's own findings
    with_subthemes: int  # ... or by the findings of its subthemes
    included: int  # studies in that view


@dataclass(frozen=True)
class ThemeCounts:
    """The numbers a section reports. The ``published`` ones describe the article's own run."""

    findings: int
    uncited: int  # findings stated without a citation
    cited: Cited  # in the review as it stands
    published: int | None = None  # the article's figure for this theme, where it gives one
    published_run: str | None = None
    published_included: int | None = None  # the article's own denominator (its studies_included)
    cited_in_published_run: Cited | None = None
    note: str | None = None  # how the article's figure is read (published_figures.csv)


def _cited(review: Review, theme_id: str) -> Cited:
    support = derive.theme_support(review)
    support = support[support["theme_id"] == theme_id]
    return Cited(int((support["how"] == "cited").sum()), len(support), len(review.studies))


def _published_figure(review: Review, theme_id: str) -> dict | None:
    figure_id = "prevalence_" + theme_id.replace("-", "_")
    found = rows(review.figures[review.figures["figure_id"] == figure_id])
    return found[0] if found and found[0]["search_run_id"] in review.run_ids else None


def theme_counts(review: Review, theme_id: str) -> ThemeCounts:
    mine = review.findings[review.findings["theme_id"] == theme_id]
    uncited = int((~mine["finding_id"].isin(set(review.finding_reports["finding_id"]))).sum())
    counts = ThemeCounts(len(mine), uncited, _cited(review, theme_id))
    figure = _published_figure(review, theme_id)
    if figure is None:
        return counts
    run = figure["search_run_id"]
    scoped = review.as_of(run)
    figures = review.figures
    denominator = figures.loc[(figures["figure_id"] == STUDIES_INCLUDED) & (figures["search_run_id"] == run), "value"]
    return replace(counts, published=int(figure["value"]), published_run=run, note=figure["note"],
                   published_included=int(denominator.iloc[0]) if len(denominator) else len(scoped.studies),
                   cited_in_published_run=_cited(scoped, theme_id))


def _split(cited: Cited, has_subthemes: bool) -> str:
    via = cited.with_subthemes - cited.here
    return f" ({cited.here} in this section, {via} more only under its subthemes)" if has_subthemes and via else ""


def _counts_paragraph(review: Review, theme: dict, c: ThemeCounts) -> Markup:
    kind = theme["kind"]
    subthemes = bool((review.themes["parent_theme_id"] == theme["theme_id"]).any())
    if c.findings:
        uncited = f"{c.uncited} of them stated without a citation" if c.uncited else "each with a citation"
        parts = [f"This section holds {_findings(c.findings)}, {uncited}."]
    else:
        parts = ["This section holds no findings."]
    now = c.cited
    if c.published is None:
        parts += [f"The article gives no number of studies for this {kind}.",
                  f"The findings cite {now.with_subthemes} of the {_included(now.included)}{_split(now, subthemes)}."]
        return _join(parts)
    then = c.cited_in_published_run
    parts.append(f"The article reports that {c.published} of its {_included(c.published_included)} support this {kind}; "
                 f"the findings of its Results cite {then.with_subthemes}{_split(then, subthemes)}.")
    if c.note:
        parts.append(f"({c.note})")
    if c.published > then.with_subthemes:
        parts.append(f"The article's figure exceeds the studies its Results cite by {c.published - then.with_subthemes}: {TABLE_3_MISSING}.")
    elif c.published == then.with_subthemes:
        parts.append("Its Results cite every study the article counts.")
    else:
        parts.append(f"Its Results cite {_studies(then.with_subthemes - c.published)} more than the article's figure: the two disagree.")
    if review.latest_run != c.published_run:
        parts.append(f"With the findings of later search runs, {now.with_subthemes} of the {_studies(now.included)} now included "
                     f"are cited{_split(now, subthemes)}.")
    return _join(parts)


def _join(sentences: list[str]) -> Markup:
    """Sentences of this module and data notes alike are escaped: none of them is markup."""
    return Markup(" ".join(escape(s) for s in sentences))


# -- sections ----------------------------------------------------------------


def section_markdown(review: Review, theme_id: str) -> Markup:
    """The body of one theme's or subtheme's section: its findings in order, then its counts.

    Findings from one paragraph of the source (one locator) form one paragraph. The
    heading is the caller's, so that it can be a real heading of the page.
    """
    themes = {t["theme_id"]: t for t in rows(review.themes)}
    if theme_id not in themes:
        raise KeyError(f"unknown theme {theme_id!r}")
    reports = _cited_reports(review)
    mine = review.findings[review.findings["theme_id"] == theme_id].sort_values(["position", "finding_id"])
    paragraphs: list[list[str]] = []
    previous = None
    for f in rows(mine):
        if f["locator"] != previous:
            paragraphs.append([])
            previous = f["locator"]
        paragraphs[-1].append(_sentence(f["statement"], reports.get(f["finding_id"], [])))
    blocks = [" ".join(p) for p in paragraphs]
    blocks.append(_counts_paragraph(review, themes[theme_id], theme_counts(review, theme_id)))
    return Markup("\n\n".join(blocks))


# -- studies -----------------------------------------------------------------


def study_contributions(review: Review) -> pd.DataFrame:
    """Per included study (Table 1 order): how many findings cite it, and under which themes."""
    links = derive.study_findings(review)
    names = dict(zip(review.themes["theme_id"], review.themes["name"]))
    order = list(derive.ordered_themes(review)["theme_id"])
    out = []
    for sid in review.study_order():
        mine = links[links["study_id"] == sid]
        per_theme = mine["theme_id"].value_counts()
        themes = "; ".join(f"{names[t]} ({int(per_theme[t])})" for t in order if t in per_theme)
        out.append({
            "Study": study_citation(review, sid),
            "Findings citing it": str(mine["finding_id"].nunique()),
            "Themes and subthemes (findings)": themes or "none",
        })
    return pd.DataFrame(out)
