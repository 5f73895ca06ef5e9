"""Values the book's prose takes from a notebook, glued in one call per page.

The sentences and numbers are made by :mod:`peerwork_review.rendering.statements` and
:mod:`peerwork_review.rendering.updates`; this module only hands them to the book.
"""

from __future__ import annotations

from peerwork_review.model.review import Review
from peerwork_review.notebooks import notebook
from peerwork_review.rendering import records, render, tables
from peerwork_review.rendering.render import Markup, escape
from peerwork_review.rendering.statements import PROSE_FIGURES, article_search_values, current_state, published
from peerwork_review.rendering.updates import new_studies, search_summary


def glue_search(review: Review) -> None:
    for key, (value, label) in article_search_values(review).items():
        notebook.glue(key, value, label)
    notebook.glue("current_studies", len(review.studies), "studies in the current evidence, across every search")
    notebook.glue("search_runs", len(review.runs), "search runs in this edition")
    notebook.glue_markdown("current_state", current_state(review), "where the evidence stands now")


def glue_published_figures(review: Review) -> None:
    descriptions = dict(zip(review.figures["figure_id"], review.figures["description"]))
    for figure_id in dict.fromkeys([*review.figures["figure_id"], *PROSE_FIGURES]):
        label = descriptions.get(figure_id, figure_id.replace("_", " "))
        notebook.glue(f"published_{figure_id}", published(review, figure_id), f"published figure: {label}")


def glue_update(review: Review, run_id: str) -> None:
    added = new_studies(review, run_id)
    notebook.glue_markdown("search_summary", search_summary(review, run_id), "what this search covered")
    notebook.glue_markdown(
        "records_sentence", records.records_sentence(review, run_id), "where the numbers of this search come from"
    )
    if added:
        sentence = (
            f"This search added {escape(render.value_text(len(added)))} "
            f"stud{'ies' if len(added) != 1 else 'y'} to the review: "
            + "; ".join(tables.study_citation(review, sid) for sid in added)
            + "."
        )
    else:
        sentence = "This search added no study to the review."
    notebook.glue_markdown("studies_added_sentence", Markup(sentence), "studies this search added")
    notebook.glue("new_studies", len(added), "studies this search added")
