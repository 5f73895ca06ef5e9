"""Later search runs: what each one's page says (its search, the studies it added), the list of them, and
where the evidence stands across every run.

What a run changed in the review's counts and statuses is counted on its page, in view of
the reader (``notebooks/templates/update.ipynb``). "Before" there is the review as the
previous run's edition showed it, "after" as this run's edition showed it
(``model.editions.as_released``), so the page stays true whatever later runs add, correct
or withdraw.
"""

from __future__ import annotations

from peerwork_review.derivation.flow import included_reports
from peerwork_review.model.editions import edition
from peerwork_review.model.review import Review, rows
from peerwork_review.rendering import editions, prisma_flow, render, tables
from peerwork_review.rendering.render import Markup, escape, role_title


def previous_run(review: Review, run_id: str) -> str:
    index = review.run_ids.index(run_id)
    if index == 0:
        raise ValueError(f"{run_id!r} is the published review's own search, not an update")
    return review.run_ids[index - 1]


def new_studies(review: Review, run_id: str) -> list[str]:
    """The studies ``run_id`` found, in the order of Table 1, whether or not a later run withdrew them."""
    after = review.as_of(run_id)
    found = set(after.studies.loc[after.studies["first_search_run_id"] == run_id, "study_id"])
    return [s for s in after.study_order() if s in found]


def further_reports(review: Review, run_id: str) -> Markup:
    """The reports this run found of studies earlier runs included, each with the study it belongs to."""
    after = review.as_of(run_id)
    found = included_reports(after)
    found = found[(found["first_search_run_id"] == run_id) & ~found["study_id"].isin(new_studies(review, run_id))]
    if found.empty:
        return Markup("This search found no further report of a study already included.")
    items = [
        f"{render.cite([r['report_id']], 't')}, a report of {tables.study_citation(review.as_of(previous_run(review, run_id)), r['study_id'])}"
        for r in rows(found.sort_values("report_id"))
    ]
    return Markup(
        f"This search found {escape(render.value_text(len(items)))} further "
        f"report{'s' if len(items) != 1 else ''} of studies already included: " + "; ".join(items) + "."
    )


def withdrawn(review: Review, run_id: str) -> Markup:
    """The studies this run withdrew, each with its reason and source; the earlier views keep them."""
    before = review.as_of(previous_run(review, run_id))
    gone = review.as_of(run_id).withdrawals
    gone = gone[gone["search_run_id"] == run_id]
    if gone.empty:
        return Markup("This search withdrew no study.")
    items = [
        f"{tables.study_citation(before, w['study_id'])}: {escape(w['reason'])} ({escape(w['source'])})"
        for w in rows(gone.sort_values("study_id"))
    ]
    them = "them" if len(items) != 1 else "it"
    return Markup(
        f"This search withdrew {escape(render.value_text(len(items)))} "
        f"stud{'ies' if len(items) != 1 else 'y'} from the review: " + "; ".join(items) + ". "
        f"The review as of each earlier search, the published review among them, keeps {them}; this search's "
        f"diagram counts {them} as withdrawn, and the current evidence leaves {them} out."
    )


def corrections_table(review: Review, run_id: str, name: str) -> render.MystOutput:
    number = str(edition(review, run_id).number)
    made = editions.errata(review)
    return render.table(
        made[made["Edition"] == number].drop(columns="Edition").reset_index(drop=True),
        caption="Values this edition corrected in place: each value and its source before and after, and why.",
        name=name,
        widths=[22, 26, 26, 26],
    )


def search_summary(review: Review, run_id: str) -> Markup:
    run = next(r for r in rows(review.runs) if r["search_run_id"] == run_id)
    databases = list(review.databases.loc[review.databases["search_run_id"] == run_id, "database"])
    window = f"{prisma_flow.month_name(run['date_start'])} to {prisma_flow.month_name(run['date_end'])}"
    other = escape(render.value_text(run["other_methods"]))
    before = edition(review, previous_run(review, run_id))
    return Markup(
        f"The search covered {escape(window)} in {escape(render.value_text(len(databases)))} "
        f"database{'s' if len(databases) != 1 else ''} ({escape(prisma_flow.join_names(databases))}); other sources: {other}. "
        f"It followed edition {before.number} ({escape(before.label)}), which the diagram counts as the previous "
        "version of the review."
    )


def studies_added(review: Review, run_id: str) -> Markup:
    """One sentence naming the studies this search added, each cited."""
    added = new_studies(review, run_id)
    if not added:
        return Markup("This search added no study to the review.")
    return Markup(
        f"This search added {escape(render.value_text(len(added)))} stud{'ies' if len(added) != 1 else 'y'} "
        "to the review: " + "; ".join(tables.study_citation(review.as_of(run_id), sid) for sid in added) + "."
    )


def studies_added_table(review: Review, run_id: str, name: str) -> render.MystOutput:
    after = review.as_of(run_id)
    table = tables.study_characteristics(after)
    keep = [i for i, sid in enumerate(after.study_order()) if sid in set(new_studies(review, run_id))]
    return render.table(
        table.iloc[keep].reset_index(drop=True), caption="Characteristics of the studies this search added.", name=name
    )


def index_markdown(review: Review) -> Markup:
    """The list of later searches, linking each one's page, for the Updates page."""
    later = review.run_ids[1:]
    if not later:
        return Markup(
            "No search has been added since the published review. When its authors add one (see "
            "{doc}`Updating the review </book/updating>`), its page appears here."
        )
    items = []
    for e in editions.editions(review)[1:]:
        did, _ = editions.done(review, e)
        items.append(
            f"- Edition {e.number}, {{doc}}`{role_title(e.label)} <{editions.page(e.run_id, review.article_run)}>`: "
            f"{escape(editions.window(e))}; {escape(did)}."
        )
    return Markup("\n".join(items))


def current_state(review: Review) -> Markup:
    """One sentence on where the evidence stands now, for the landing, search and updates pages."""
    later = review.run_ids[1:]
    if not later:
        return Markup(
            "This book holds the published review's search only: no later search has been added, "
            "so the current evidence is the review's own."
        )
    latest = next(r for r in rows(review.runs) if r["search_run_id"] == later[-1])
    found = (review.everything or review).studies["first_search_run_id"]
    added, withdrawn = int(found.isin(later).sum()), len(review.withdrawals)
    page = editions.page(latest["search_run_id"], review.article_run)
    return Markup(
        f"Since the published review, {escape(render.value_text(len(later)))} later "
        f"search{'es have' if len(later) != 1 else ' has'} been added to this book, each an edition of its own, "
        f"the latest to {escape(prisma_flow.month_name(latest['date_end']))} "
        f"({{doc}}`{role_title(latest['label'])} <{page}>`). "
        f"They added {escape(render.value_text(added))} stud{'ies' if added != 1 else 'y'}"
        + (f" and withdrew {escape(render.value_text(withdrawn))}" if withdrawn else "")
        + f", so the current evidence, across every search, covers {escape(render.value_text(len(review.studies)))} "
        "studies. Pages about the published review keep its own search and numbers; each later search has a page "
        "of its own."
    )
