"""The six statuses: each is reached by the data that should reach it, and the scorecard counts them."""

from __future__ import annotations

import pytest

from peerwork_review.derivation import figure_inputs, reproduction
from peerwork_review.derivation.derive import Range
from peerwork_review.derivation.reproduction import (
    INCONSISTENT,
    NOT_DERIVABLE,
    OUTSIDE_RANGE,
    REPRODUCED,
    RESTATED,
    STATUSES,
    WITHIN_RANGE,
    NotDerivable,
    Text,
    judge,
)
from peerwork_review.model.review import load
from tests.audit_helpers import TEST, set_by_key


@pytest.mark.parametrize(
    "derived, status",
    [
        (Range(7, 7), REPRODUCED),
        (Range(6, 7, ("1 study with no country in data/study_countries.csv (gates2010)",)), WITHIN_RANGE),
        (Range(7, None, ("unknown",)), WITHIN_RANGE),
        (Range(5, 6, ("unknown",)), OUTSIDE_RANGE),
        (Range(8, 8), OUTSIDE_RANGE),
        (NotDerivable("the screening records are not published"), NOT_DERIVABLE),
    ],
)
def test_judge_gives_each_status_with_its_explanation(derived, status):
    got, why = judge(7, derived)
    assert got == status
    if isinstance(derived, Range) and derived.missing:
        assert derived.missing[0] in why  # what is missing and where stays in the explanation


def test_text_figures_are_reproduced_or_not():
    assert judge("2023-11", Text("2023-11"))[0] == REPRODUCED
    assert judge("2023-11", Text("2023-10"))[0] == OUTSIDE_RANGE


def test_scorecard_counts_every_figure_once(review):
    figures, checks = reproduction.figure_table(review), reproduction.check_table(review)
    score = reproduction.scorecard(figures, checks)
    assert list(score.columns) == list(STATUSES) + ["total"]
    assert (score[list(STATUSES)].sum(axis=1) == score["total"]).all()
    assert score.loc["Published figures", "total"] == len(review.figures)


def test_the_2023_scorecard(review):
    table = reproduction.figure_table(review)
    counts = table.set_index("figure_id")["status"]
    assert set(counts[counts == REPRODUCED].index) == {"studies_included"}
    assert set(counts[counts == RESTATED].index) == {
        "databases_searched",
        "themes",
        "subthemes",
        "search_window_start",
        "search_window_end",
    }
    assert not (counts.isin([OUTSIDE_RANGE, INCONSISTENT])).any()
    assert counts["studies_united_states"] == WITHIN_RANGE and counts["prospero_registration"] == NOT_DERIVABLE


def test_a_value_read_only_in_the_article_is_restated_and_one_read_elsewhere_reproduced(project_copy):
    table = reproduction.figure_table(load(project_copy)).set_index("figure_id")
    assert table.loc["search_window_end", "status"] == RESTATED
    assert "Source of the end of the search window, in Search runs" in table.loc["search_window_end", "explanation"]
    set_by_key(project_copy, "search_runs.csv", {"search_run_id": "2023"}, date_end_source=TEST)
    table = reproduction.figure_table(load(project_copy)).set_index("figure_id")
    assert table.loc["search_window_end", "status"] == REPRODUCED
    assert table.loc["search_window_start", "status"] == RESTATED


def test_every_figure_the_data_can_give_exactly_says_where_its_values_come_from(review):
    """Else its status could not tell reproduced from restated."""
    scoped = review.as_of(review.article_run)
    for figure_id in review.figures["figure_id"]:
        if not isinstance(reproduction.derivation_for(figure_id)(scoped), NotDerivable):
            assert figure_inputs.reads_for(figure_id), figure_id


def test_a_published_count_the_data_exclude_is_outside_range(project_copy):
    set_by_key(
        project_copy,
        "published_figures.csv",
        {"figure_id": "studies_united_states"},
        value="9",
        quote="United States (n = 9)",
    )
    review = load(project_copy)
    table = reproduction.figure_table(review).set_index("figure_id")
    assert table.loc["studies_united_states", "status"] == OUTSIDE_RANGE
    # the study whose country is missing, named as readers know it; its id stays in the data
    explanation = table.loc["studies_united_states", "explanation"]
    assert f"with no country in Study locations: {review.study_label('gates2010')}" in explanation
    assert "gates2010" not in explanation


def test_a_figure_whose_every_stated_sum_fails_is_inconsistent(project_copy):
    set_by_key(
        project_copy,
        "published_figures.csv",
        {"figure_id": "duplicates_removed"},
        value="5000",
        quote="After exclusion of duplicates (5000)",
    )
    table = reproduction.figure_table(load(project_copy)).set_index("figure_id")
    assert table.loc["records_screened", "status"] == INCONSISTENT
    assert table.loc["records_screened", "explanation"].startswith("The article disagrees with itself")


def test_one_failing_reading_of_a_sum_is_noted_not_judged(review):
    table = reproduction.figure_table(review).set_index("figure_id")
    assert table.loc["records_screened", "status"] == NOT_DERIVABLE
    assert "One reading of the article's own arithmetic disagrees" in table.loc["records_screened", "explanation"]


def test_a_search_window_that_differs_from_the_run_is_outside_range(project_copy):
    set_by_key(project_copy, "search_runs.csv", {"search_run_id": "2023"}, date_start="1990-01", date_start_source=TEST)
    table = reproduction.figure_table(load(project_copy)).set_index("figure_id")
    assert table.loc["search_window_start", "status"] == OUTSIDE_RANGE
    assert table.loc["search_window_start", "derived"] == "1990-01"


def test_partly_known_database_counts_give_a_lower_bound(project_copy):
    set_by_key(
        project_copy,
        "search_databases.csv",
        {"search_run_id": "2023", "database": "Scopus"},
        records="100",
        records_source=TEST,
    )
    table = reproduction.figure_table(load(project_copy)).set_index("figure_id")
    assert table.loc["records_identified_databases", "derived"] == "100 or more"
    assert table.loc["records_identified_databases", "status"] == WITHIN_RANGE
