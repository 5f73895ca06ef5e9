"""Alternative readings: declared with evidence, applied in memory only, and their effect on each figure shown."""

from __future__ import annotations

import pytest

from peerwork_review.derivation import reproduction
from peerwork_review.errors import DataError
from peerwork_review.model import readings
from peerwork_review.model.review import load
from peerwork_review.rendering import reading_effects
from tests.audit_helpers import append_row, set_by_key
from tests.helpers import ROOT, tree_hash


def test_each_reading_has_one_chosen_alternative_and_evidence_with_a_source(review):
    for reading_id in readings.reading_ids(review):
        found = [a for a in readings.alternatives(review) if a.reading_id == reading_id]
        assert len(found) >= 2 and sum(a.chosen for a in found) == 1
        assert all(a.evidence and a.source for a in found)


def test_the_chosen_alternative_is_the_data_as_stored(review):
    for alternative in readings.alternatives(review):
        if alternative.chosen:
            assert readings.apply(review, alternative.reading_id, alternative.alternative_id) is review


def test_alternatives_change_the_review_in_memory_only(review):
    before = tree_hash(ROOT / "data")
    without = readings.apply(review, "gillard-reports", "without-37")
    report = without.reports.set_index("report_id").loc["gillard2014new"]
    assert report["role"] == "not included" and report["study_id"] is None
    assert review.reports.set_index("report_id").loc["gillard2014new", "role"] == "additional"
    assert tree_hash(ROOT / "data") == before


def test_counting_both_gillard_reports_adds_a_study_with_the_same_country(review):
    two = readings.apply(review, "gillard-reports", "two-studies")
    assert len(two.studies) == len(review.studies) + 1
    countries = two.countries.groupby("study_id")["country"].apply(tuple)
    assert countries["gillard2014"] == countries["gillard2015"]
    assert two.main_report("gillard2014") == "gillard2014new"


def test_every_grouping_that_excludes_a_report_also_gives_the_2023_count(review):
    """What the data README says: the merge is not the only reading that gives the published count."""
    published = review.figure("studies_included")
    for alternative in ("one-study", "without-37", "without-48"):
        changed = readings.apply(review, "gillard-reports", alternative)
        table = reproduction.figure_table(changed).set_index("figure_id")
        assert table.loc["studies_included", "status"] == reproduction.REPRODUCED, alternative
        assert len(changed.as_of("2023").studies) == published


def test_the_fitted_count_is_said_plainly(review):
    statements = reading_effects.fitted_statements(review)
    published = review.figure("studies_included")
    included = next(s for s in statements if s.startswith("“Studies included in the review”"))
    assert f"is reproduced under a reading chosen partly because it gives {published}" in included
    # each other answer is named by its number, as the table of answers numbers it; no alternative's id is shown
    answers = reading_effects.answers(review, "gillard-reports")
    assert answers["one-study"] == "answer 1 (this edition)"
    assert f"under {answers['two-studies']} (outside range)" in included
    assert not any(alternative_id in included for alternative_id in answers)


def test_dependence_marks_figures_whose_status_changes(review):
    table = reading_effects.dependence(review, "gillard-reports").set_index("figure_id")
    assert table.loc["studies_included", "Verdict depends on the reading"] == "yes"
    assert table.loc["prevalence_education_training", "Verdict depends on the reading"] == "no"
    assert "databases_searched" not in table.index  # unchanged figures are left out


@pytest.mark.parametrize(
    "break_it, message",
    [
        (
            lambda root: set_by_key(
                root,
                "readings.csv",
                {"reading_id": "stefancic-design", "alternative_id": "no-design-known"},
                chosen="yes",
            ),
            "reading 'stefancic-design' needs exactly one alternative with chosen 'yes'; it has 2",
        ),
        (
            lambda root: set_by_key(root, "reading_changes.csv", {"reading_id": "stefancic-design"}, key="nobody2020"),
            "no row of data/studies.csv has the key 'nobody2020'",
        ),
        (
            lambda root: set_by_key(
                root, "reading_changes.csv", {"reading_id": "stefancic-design"}, column="key_findings"
            ),
            "the column is required, so it cannot be made unknown",
        ),
        (
            lambda root: set_by_key(
                root, "reading_changes.csv", {"reading_id": "stefancic-design"}, column="design", value="ethnography"
            ),
            "'ethnography' is not an allowed value (the value it sets in column design of data/studies.csv); "
            "allowed: qualitative, quantitative, mixed methods",
        ),
        (
            lambda root: append_row(
                root,
                "reading_changes.csv",
                reading_id="stefancic-design",
                alternative_id="qualitative",
                action="set",
                table="studies",
                key="stefancic2021",
                column="methods",
                value="",
            ),
            "the chosen alternative is the data as stored; it has no changes",
        ),
        (
            lambda root: set_by_key(
                root,
                "readings.csv",
                {"reading_id": "gillard-reports", "alternative_id": "one-study"},
                chosen_to_match="studies_on_mars",
            ),
            "'studies_on_mars' is not a figure_id in data/published_figures.csv",
        ),
    ],
)
def test_broken_readings_are_reported(project_copy, break_it, message):
    break_it(project_copy)
    with pytest.raises(DataError) as caught:
        load(project_copy)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("sample_size", "\u00b2", "'\u00b2' is not a whole number"),
        ("sample_size", "--5", "'--5' is not a whole number"),
        ("sample_size", "-5", "-5 is below the minimum of 1"),
        ("sample_size", "1" * 25, "is too large for this column"),
        ("design", "<b>Bad Id</b>", "'<b>Bad Id</b>' is not an allowed value"),
    ],
)
def test_a_change_sets_only_what_its_column_could_hold(project_copy, column, value, message):
    set_by_key(project_copy, "reading_changes.csv", {"reading_id": "stefancic-design"}, column=column, value=value)
    with pytest.raises(DataError) as caught:
        load(project_copy)
    [problem] = caught.value.problems
    assert (problem.file, problem.column) == ("data/reading_changes.csv", "value")
    assert message in problem.message and f"column {column} of data/studies.csv" in problem.message


def test_a_change_links_only_to_rows_that_exist(project_copy):
    set_by_key(
        project_copy, "reading_changes.csv", {"alternative_id": "without-37", "column": "study_id"}, value="nobody2099"
    )
    with pytest.raises(DataError) as caught:
        load(project_copy)
    assert [p.message for p in caught.value.problems] == [
        "'nobody2099' is not a study_id in data/studies.csv (the value it sets in column study_id of data/reports.csv)"
    ]
