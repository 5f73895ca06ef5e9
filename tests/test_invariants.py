"""What holds for any valid data/, whatever the review's authors add, correct or withdraw.

These tests read data/ as it stands (``live_review``) and assert no shipped value: the
statuses agree with what the data derive, the scorecard and the flows add up, and every
page about the published review shows its fixed view. Tests that need today's exact
values read the frozen edition 1 instead (``review``).
"""

from __future__ import annotations

import ast

import nbformat

from peerwork_review.derivation import reproduction
from peerwork_review.derivation.derive import Range
from peerwork_review.derivation.flow import flow_numbers, included_reports
from peerwork_review.model.editions import editions
from peerwork_review.notebooks import notebook
from peerwork_review.reading.figure_values import published
from peerwork_review.rendering.render import value_text
from tests.helpers import ROOT


def test_each_status_says_what_the_data_derive_for_its_figure(live_review):
    table = reproduction.figure_table(live_review).set_index("figure_id")
    for figure in live_review.figures.to_dict("records"):
        status = table.loc[figure["figure_id"], "status"]
        derived = reproduction.derivation_for(figure["figure_id"])(live_review.as_of(figure["search_run_id"]))
        value = published(figure)
        if status == reproduction.REPRODUCED:
            assert (derived.exact and derived.low == value) if isinstance(derived, Range) else derived.value == value
        elif status == reproduction.WITHIN_RANGE:
            assert isinstance(derived, Range) and derived.contains(value) and not derived.exact
        elif status == reproduction.OUTSIDE_RANGE:
            assert not derived.contains(value) if isinstance(derived, Range) else derived.value != value
        elif status == reproduction.NOT_DERIVABLE:
            assert isinstance(derived, reproduction.NotDerivable)


def test_the_scorecard_adds_up(live_review):
    figures, checks = reproduction.figure_table(live_review), reproduction.check_table(live_review)
    score = reproduction.scorecard(figures, checks)
    assert (score[list(reproduction.STATUSES)].sum(axis=1) == score["total"]).all()
    assert score["total"].tolist() == [len(live_review.figures), len(live_review.checks)]


def test_every_runs_flow_adds_up_to_the_review_as_of_that_run(live_review):
    previous = None
    for e in editions(live_review):
        flow, view = flow_numbers(live_review, e.run_id), live_review.as_of(e.run_id)
        assert flow.total_studies == len(view.studies)
        assert flow.total_reports == len(included_reports(view))
        if previous is not None:
            assert (flow.previous_studies, flow.previous_reports) == previous
        previous = (flow.total_studies, flow.total_reports)


def test_the_published_review_is_the_data_of_its_own_run(live_review):
    """The published view equals the data with every row a later run added left out, and every withdrawal undone."""
    data, first = live_review.everything, live_review.article_run
    view = live_review.published
    own = data.studies[data.studies["first_search_run_id"] == first]
    assert view.studies.equals(own)
    reports = data.reports[(data.reports["first_search_run_id"] == first) | (data.reports["role"] == "not included")]
    assert view.reports.equals(reports)
    assert view.findings.equals(data.findings[data.findings["search_run_id"] == first])
    assert view.withdrawals.empty and set(view.runs["search_run_id"]) == {first}


def test_the_pages_about_the_published_review_show_its_fixed_view(live_review):
    """Search and selection (and the Methods and landing pages, which take its values) glue the published view."""
    glued = notebook.glued(nbformat.read(ROOT / "notebooks" / "01-search-and-selection.ipynb", as_version=4))

    def stored(key: str) -> str:
        return ast.literal_eval(glued[key]["data"]["text/plain"])  # glue stores the text as a string literal

    published_view = live_review.published
    flow = flow_numbers(published_view, published_view.article_run)
    assert stored("article_run") == live_review.article_run
    assert stored("article_studies_in_data") == value_text(len(published_view.studies)) == value_text(flow.new_studies)
    assert stored("article_database_count") == value_text(len(published_view.databases))
    assert stored("article_records_screened") == value_text(flow.stages.get(("databases", "screened")))
    assert stored("current_studies") == value_text(len(live_review.studies))
