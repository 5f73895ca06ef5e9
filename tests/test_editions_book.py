"""End to end: three editions in a copy of the book, as the Updating page tells authors to make them, and what
the book then says.

Edition 2 adds a study; edition 3 finds a follow-up paper of Berry et al. 2011, withdraws Franke et al.
2010 and corrects Gates et al. 2010's country. Editions 1 and 2 are released. Every value is test data
on the frozen edition 1.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import yaml

from tests.helpers import ROOT, build_book, cli, copy_project, run_nbval
from tests.scenarios import add_finding, add_report, add_run, correct, release, withdraw
from tests.test_updating import RUN, add_second_run, page

pytestmark = pytest.mark.slow

THIRD = "2100-06"
FOLLOW_UP = "testfollowup2100berry"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("editions") / "project", frozen=True)
    add_second_run(root)
    add_run(root, THIRD, "Second update search (test data)", "2100-01", "2100-06", 1)
    add_report(root, FOLLOW_UP, "berry2011", THIRD, "Testfollowup", 2100)
    add_finding(root, THIRD, "leadership", "Leaders kept backing peer roles (test data).", FOLLOW_UP)
    withdraw(root, "franke2010", THIRD)
    correct(root, "study_countries.csv", {"study_id": "gates2010"}, "country", "United States", THIRD, "test value")
    release(root, "2023", "2099-01-02")
    release(root, RUN, "2100-01-02")
    steps = {name: cli(root, name) for name in ("validate", "refresh")}
    steps["build"] = build_book(root)
    notebooks = sorted(p.relative_to(root / "notebooks").as_posix() for p in (root / "notebooks").rglob("*.ipynb"))
    steps["nbval"] = run_nbval(root, *notebooks)
    steps["lint"] = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--config", str(ROOT / "pyproject.toml"), "notebooks"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    return root, steps


def _svg(root, name: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", (root / "_build" / "outputs" / f"{name}.svg").read_text()).split())


def test_every_step_passes(book):
    _, steps = book
    for name, result in steps.items():
        assert result.returncode == 0, f"{name}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert "CITATION.cff: edition 1 → edition 3, not released yet" in steps["refresh"].stdout


def test_the_published_reviews_diagram_keeps_its_studies_and_reports(book):
    root, _ = book
    svg = _svg(root, "prisma_flow")
    assert "Studies included in review (n = 16)" in svg and "Reports of included studies (n = 17)" in svg
    checked = page(root, "notebooks/05-reproduction-check")
    assert re.search(r"Studies included in the review 16 16 reproduced", checked)
    assert re.search(r"Studies conducted in the United States 7 7 reproduced", checked)  # the corrected country


def test_the_first_updates_page_is_not_rewritten_by_a_later_edition(book):
    root, _ = book
    text = page(root, f"notebooks/updates/{RUN}")
    assert "Reports of included studies 17 18" in text and "Included studies 16 17" in text
    assert "Reports of new included studies (n = 1)" in _svg(root, f"prisma_flow_{RUN}")


def test_the_third_editions_page_names_the_follow_up_withdrawal_and_correction(book):
    root, _ = book
    text = page(root, f"notebooks/updates/{THIRD}")
    assert "Edition 3: Second update search (test data) Contents" in text
    assert (
        "This search found 1 further report of studies already included: Testfollowup [2100], a report of Berry" in text
    )
    assert "This search withdrew 1 study from the review: Franke" in text
    assert "retracted by the journal (test data)" in text
    assert "Gates et al. 2010, country (Study locations) not known (not found:" in text
    assert "Reports of included studies 18 18" not in text and "Included studies 17 16" in text
    svg = _svg(root, f"prisma_flow_{THIRD}")
    for box in (
        "Reports of studies included in previous version of review (n = 18)",
        "Studies withdrawn from the review (n = 1)",
        "Total studies included in review (n = 16)",
        "Reports of total included studies (n = 18)",
    ):
        assert box in svg, box
    assert "edition 3 (search to June 2100; not released yet)" in text and "git clone --branch edition-3" in text


def test_the_current_evidence_leaves_the_withdrawn_study_out(book):
    root, _ = book
    characteristics = page(root, "notebooks/02-study-characteristics")
    assert "Franke" not in characteristics
    assert (
        "Study characteristics of 15 of the article’s 16 studies (later searches withdrew 1) and 1 study that "
        "later searches added, under the columns of the review’s Table 1" in characteristics
    )
    assert "They added 1 study and withdrew 1, so the current evidence, across every search, covers 16 studies" in (
        page(root, "notebooks/07-updates")
    )


def test_the_themes_chapter_marks_later_findings_with_their_edition(book):
    root, _ = book
    themes = page(root, "notebooks/04-themes")
    assert "From edition 2, Update search (test data): Visible support from team leaders" in themes
    assert "From edition 3, Second update search (test data): Leaders kept backing peer roles" in themes
    assert "as far as the citations in the article’s Results and in the findings of later searches show it" in themes


def test_the_editions_page_lists_editions_errata_and_the_feed(book):
    root, _ = book
    text = page(root, "notebooks/07-updates")
    assert (
        "1 Search for the published review January 1980 to November 2023 2099-01-02 Added 16 studies and 17 reports 16"
        in text
    )
    assert (
        "3 Second update search (test data) January 2100 to June 2100 not released yet "
        "Added 0 studies and 1 report, withdrew 1 study and corrected 1 value 16" in text
    )
    assert "3 Gates et al. 2010, country (Study locations)" in text
    assert "This book publishes an Atom feed of its released editions" in text
    feed = ET.parse(root / "_build" / "html" / "editions.atom").getroot()
    titles = [t.text for t in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert titles[1:] == ["Edition 2: Update search (test data)", "Edition 1: Search for the published review"]
    head = (root / "_build" / "html" / "notebooks" / "04-themes.html").read_text()
    assert '<link rel="alternate" type="application/atom+xml" title="Editions" href="../editions.atom" />' in head


def test_citation_cff_cites_the_current_edition(book):
    root, _ = book
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["version"] == "3" and "date-released" not in cff
