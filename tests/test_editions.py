"""Time in the data: follow-up reports, withdrawals and corrections keep the published review intact and show
as changes; each search run is an edition.

Every test starts from the frozen edition 1 (``project_copy``) and adds what an author would
(:mod:`tests.scenarios`); the book-level checks are in ``test_updating.py``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from peerwork_review.derivation import reproduction
from peerwork_review.derivation.flow import flow_numbers
from peerwork_review.errors import DataError
from peerwork_review.model.editions import as_released, editions
from peerwork_review.model.review import load
from peerwork_review.notebooks.generated import update_notebook
from peerwork_review.reading.citation import Citation, with_edition
from peerwork_review.rendering import editions as edition_pages
from peerwork_review.rendering import findings, prisma_flow, tables, updates
from tests.helpers import ROOT, append, copy_project, set_cell
from tests.jupyter import run_here
from tests.scenarios import TEST, add_finding, add_report, add_run, correct, release, withdraw
from tests.test_updating import REPORT, add_second_run

FIRST, SECOND = "2099-12", "2100-06"  # add_second_run's run, and one after it
FOLLOW_UP = "testfollowup2100berry"


@pytest.fixture
def project_copy(tmp_path):
    """The frozen edition 1, with the CITATION.cff a later run's page cites."""
    return copy_project(tmp_path / "project", ["data", "references.bib", "CITATION.cff"], frozen=True)


def changed_on_page(review, run_id: str):
    """What the run's page lists as changed (its table "What changed"), by what and category."""
    return run_here(update_notebook(review, run_id), review.root, draw=False)["changed"]


def _second_run(root, included_reports: int = 1) -> None:
    add_run(root, SECOND, "Second update search (test data)", "2100-01", "2100-06", included_reports)


@pytest.fixture
def follow_up(project_copy):
    """Edition 2 adds a study; edition 3 finds a follow-up paper of Berry et al. 2011, an original study."""
    add_second_run(project_copy)
    _second_run(project_copy)
    add_report(project_copy, FOLLOW_UP, "berry2011", SECOND, "Testfollowup", 2100)
    add_finding(project_copy, SECOND, "leadership", "Leaders kept backing peer roles (test data).", FOLLOW_UP)
    return load(project_copy)


def test_a_follow_up_report_counts_for_the_run_that_found_it(follow_up):
    published = flow_numbers(follow_up, follow_up.article_run)
    assert (published.new_studies, published.new_reports) == (16, 17)  # the published review keeps its 17 reports
    first = flow_numbers(follow_up, FIRST)
    assert (first.previous_studies, first.previous_reports, first.new_studies, first.new_reports) == (16, 17, 1, 1)
    assert (first.total_studies, first.total_reports) == (17, 18)
    second = flow_numbers(follow_up, SECOND)
    assert (second.previous_studies, second.previous_reports, second.new_studies, second.new_reports) == (17, 18, 0, 1)
    assert (second.total_studies, second.total_reports) == (17, 19)
    assert (
        "Reports of studies included in previous version of review (n = 18)"
        in prisma_flow.box_texts(second)["previous"]
    )


@pytest.mark.slow  # runs a generated page's code twice
def test_a_runs_page_names_the_follow_up_report_and_its_study(follow_up):
    sentence = updates.further_reports(follow_up, SECOND)
    assert f"{{cite:t}}`{FOLLOW_UP}`, a report of {{cite:t}}`berry2011another`" in sentence
    assert (
        updates.further_reports(follow_up, FIRST) == "This search found no further report of a study already included."
    )
    changes = changed_on_page(follow_up, FIRST)
    assert changes.loc[("Reports of included studies", ""), ["Before this search", "After"]].tolist() == ["17", "18"]
    changes = changed_on_page(follow_up, SECOND)
    assert changes.loc[("Reports of included studies", ""), ["Before this search", "After"]].tolist() == ["18", "19"]


def test_the_published_view_has_neither_the_later_report_nor_its_finding(follow_up):
    published = follow_up.published
    assert FOLLOW_UP not in set(published.reports["report_id"]) and REPORT not in set(published.reports["report_id"])
    assert set(published.findings["search_run_id"]) == {follow_up.article_run}
    assert follow_up.study_reports("berry2011")[-1] == FOLLOW_UP
    assert published.study_reports("berry2011") == ["berry2011another"]


def test_a_later_runs_findings_are_marked_with_their_edition(follow_up):
    leadership = findings.sections(follow_up)["leadership"]
    assert "*From edition 3\\, Second update search \\(test data\\)\\:* Leaders kept backing peer roles" in leadership
    assert "*From edition 2\\, Update search \\(test data\\)\\:* Visible support from team leaders" in leadership
    assert "From edition" not in findings.sections(load(follow_up.root).published)["leadership"]


def test_captions_say_what_the_tables_hold_after_an_update(review, follow_up):
    assert tables.studies_held(review) == "the review's included studies"
    assert tables.citations_shown(review) == "the citations in the article's Results"
    assert tables.studies_held(follow_up) == "the article's 16 studies and 1 study that later searches added"
    assert tables.citations_shown(follow_up).endswith("and in the findings of later searches")


