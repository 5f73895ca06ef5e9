"""End to end: two later editions made in a copy of the book as book/updating.md tells authors, one after the
other, then validated, refreshed, built and tested; every page stays true.

Edition 2 is a second search run that finds one new study (``add_second_run``); the author refreshes. Then
editions 1 and 2 are released and edition 3 finds a follow-up paper of Berry et al. 2011, withdraws Franke et
al. 2010 and corrects Gates et al. 2010's country; the author refreshes again and builds. One copy carries
both editions, so the book is built and checked once. Every value is clearly labelled test data on the frozen
edition 1 and lives only in the temporary copy.
"""

from __future__ import annotations

import csv
import html
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest
import yaml

from peerwork_review.derivation import reproduction
from peerwork_review.model.review import load
from peerwork_review.notebooks.plan import outdated_notebooks
from tests.helpers import ROOT, append, build_book, cli, copy_project, run_nbval
from tests.jupyter import exported, jupyter_problems
from tests.scenarios import add_finding, add_report, add_run, correct, release, withdraw

pytestmark = pytest.mark.slow

# Far beyond any real search, so this run is the latest whatever runs an author has added.
RUN = "2099-12"
THIRD = "2100-06"
FOLLOW_UP = "testfollowup2100berry"
STUDY = "testauthor2026"
REPORT = "testauthor2026peer"
TEST = "test data: invented by tests/test_updating.py, not a real study"
BIB = """
@article{testauthor2026peer,
  author = {Testauthor, Alex and Example, Sam},
  title = {A Test-Data Study of Peer Worker Induction},
  journal = {Journal of Test Data},
  year = {2026},
  volume = {1},
  pages = {1--10}
}
"""
FLOW = {
    ("databases", "identified"): 300,
    ("databases", "removed_duplicates"): 120,
    ("databases", "removed_automation"): 0,
    ("databases", "removed_other"): 0,
    ("databases", "screened"): 180,
    ("databases", "excluded_screening"): 170,
    ("databases", "sought"): 10,
    ("databases", "not_retrieved"): 0,
    ("databases", "assessed"): 10,
    ("databases", "excluded_full_text"): 9,
    ("other_methods", "identified"): 2,
    ("other_methods", "sought"): 2,
    ("other_methods", "not_retrieved"): 0,
    ("other_methods", "assessed"): 2,
    ("other_methods", "excluded_full_text"): 2,
}

# Full-text exclusion reasons, adding up to each column's excluded_full_text.
EXCLUSIONS = [
    ("databases", "not about integrating peer workers", 6),
    ("databases", "not a primary study", 3),
    ("other_methods", "not a primary study", 2),
]


def next_position(root: Path, theme_id: str) -> int:
    with open(root / "data" / "findings.csv", newline="", encoding="utf-8") as handle:
        return 1 + max((int(r["position"]) for r in csv.DictReader(handle) if r["theme_id"] == theme_id), default=0)


def add_second_run(root: Path) -> None:
    """What the Updating page asks an author to do, with invented numbers."""
    append(
        root,
        "search_runs.csv",
        {
            "search_run_id": RUN,
            "label": "Update search (test data)",
            "date_start": "2099-01",
            "date_end": "2099-12",
            "date_start_source": TEST,
            "date_end_source": TEST,
            "other_methods": "reference lists of included articles",
            "other_methods_source": TEST,
        },
    )
    append(
        root,
        "search_databases.csv",
        *[[RUN, name, TEST, 100, TEST] for name in ["Ovid Medline", "Scopus", "Web of Science"]],
    )
    append(root, "prisma_flow.csv", *[[RUN, column, stage, count, "", TEST] for (column, stage), count in FLOW.items()])
    append(
        root,
        "prisma_exclusion_reasons.csv",
        *[[RUN, column, reason, count, TEST] for column, reason, count in EXCLUSIONS],
    )
    append(
        root,
        "studies.csv",
        [
            STUDY,
            RUN,
            "qualitative",
            TEST,
            "semi-structured interviews",
            TEST,
            "community mental health teams",
            TEST,
            12,
            TEST,
            "peer workers and team leaders",
            TEST,
            "thematic analysis",
            TEST,
            "yes",
            TEST,
            "Structured induction and visible leadership support helped peer workers settle into teams.",
            TEST,
        ],
    )
    append(root, "study_countries.csv", [STUDY, "Canada", TEST])
    append(root, "quality_appraisal.csv", [STUDY, "good", TEST])
    append(root, "reports.csv", [REPORT, STUDY, "main", RUN, "", TEST])
    findings = [
        (
            "recruitment-induction",
            "A structured induction helped the new peer workers settle into their teams (test data).",
        ),
        ("leadership", "Visible support from team leaders made colleagues more accepting of peer workers (test data)."),
    ]
    for theme_id, statement in findings:
        position = next_position(root, theme_id)
        finding_id = f"{theme_id}-{position:02d}"
        append(root, "findings.csv", [finding_id, RUN, theme_id, position, statement, TEST])
        append(root, "finding_reports.csv", [finding_id, REPORT])
    with open(root / "references.bib", "a", encoding="utf-8") as handle:
        handle.write(BIB)


