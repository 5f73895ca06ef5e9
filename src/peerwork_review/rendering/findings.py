"""What the themes chapter says, generated from the findings: the list of themes, one section body per theme,
and what each study contributes.

Pure functions of a :class:`~peerwork_review.model.review.Review`. Every statement, name and
number comes from ``data/``; all text is escaped, and only the citation roles this module
writes itself are markup.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from peerwork_review.derivation import derive
from peerwork_review.model.editions import edition
from peerwork_review.model.review import Review, rows
from peerwork_review.rendering.prisma_flow import join_names
from peerwork_review.rendering.render import Markup, cite, escape, value_text

# Where the article points for the studies behind each theme; a figure's own note says where its sentence points.
TABLE_3_MISSING = (
    "the Results do not name the others; the article's Methods point to its Table 3 for the themes of each study, "
    "and no public copy of that table was found"
)
STUDIES_INCLUDED = "studies_included"


def _included(n: int) -> str:
    return f"{value_text(n)} included {'study' if n == 1 else 'studies'}"


def _studies(n: int) -> str:
    return f"{value_text(n)} {'study' if n == 1 else 'studies'}"


def _findings(n: int) -> str:
    return f"{value_text(n)} {'finding' if n == 1 else 'findings'}"


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


def _from_edition(review: Review, run_id: str) -> Markup:
    e = edition(review, run_id)
    return Markup(f"*{escape(f'From edition {e.number}, {e.label}:')}*")


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


def _cited_by_theme(review: Review) -> dict[str, Cited]:
    """Theme id -> the included studies its findings cite (every theme, one pass over the coding)."""
    support = derive.theme_support(review)
    here = support[support["how"] == "cited"].groupby("theme_id").size()
    total = support.groupby("theme_id").size()
    n = len(review.studies)
    return {t: Cited(int(here.get(t, 0)), int(total.get(t, 0)), n) for t in review.themes["theme_id"]}


def _published_figures(review: Review) -> dict[str, dict]:
    """Theme id -> the article's figure for it (``prevalence_<theme>``), where its run is in this view."""
    out = {}
    for figure in rows(review.figures[review.figures["figure_id"].str.startswith("prevalence_")]):
        if figure["search_run_id"] in review.run_ids:
            out[figure["figure_id"].removeprefix("prevalence_").replace("_", "-")] = figure
    return out


def all_theme_counts(review: Review) -> dict[str, ThemeCounts]:
    """Theme id -> its :class:`ThemeCounts`, for every theme, computed together (linear in the data)."""
    cited_ids = set(review.finding_reports["finding_id"])
    per_theme = review.findings.assign(uncited=~review.findings["finding_id"].isin(cited_ids)).groupby("theme_id")[
        "uncited"
    ]
    found, uncited = per_theme.size(), per_theme.sum()
    now = _cited_by_theme(review)
    published = _published_figures(review)
    then: dict[str, tuple[int, dict[str, Cited]]] = {}
    figures = review.figures
    for run in {f["search_run_id"] for f in published.values()}:
        scoped = review.as_of(run)
        denominator = figures.loc[
            (figures["figure_id"] == STUDIES_INCLUDED) & (figures["search_run_id"] == run), "value"
        ]
        then[run] = (int(denominator.iloc[0]) if len(denominator) else len(scoped.studies), _cited_by_theme(scoped))
    out = {}
    for theme_id in review.themes["theme_id"]:
        counts = ThemeCounts(int(found.get(theme_id, 0)), int(uncited.get(theme_id, 0)), now[theme_id])
        figure = published.get(theme_id)
        if figure is not None:
            included, cited = then[figure["search_run_id"]]
            counts = replace(
                counts,
                published=int(figure["value"]),
                published_run=figure["search_run_id"],
                note=figure["note"],
                published_included=included,
                cited_in_published_run=cited[theme_id],
            )
        out[theme_id] = counts
    return out


def _split(cited: Cited, has_subthemes: bool) -> str:
    via = cited.with_subthemes - cited.here
    return (
        f" ({value_text(cited.here)} in this section, {value_text(via)} more only under its subthemes)"
        if has_subthemes and via
        else ""
    )