# -- withdrawals --------------------------------------------------------------------


@pytest.fixture
def withdrawal(project_copy):
    """Edition 2 finds nothing new and withdraws Franke et al. 2010."""
    add_run(project_copy, FIRST, "Update search (test data)", "2099-01", "2099-12", 0)
    withdraw(project_copy, "franke2010", FIRST)
    return load(project_copy)


def test_a_withdrawal_leaves_the_published_review_and_leaves_the_current_evidence(withdrawal):
    assert len(withdrawal.published.studies) == 16 and "franke2010" in set(withdrawal.published.studies["study_id"])
    assert len(withdrawal.studies) == 15 and "franke2010" not in set(withdrawal.studies["study_id"])
    assert "franke2010" not in set(withdrawal.countries["study_id"]) | set(withdrawal.reports["study_id"].dropna())
    figures = reproduction.figure_table(withdrawal).set_index("figure_id")
    assert figures.loc["studies_included", "status"] == reproduction.REPRODUCED  # judged on the published view


def test_the_withdrawing_runs_diagram_shows_the_withdrawal(withdrawal):
    flow = flow_numbers(withdrawal, FIRST)
    assert (flow.previous_studies, flow.withdrawn_studies, flow.withdrawn_reports, flow.total_studies) == (16, 1, 1, 15)
    texts = prisma_flow.box_texts(flow)
    assert "Studies withdrawn from the review (n = 1)" in texts["withdrawn"]
    assert "retracted by the journal (test data) (n = 1)" in texts["withdrawn"]
    assert "Total studies included in review (n = 15)" in texts["total"]
    prisma_flow.configure_matplotlib()
    drawn = " ".join(t.get_text() for t in prisma_flow.draw(flow).axes[0].texts).replace("\n", " ")
    assert "Studies withdrawn from the review (n = 1)" in drawn


def test_the_withdrawing_runs_page_says_so(withdrawal):
    sentence = updates.withdrawn(withdrawal, FIRST)
    assert sentence.startswith("This search withdrew 1 study from the review: {cite:t}`franke2010implementing`")
    assert "retracted by the journal \\(test data\\)" in sentence
    changes = changed_on_page(withdrawal, FIRST)
    assert changes.loc[("Included studies", ""), ["Before this search", "After"]].tolist() == ["16", "15"]
    assert tables.studies_held(withdrawal) == "15 of the article's 16 studies (later searches withdrew 1)"


# -- corrections ----------------------------------------------------------------------


@pytest.fixture
def correction(project_copy):
    """Edition 2 fills in the first cell wanted, Gates et al. 2010's country, with a test value."""
    add_run(project_copy, FIRST, "Update search (test data)", "2099-01", "2099-12", 0)
    correct(
        project_copy,
        "study_countries.csv",
        {"study_id": "gates2010"},
        "country",
        "United States",
        FIRST,
        "a test value for the country no public copy gave",
    )
    return load(project_copy)


def test_a_correction_applies_to_every_view_and_its_edition_shows_the_change(correction):
    gates = correction.published.countries.set_index("study_id").loc["gates2010", "country"]
    assert gates == "United States"
    before = as_released(correction, correction.article_run).countries.set_index("study_id")
    assert before.loc["gates2010", "country"] is None and before.loc["gates2010", "source"].startswith("not found:")
    changes = changed_on_page(correction, FIRST)
    us = changes.loc[("Reproduction status", "Studies conducted in the United States")]
    assert us[["Before this search", "After"]].tolist() == [reproduction.WITHIN_RANGE, reproduction.REPRODUCED]
    assert changes.loc[("Studies by location", "Not available"), ["Before this search", "After"]].tolist() == ["1", "0"]


def test_the_errata_list_each_correction_before_and_after(correction):
    (row,) = edition_pages.errata(correction).to_dict("records")
    assert row["Edition"] == "2" and row["Value"] == "Gates et al. 2010, country (Study locations)"
    assert row["Before"].startswith("not known (not found:")
    assert row["After"] == "United States (test data: invented by tests/scenarios.py, not a real study)"


def test_a_value_corrected_twice_goes_back_step_by_step(correction):
    root = correction.root
    add_run(root, SECOND, "Second update search (test data)", "2100-01", "2100-06", 0)
    correct(
        root, "study_countries.csv", {"study_id": "gates2010"}, "country", "Canada", SECOND, "test: corrected again"
    )
    twice = load(root)
    assert [
        as_released(twice, run).countries.set_index("study_id").loc["gates2010", "country"] for run in twice.run_ids
    ] == [
        None,
        "United States",
        "Canada",
    ]
    assert edition_pages.errata(twice)["After"].str.split(" ").str[0].tolist() == ["United", "Canada"]


# -- what the validator refuses ----------------------------------------------------------------