def frictionless_errors(root: Path) -> list[str]:
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(root / "data" / "datapackage.json")).validate()
    return [f"{e.type}: {e.message}" for task in report.tasks for e in task.errors] + [e.message for e in report.errors]


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The copy after both editions, the review before and after, and the outcome of every step the author ran."""
    root = copy_project(tmp_path_factory.mktemp("update") / "project", frozen=True)
    old = load(root)
    add_second_run(root)
    steps = {"validate": cli(root, "validate")}
    steps["frictionless"] = frictionless_errors(root)
    steps["stale"] = outdated_notebooks(root)  # what the build checks before it reads a page
    steps["refresh"] = cli(root, "refresh")
    add_run(root, THIRD, "Second update search (test data)", "2100-01", "2100-06", 1)
    add_report(root, FOLLOW_UP, "berry2011", THIRD, "Testfollowup", 2100)
    add_finding(root, THIRD, "leadership", "Leaders kept backing peer roles (test data).", FOLLOW_UP)
    withdraw(root, "franke2010", THIRD)
    correct(root, "study_countries.csv", {"study_id": "gates2010"}, "country", "United States", THIRD, "test value")
    release(root, "2023", "2099-01-02")
    release(root, RUN, "2100-01-02")
    steps["validate edition 3"] = cli(root, "validate")
    steps["refresh edition 3"] = cli(root, "refresh")
    steps["build"] = build_book(root)
    notebooks = sorted(p.relative_to(root / "notebooks").as_posix() for p in (root / "notebooks").rglob("*.ipynb"))
    steps["nbval"] = run_nbval(root, *notebooks)
    config = ["--config", str(ROOT / "pyproject.toml")]  # the copy has no pyproject.toml
    for command in ("check", "format --check"):  # the generated notebooks are code as ruff writes it
        steps[f"ruff {command}"] = subprocess.run(
            [sys.executable, "-m", "ruff", *command.split(), *config, "notebooks"],
            cwd=root,
            capture_output=True,
            text=True,
        )
    return root, old, load(root), steps


def page(root: Path, name: str) -> str:
    """The visible text of a built page, whitespace folded."""
    raw = (root / "_build" / "html" / f"{name}.html").read_text()
    main = raw[raw.find("<main") : raw.find("</main>")]
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())
    return re.sub(r"\s+([)\].,;])", r"\1", re.sub(r"([(\[])\s+", r"\1", text))  # no space left where a link was


def test_every_step_an_author_runs_passes(book):
    steps = book[3]
    assert steps["frictionless"] == []
    for name, result in steps.items():
        if name in ("frictionless", "stale"):  # lists, checked here and below
            continue
        assert result.returncode == 0, f"{name}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert "CITATION.cff: edition 2 → edition 3, not released yet" in steps["refresh edition 3"].stdout


def test_before_the_refresh_the_book_would_refuse_naming_the_new_page(book):
    stale = book[3]["stale"]
    assert f"notebooks/updates/{RUN}.ipynb is missing: it is generated from the data" in stale
    assert any(
        line.startswith("notebooks/02-study-characteristics.ipynb was executed with other inputs: data/")
        for line in stale
    ), stale


def test_refresh_says_in_words_what_changed(book):
    _, old, _, steps = book
    report = steps["refresh"].stdout
    assert f"New page: Edition 2: Update search (test data) (notebooks/updates/{RUN}.ipynb)" in report
    assert (
        f"Studies in the current evidence, across every search: {len(old.studies)} → {len(old.studies) + 1}" in report
    )
    assert "Table “Study characteristics of the article's 16 studies and" in report
    assert "1 row added" in report


def _month(yearmonth: str) -> str:
    import calendar

    year, month = yearmonth.split("-")
    return f"{calendar.month_name[int(month)]} {year}"


def test_the_published_reviews_account_keeps_its_own_search(book):
    """Methods, the landing page and the search page still describe the published review's search."""
    root, old, new, _ = book
    article = new.as_of(new.article_run)
    window = f"{_month(article.runs['date_start'].iloc[0])} to {_month(article.runs['date_end'].iloc[0])}"
    databases = len(article.databases)
    published = {
        f: f"{old.figure(f):,}"
        for f in (
            "records_identified_databases",
            "records_identified_other",
            "records_screened",
            "full_texts_assessed",
            "studies_included",
        )
    }
    methods = page(root, "book/methods")
    assert f"They searched {databases} databases" in methods
    assert f"The search covered {window}" in methods
    assert (
        f"the databases returned {published['records_identified_databases']} records "
        f"and other sources added {published['records_identified_other']}"
    ) in methods
    assert f"{published['records_screened']} records were screened" in methods
    assert f"{published['full_texts_assessed']} full texts were assessed" in methods
    assert f"the article reports {published['studies_included']} studies as included" in methods
    landing = page(root, "book/index")
    assert (
        f"The authors searched {databases} databases from {window} and report {published['studies_included']} included studies"
        in landing
    )
    search = page(root, "notebooks/01-search-and-selection")
    for number in published.values():
        assert number in search


