"""End to end: an author adds a second search run that finds one new study, as book/updating.md
tells them, then validates, refreshes, builds and tests; every page stays true.

The update is clearly labelled test data and lives only in a temporary copy.
"""

from __future__ import annotations

import csv
import html
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from peerwork_review.derivation import reproduction
from peerwork_review.model.review import load
from peerwork_review.notebooks.plan import outdated_notebooks
from tests.helpers import ROOT, append, build_book, cli, copy_project, run_nbval
from tests.jupyter import exported, jupyter_problems

pytestmark = pytest.mark.slow

# Far beyond any real search, so this run is the latest whatever runs an author has added.
RUN = "2099-12"
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
def updated(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("update") / "project", frozen=True)
    old = load(root)
    add_second_run(root)
    steps = {"validate": cli(root, "validate")}
    steps["frictionless"] = frictionless_errors(root)
    steps["stale"] = outdated_notebooks(root)  # what the build checks before it reads a page
    steps["refresh"] = cli(root, "refresh")
    steps["build"] = build_book(root)
    notebooks = sorted(p.relative_to(root / "notebooks").as_posix() for p in (root / "notebooks").rglob("*.ipynb"))
    steps["nbval"] = run_nbval(root, *notebooks)
    return root, old, load(root), steps


def page(root: Path, name: str) -> str:
    """The visible text of a built page, whitespace folded."""
    raw = (root / "_build" / "html" / f"{name}.html").read_text()
    main = raw[raw.find("<main") : raw.find("</main>")]
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())
    return re.sub(r"\s+([)\].,;])", r"\1", re.sub(r"([(\[])\s+", r"\1", text))  # no space left where a link was


def test_every_step_an_author_runs_passes(updated):
    steps = updated[3]
    assert steps["validate"].returncode == 0, steps["validate"].stderr
    assert steps["frictionless"] == []
    assert steps["refresh"].returncode == 0, steps["refresh"].stderr[-3000:]
    assert steps["build"].returncode == 0, steps["build"].stdout[-3000:] + steps["build"].stderr[-3000:]
    assert steps["nbval"].returncode == 0, steps["nbval"].stdout[-3000:]


def test_before_the_refresh_the_book_would_refuse_naming_the_new_page(updated):
    stale = updated[3]["stale"]
    assert f"notebooks/updates/{RUN}.ipynb is missing: it is generated from the data" in stale
    assert any(
        line.startswith("notebooks/02-study-characteristics.ipynb was executed with other inputs: data/")
        for line in stale
    ), stale


def test_refresh_says_in_words_what_changed(updated):
    _, old, _, steps = updated
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


def test_the_published_reviews_account_keeps_its_own_search(updated):
    """Methods, the landing page and the search page still describe the published review's search."""
    root, old, new, _ = updated
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


def test_the_current_evidence_is_labelled_as_such(updated):
    root, old, new, _ = updated
    for name in ("book/index", "notebooks/01-search-and-selection", "notebooks/07-updates"):
        text = page(root, name)
        assert "the latest to December 2099 (Update search (test data))" in text, name
        assert f"the current evidence, across every search, covers {len(new.studies)} studies" in text, name


def test_the_update_has_its_own_page(updated):
    root, old, new, _ = updated
    text = page(root, f"notebooks/updates/{RUN}")
    assert (
        "The search covered January 2099 to December 2099 in 3 databases (Ovid Medline, Scopus and Web of Science)"
        in text
    )
    assert "This search added 1 study to the review: Testauthor and Example" in text
    assert f"Included studies {len(old.studies)} {len(new.studies)}" in text  # the What changed table
    canada = int((old.countries["country"] == "Canada").sum())
    assert f"Studies by location Canada {canada} {canada + 1}" in text
    diagram = (root / "_build" / "outputs" / f"prisma_flow_{RUN}.svg").read_text()
    assert "previous version of" in diagram and f"n = {FLOW[('databases', 'identified')]:,}" in diagram


def test_the_generated_pages_read_in_jupyter(updated):
    """Opened in Jupyter, the update's page shows its sentences and its diagram, as the themes chapter its sections."""
    root = updated[0]
    update = nbformat.read(root / "notebooks" / "updates" / f"{RUN}.ipynb", as_version=4)
    themes = nbformat.read(root / "notebooks" / "04-themes.ipynb", as_version=4)
    assert jupyter_problems(update) == [] and jupyter_problems(themes) == []
    shown, diagrams = exported(update)  # the diagram, and the same laid out for phones
    assert "This search added 1 study to the review" in shown and "The search covered January 2099" in shown
    assert diagrams and all(f"n = {FLOW[('databases', 'identified')]:,}" in diagram for diagram in diagrams)
    shown, _ = exported(themes)
    assert "A structured induction helped the new peer workers settle into their teams (test data)" in shown


def test_the_generated_notebooks_pass_make_lint(updated):
    """The update's page and the regenerated themes chapter are code as ruff writes it."""
    config = ["--config", str(ROOT / "pyproject.toml")]  # the copy has no pyproject.toml
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, *config, "notebooks"],
            cwd=updated[0],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_every_study_is_marked_with_the_search_that_found_it(updated):
    characteristics = page(updated[0], "notebooks/02-study-characteristics")
    assert "Found by search" in characteristics
    # 2026a or 2026b where the data hold another study by the same authors that year
    assert re.search(rf"Testauthor and Example \[2026[a-z]?\] {RUN}", characteristics)


def test_the_quality_page_agrees_with_its_table(updated):
    new = updated[2]
    text = page(updated[0], "notebooks/03-quality-appraisal")
    missing = int(new.quality["mmat_rating"].isna().sum())
    assert f"No rating is available for {missing} of the {len(new.studies)} included studies" in text
    assert "No per-study rating is available" not in text


def test_published_2023_figures_still_pass_against_the_2023_run(updated):
    _, old, new, _ = updated
    before = reproduction.figure_table(old)[["figure_id", "derived", "status"]]
    after = reproduction.figure_table(new)[["figure_id", "derived", "status"]]
    assert before.equals(after)