def _counts_paragraph(review: Review, theme: dict, c: ThemeCounts) -> Markup:
    kind = theme["kind"]
    subthemes = bool((review.themes["parent_theme_id"] == theme["theme_id"]).any())
    if c.findings:
        uncited = f"{value_text(c.uncited)} of them stated without a citation" if c.uncited else "each with a citation"
        parts = [f"This section holds {_findings(c.findings)}, {uncited}."]
    else:
        parts = ["This section holds no findings."]
    now = c.cited
    if c.published is None:
        parts += [
            f"The article gives no number of studies for this {kind}.",
            f"The findings cite {value_text(now.with_subthemes)} of the {_included(now.included)}{_split(now, subthemes)}.",
        ]
        return _join(parts)
    then = c.cited_in_published_run
    # all_theme_counts sets them together with published
    assert then is not None and c.published_included is not None
    parts.append(
        f"The article reports that {value_text(c.published)} of its {_included(c.published_included)} support this {kind}; "
        f"the findings of its Results cite {value_text(then.with_subthemes)}{_split(then, subthemes)}."
    )
    if c.note:
        parts.append(f"({c.note})")
    if c.published > then.with_subthemes:
        parts.append(
            f"The article's figure exceeds the studies its Results cite by {value_text(c.published - then.with_subthemes)}: {TABLE_3_MISSING}."
        )
    elif c.published == then.with_subthemes:
        parts.append("Its Results cite every study the article counts.")
    else:
        parts.append(
            f"Its Results cite {_studies(then.with_subthemes - c.published)} more than the article's figure: the two disagree."
        )
    if review.latest_run != c.published_run:
        parts.append(
            f"With the findings of later search runs, {value_text(now.with_subthemes)} of the {_studies(now.included)} now included "
            f"are cited{_split(now, subthemes)}."
        )
    return _join(parts)


def _join(sentences: list[str]) -> Markup:
    """Sentences of this module and data notes alike are escaped: none of them is markup."""
    return Markup(" ".join(escape(s) for s in sentences))


# -- sections ----------------------------------------------------------------


def sections(review: Review) -> dict[str, Markup]:
    """Theme id -> the body of its section, every theme in reading order: its findings in order, each with
    its citations, then its counts. The heading is the caller's, so that it can be a real heading of the page.

    Computed together, so a notebook that shows every theme takes time linear in the data.
    """
    themes = {t["theme_id"]: t for t in rows(derive.ordered_themes(review))}
    reports = _cited_reports(review)
    counts = all_theme_counts(review)
    by_theme: dict[str, list[dict]] = {}
    for f in rows(review.findings.sort_values(["theme_id", "position", "finding_id"])):
        by_theme.setdefault(f["theme_id"], []).append(f)
    out = {}
    for theme_id, theme in themes.items():
        paragraphs: list[list[str]] = []
        previous = None
        for f in by_theme.get(theme_id, []):
            # findings from one paragraph of the source stay one paragraph; a later run's say which edition they come from
            if (f["search_run_id"], f["locator"]) != previous:
                paragraphs.append(
                    [] if f["search_run_id"] == review.article_run else [_from_edition(review, f["search_run_id"])]
                )
                previous = (f["search_run_id"], f["locator"])
            paragraphs[-1].append(_sentence(f["statement"], reports.get(f["finding_id"], [])))
        blocks = [" ".join(p) for p in paragraphs] + [_counts_paragraph(review, theme, counts[theme_id])]
        out[theme_id] = Markup("\n\n".join(blocks))
    return out


def theme_list(review: Review) -> Markup:
    """The themes as a bullet list, each with its subthemes; placements this edition inferred say so."""
    themes = rows(derive.ordered_themes(review))
    lines = []
    for theme in (t for t in themes if t["kind"] == "theme"):
        subs = [t for t in themes if t["parent_theme_id"] == theme["theme_id"]]
        inferred = [(s["placement_source"] or "").startswith("inferred:") for s in subs]
        stated = [f"*{escape(s['name'].lower())}*" for s, guess in zip(subs, inferred) if not guess]
        guessed = [f"*{escape(s['name'].lower())}*" for s, guess in zip(subs, inferred) if guess]
        line = f"- **{escape(theme['name'])}**"
        if stated:
            line += f", with {join_names(stated)}"
        if guessed:
            line += (", and, " if stated else ", with, ") + f"in this edition's reading, {join_names(guessed)}"
        lines.append(line + ";")
    if lines:
        lines[-1] = lines[-1].rstrip(";") + "."
    return Markup("\n".join(lines))