def test_the_current_evidence_is_labelled_as_such(book):
    root, old, new, _ = book
    for name in ("book/index", "notebooks/01-search-and-selection", "notebooks/07-updates"):
        text = page(root, name)
        assert "the latest to June 2100 (Second update search (test data))" in text, name
        assert f"the current evidence, across every search, covers {len(new.studies)} studies" in text, name


def test_the_update_has_its_own_page(book):
    root, old, new, _ = book
    text = page(root, f"notebooks/updates/{RUN}")
    assert (
        "The search covered January 2099 to December 2099 in 3 databases (Ovid Medline, Scopus and Web of Science)"
        in text
    )
    assert "This search added 1 study to the review: Testauthor and Example" in text
    assert f"Included studies {len(old.studies)} {len(old.studies) + 1}" in text  # the What changed table
    canada = int((old.countries["country"] == "Canada").sum())
    assert f"Studies by location Canada {canada} {canada + 1}" in text
    diagram = (root / "_build" / "outputs" / f"prisma_flow_{RUN}.svg").read_text()
    assert "previous version of" in diagram and f"n = {FLOW[('databases', 'identified')]:,}" in diagram


def test_the_generated_pages_read_in_jupyter(book):
    """Opened in Jupyter, the update's page shows its sentences and its diagram, as the themes chapter its sections."""
    root = book[0]
    update = nbformat.read(root / "notebooks" / "updates" / f"{RUN}.ipynb", as_version=4)
    themes = nbformat.read(root / "notebooks" / "04-themes.ipynb", as_version=4)
    assert jupyter_problems(update) == [] and jupyter_problems(themes) == []
    shown, diagrams = exported(update)  # the diagram, and the same laid out for phones
    assert "This search added 1 study to the review" in shown and "The search covered January 2099" in shown
    assert diagrams and all(f"n = {FLOW[('databases', 'identified')]:,}" in diagram for diagram in diagrams)
    shown, _ = exported(themes)
    assert "A structured induction helped the new peer workers settle into their teams (test data)" in shown


def test_every_study_is_marked_with_the_search_that_found_it(book):
    characteristics = page(book[0], "notebooks/02-study-characteristics")
    assert "Found by search" in characteristics
    # 2026a or 2026b where the data hold another study by the same authors that year
    assert re.search(rf"Testauthor and Example \[2026[a-z]?\] {RUN}", characteristics)


def test_the_quality_page_agrees_with_its_table(book):
    new = book[2]
    text = page(book[0], "notebooks/03-quality-appraisal")
    missing = int(new.quality["mmat_rating"].isna().sum())
    assert f"No rating is available for {missing} of the {len(new.studies)} included studies" in text
    assert "No per-study rating is available" not in text


def test_published_figures_still_pass_against_their_run(book):
    """Later runs leave the published review's figures as they were, but for the corrected country: the country
    figures that depended on it narrow from a range to one number, and all of them are reproduced."""
    _, old, new, _ = book
    before = reproduction.figure_table(old).set_index("figure_id")[["derived", "status"]]
    after = reproduction.figure_table(new).set_index("figure_id")[["derived", "status"]]
    assert before.index.equals(after.index)
    changed = set(before.index[(before != after).any(axis=1)])
    countries = ("australia", "finland", "multiple_countries", "singapore", "united_kingdom", "united_states")
    assert changed == {"main_countries", "multi_country_countries", *(f"studies_{c}" for c in countries)}
    assert (after.loc[sorted(changed), "status"] == "reproduced").all()


def _svg(root, name: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", (root / "_build" / "outputs" / f"{name}.svg").read_text()).split())


def test_the_published_reviews_diagram_keeps_its_studies_and_reports(book):
    root = book[0]
    svg = _svg(root, "prisma_flow")
    assert "Studies included in review (n = 16)" in svg and "Reports of included studies (n = 17)" in svg
    checked = page(root, "notebooks/05-reproduction-check")
    assert re.search(r"Studies included in the review 16 16 reproduced", checked)
    assert re.search(r"Studies conducted in the United States 7 7 reproduced", checked)  # the corrected country


def test_the_first_updates_page_is_not_rewritten_by_a_later_edition(book):
    root = book[0]
    text = page(root, f"notebooks/updates/{RUN}")
    assert "Reports of included studies 17 18" in text and "Included studies 16 17" in text
    assert "Reports of new included studies (n = 1)" in _svg(root, f"prisma_flow_{RUN}")


def test_the_third_editions_page_names_the_follow_up_withdrawal_and_correction(book):
    root = book[0]
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
    root = book[0]
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
    root = book[0]
    themes = page(root, "notebooks/04-themes")
    assert "From edition 2, Update search (test data): Visible support from team leaders" in themes
    assert "From edition 3, Second update search (test data): Leaders kept backing peer roles" in themes
    assert "as far as the citations in the article’s Results and in the findings of later searches show it" in themes


def test_the_editions_page_lists_editions_errata_and_the_feed(book):
    root = book[0]
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
    root = book[0]
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["version"] == "3" and "date-released" not in cff
