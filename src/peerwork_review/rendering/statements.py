"""Values and sentences the prose pages take, each bound to the search run it is about.

The published review's account (its search, its selection, its figures) stays bound to
the article's run, the earliest, whatever later runs add; ``article_*`` values come
from that run or from the article's published figures. The current state of the
evidence, across every run, is glued as ``current_*`` and always says so. Every value is
glued as finished text, so a value the data do not give reads "not available".
"""

from __future__ import annotations

from peerwork_review import paths
from peerwork_review.derivation.flow import flow_numbers
from peerwork_review.model.review import Review, rows
from peerwork_review.rendering import prisma_flow, render
from peerwork_review.rendering.render import Markup, escape, role_title


def published(review: Review, figure_id: str) -> int | str | None:
    """A figure the article states (a count, or an identifier or date as text), or None if the dataset does not hold it."""
    from peerwork_review.reading.figure_values import published as value

    match = [r for r in rows(review.figures) if r["figure_id"] == figure_id]
    return value(match[0]) if match else None


def article_search_values(review: Review) -> dict[str, tuple[object, str]]:
    """The published review's search and selection: key -> (value, label)."""
    run_id = review.article_run
    flow = flow_numbers(review, run_id)
    run = next(r for r in rows(review.runs) if r["search_run_id"] == run_id)
    stage = flow.stages.get
    return {
        "article_run": (run_id, "the published review's search run"),
        "article_database_count": (len(flow.databases), "databases the published review searched"),
        "article_database_list": (
            prisma_flow.join_names(flow.databases),
            "databases the published review searched, by name",
        ),
        "article_search_window": (
            f"{prisma_flow.month_name(run['date_start'])} to {prisma_flow.month_name(run['date_end'])}",
            "period the published review's search covered",
        ),
        "article_search_end": (prisma_flow.month_name(run["date_end"]), "month the published review's search closed"),
        "article_other_methods": (run["other_methods"], "other sources the published review searched"),
        "article_records_databases": (
            stage(("databases", "identified")),
            "records the published review's database searches found",
        ),
        "article_records_other": (
            stage(("other_methods", "identified")),
            "records the published review found by other methods",
        ),
        "article_duplicates_removed": (
            stage(("databases", "removed_duplicates")),
            "duplicates the published review removed",
        ),
        "article_records_screened": (stage(("databases", "screened")), "records the published review screened"),
        "article_reports_assessed": (stage(("databases", "assessed")), "full texts the published review assessed"),
        "article_studies_included": (published(review, "studies_included"), "studies the article reports as included"),
        "article_studies_in_data": (flow.new_studies, "studies of the published review in this edition's data"),
    }


def current_state(review: Review) -> Markup:
    """One sentence on where the evidence stands now, for the landing and search pages."""
    later = review.run_ids[1:]
    if not later:
        return Markup(
            "This edition holds the published review's search only: no later search has been added, "
            "so the current evidence is the review's own."
        )
    latest = next(r for r in rows(review.runs) if r["search_run_id"] == later[-1])
    added = int((review.studies["first_search_run_id"] != review.article_run).sum())
    page = "/notebooks/" + paths.update_page(latest["search_run_id"]).removesuffix(".ipynb")
    return Markup(
        f"Since the published review, {escape(render.value_text(len(later)))} later "
        f"search{'es have' if len(later) != 1 else ' has'} been added to this edition, the latest to "
        f"{escape(prisma_flow.month_name(latest['date_end']))} ({{doc}}`{role_title(latest['label'])} <{page}>`). "
        f"They added {escape(render.value_text(added))} stud{'ies' if added != 1 else 'y'}, so the current "
        f"evidence, across every search, covers {escape(render.value_text(len(review.studies)))} studies. "
        "Pages about the published review keep its own search and numbers; each later search has a page of its own."
    )


def theme_list(review: Review) -> Markup:
    """The themes as a bullet list, each with its subthemes; placements this edition inferred say so."""
    from peerwork_review.derivation.derive import ordered_themes

    themes = rows(ordered_themes(review))
    lines = []
    for theme in (t for t in themes if t["kind"] == "theme"):
        subs = [t for t in themes if t["parent_theme_id"] == theme["theme_id"]]
        stated = [
            f"*{escape(s['name'].lower())}*" for s in subs if not (s["placement_source"] or "").startswith("inferred:")
        ]
        inferred = [
            f"*{escape(s['name'].lower())}*" for s in subs if (s["placement_source"] or "").startswith("inferred:")
        ]
        line = f"- **{escape(theme['name'])}**"
        if stated:
            line += f", with {prisma_flow.join_names(stated)}"
        if inferred:
            line += (
                ", and, " if stated else ", with, "
            ) + f"in this edition's reading, {prisma_flow.join_names(inferred)}"
        lines.append(line + ";")
    if lines:
        lines[-1] = lines[-1].rstrip(";") + "."
    return Markup("\n".join(lines))


# Published figures the prose pages state. They are glued whether or not the dataset holds
# them, so a page reads "not available" instead of failing when one is missing.
PROSE_FIGURES = (
    "studies_included",
    "databases_searched",
    "themes",
    "subthemes",
    "screening_reviewers",
    "screening_agreement_percent",
    "appraisal_reviewers",
)
