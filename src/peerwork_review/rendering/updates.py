"""Later search runs: what each one's page says (its search, the studies it added), the list of them, and
where the evidence stands across every run.

What a run changed in the review's counts is counted on its page, in view of the reader
(``notebooks/templates/update.ipynb``).
"""

from __future__ import annotations

from peerwork_review import paths
from peerwork_review.model.review import Review, rows
from peerwork_review.rendering import prisma_flow, render, tables
from peerwork_review.rendering.render import Markup, escape, role_title


def previous_run(review: Review, run_id: str) -> str:
    index = review.run_ids.index(run_id)
    if index == 0:
        raise ValueError(f"{run_id!r} is the published review's own search, not an update")
    return review.run_ids[index - 1]


def new_studies(review: Review, run_id: str) -> list[str]:
    found = set(review.studies.loc[review.studies["first_search_run_id"] == run_id, "study_id"])
    return [s for s in review.study_order() if s in found]


def search_summary(review: Review, run_id: str) -> Markup:
    run = next(r for r in rows(review.runs) if r["search_run_id"] == run_id)
    databases = list(review.databases.loc[review.databases["search_run_id"] == run_id, "database"])
    window = f"{prisma_flow.month_name(run['date_start'])} to {prisma_flow.month_name(run['date_end'])}"
    other = escape(render.value_text(run["other_methods"]))
    return Markup(
        f"The search covered {escape(window)} in {escape(render.value_text(len(databases)))} "
        f"database{'s' if len(databases) != 1 else ''} ({escape(prisma_flow.join_names(databases))}); other sources: {other}. "
        f"It followed the search of {escape(previous_run(review, run_id))}, which the diagram counts as the previous version of the review."
    )


def studies_added(review: Review, run_id: str) -> Markup:
    """One sentence naming the studies this search added, each cited."""
    added = new_studies(review, run_id)
    if not added:
        return Markup("This search added no study to the review.")
    return Markup(
        f"This search added {escape(render.value_text(len(added)))} stud{'ies' if len(added) != 1 else 'y'} "
        "to the review: " + "; ".join(tables.study_citation(review, sid) for sid in added) + "."
    )


def studies_added_table(review: Review, run_id: str, name: str) -> render.MystOutput:
    after = review.as_of(run_id)
    table = tables.study_characteristics(after)
    keep = [i for i, sid in enumerate(after.study_order()) if sid in set(new_studies(review, run_id))]
    return render.table(
        table.iloc[keep].reset_index(drop=True), caption="Characteristics of the studies this search added.", name=name
    )


def _page(run_id: str) -> str:
    """A later run's page as the {doc} role names it."""
    return "/notebooks/" + paths.update_page(run_id).removesuffix(".ipynb")


def index_markdown(review: Review) -> Markup:
    """The list of later searches, linking each one's page, for the Updates page."""
    later = review.run_ids[1:]
    if not later:
        return Markup(
            "No search has been added since the published review. When its authors add one (see "
            "{doc}`Updating the review </book/updating>`), its page appears here."
        )
    items = []
    for run in (r for r in rows(review.runs) if r["search_run_id"] in later):
        added = len(new_studies(review, run["search_run_id"]))
        window = f"{prisma_flow.month_name(run['date_start'])} to {prisma_flow.month_name(run['date_end'])}"
        items.append(
            f"- {{doc}}`{role_title(run['label'])} <{_page(run['search_run_id'])}>`: {escape(window)}; "
            f"added {escape(render.value_text(added))} stud{'ies' if added != 1 else 'y'}."
        )
    return Markup("\n".join(items))


def current_state(review: Review) -> Markup:
    """One sentence on where the evidence stands now, for the landing, search and updates pages."""
    later = review.run_ids[1:]
    if not later:
        return Markup(
            "This edition holds the published review's search only: no later search has been added, "
            "so the current evidence is the review's own."
        )
    latest = next(r for r in rows(review.runs) if r["search_run_id"] == later[-1])
    added = int((review.studies["first_search_run_id"] != review.article_run).sum())
    return Markup(
        f"Since the published review, {escape(render.value_text(len(later)))} later "
        f"search{'es have' if len(later) != 1 else ' has'} been added to this edition, the latest to "
        f"{escape(prisma_flow.month_name(latest['date_end']))} ({{doc}}`{role_title(latest['label'])} <{_page(latest['search_run_id'])}>`). "
        f"They added {escape(render.value_text(added))} stud{'ies' if added != 1 else 'y'}, so the current "
        f"evidence, across every search, covers {escape(render.value_text(len(review.studies)))} studies. "
        "Pages about the published review keep its own search and numbers; each later search has a page of its own."
    )