def _problems(root) -> str:
    with pytest.raises(DataError) as caught:
        load(root)
    return str(caught.value)


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            lambda r: set_cell(r, "reports.csv", 2, "first_search_run_id", SECOND),
            "the main report of 'berry2011' must be found by the study's own run '2023', not '2100-06'",
        ),
        (
            lambda r: (
                add_report(r, FOLLOW_UP, "berry2011", "2023", "Testfollowup", 2100),
                set_cell(r, "studies.csv", 2, "first_search_run_id", SECOND),
            ),
            "is earlier than run '2100-06', which found the report's study 'berry2011'",
        ),
        (
            lambda r: withdraw(r, "berry2011", "2023"),
            "study 'berry2011' was found by run '2023'; only a later run can withdraw it",
        ),
        (
            lambda r: (
                withdraw(r, "berry2011", FIRST),
                add_report(r, FOLLOW_UP, "berry2011", SECOND, "Testfollowup", 2100),
            ),
            "study 'berry2011' was withdrawn by run '2099-12', so no report of it can be found by run '2100-06'",
        ),
        (
            lambda r: (
                withdraw(r, "berry2011", FIRST),
                add_finding(r, SECOND, "leadership", "Test.", "berry2011another"),
            ),
            "which run '2099-12' withdrew, so finding 'leadership-",
        ),
        (
            lambda r: correct(r, "studies.csv", {"study_id": "berry2011"}, "sample_size", "4", FIRST, "test"),
            "'4' is the value after the correction too: nothing was corrected",
        ),
        (
            lambda r: append(r, "corrections.csv", [FIRST, "studies", "berry2011", "design_source", "", TEST, "test"]),
            "'design_source' is not a value with a source in data/studies.csv",
        ),
        (
            lambda r: (
                correct(r, "studies.csv", {"study_id": "berry2011"}, "sample_size", "5", FIRST, "test"),
                set_cell(r, "corrections.csv", 2, "key", "berry2012"),
            ),
            "no row of data/studies.csv has the key 'berry2012' (written as study_id)",
        ),
        (
            lambda r: (
                correct(r, "studies.csv", {"study_id": "berry2011"}, "sample_size", "5", FIRST, "test"),
                set_cell(r, "corrections.csv", 2, "value_before", "four"),
            ),
            "'four' is not a whole number",
        ),
    ],
    ids=[
        "main report found later",
        "report found before its study",
        "withdrawn by its own run",
        "report of a withdrawn study found later",
        "finding citing a withdrawn study",
        "correction that changes nothing",
        "correction of a source column",
        "correction of a row that is not there",
        "value before that its column refuses",
    ],
)
def test_the_validator_refuses_what_time_does_not_allow(project_copy, change, expected):
    add_second_run(project_copy)
    _second_run(project_copy)
    change(project_copy)
    assert expected in _problems(project_copy)


# -- editions ------------------------------------------------------------------------------


def test_each_run_is_an_edition_numbered_in_time(follow_up):
    found = editions(follow_up)
    assert [(e.number, e.run_id, e.tag, e.version) for e in found] == [
        (1, "2023", "edition-1", "1"),
        (2, FIRST, "edition-2", "2"),
        (3, SECOND, "edition-3", "3"),
    ]
    history = edition_pages.history(follow_up)
    assert history[["Edition", "What it did", "Studies included"]].values.tolist() == [
        ["1", "Added 16 studies and 17 reports", "16"],
        ["2", "Added 1 study and 1 report", "17"],
        ["3", "Added 0 studies and 1 report", "17"],
    ]


def test_citation_cff_takes_the_current_editions_version_and_date():
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert 'version: "7"\ndate-released: "2101-02-03"\n' in with_edition(text, "7", "2101-02-03")
    undated = with_edition(with_edition(text, "7", "2101-02-03"), "8", None)
    assert 'version: "8"\nauthors:' in undated and "\ndate-released:" not in undated


def test_the_feed_lists_released_editions_escaped(follow_up):
    cff = Citation("A <title> & more", ("the contributors",), "https://example.org/repo", "3", None)
    assert edition_pages.atom_feed(follow_up, cff) is None  # nothing is released yet
    release(follow_up.root, "2023", "2099-01-02")
    release(follow_up.root, FIRST, "2100-01-02")
    feed = ET.fromstring(edition_pages.atom_feed(load(follow_up.root), cff))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert feed.findtext("a:title", namespaces=ns) == "A <title> & more: editions"
    assert feed.findtext("a:updated", namespaces=ns) == "2100-01-02T00:00:00Z"
    entries = feed.findall("a:entry", ns)
    assert [e.findtext("a:title", namespaces=ns) for e in entries] == [
        "Edition 2: Update search (test data)",
        "Edition 1: Search for the published review",
    ]
    assert entries[0].find("a:link", ns).get("href") == "notebooks/updates/2099-12.html"
    assert entries[0].findtext("a:id", namespaces=ns) == "https://example.org/repo/releases/tag/edition-2"
    assert "added 1 study and 1 report" in entries[0].findtext("a:summary", namespaces=ns)
