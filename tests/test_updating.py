"""End to end: an author adds a second search run with one new study, validates, refreshes, builds.

Everything here is clearly labelled test data and lives only in a temporary copy.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from conftest import build_book, cli, copy_project, run_nbval
from peerwork_review import prisma_flow, reproduction
from peerwork_review.load import load

RUN = "2026-05"
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


def append(root: Path, file: str, *rows: list) -> None:
    with open(root / "data" / file, "a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def add_second_run(root: Path) -> None:
    """What the walk-through page asks an author to do, with invented numbers."""
    append(root, "search_runs.csv", [RUN, "Update search (test data)", "2023-11", "2026-05", TEST, TEST, "reference lists of included articles", TEST])
    databases = ["Ovid Medline", "Scopus", "Web of Science"]
    append(root, "search_databases.csv", *[[RUN, name, TEST, 100, TEST] for name in databases])
    flow = {
        ("databases", "identified"): 300, ("databases", "removed_duplicates"): 120, ("databases", "removed_automation"): 0,
        ("databases", "removed_other"): 0, ("databases", "screened"): 180, ("databases", "excluded_screening"): 170,
        ("databases", "sought"): 10, ("databases", "not_retrieved"): 0, ("databases", "assessed"): 10,
        ("databases", "excluded_full_text"): 9, ("other_methods", "identified"): 2, ("other_methods", "sought"): 2,
        ("other_methods", "not_retrieved"): 0, ("other_methods", "assessed"): 2, ("other_methods", "excluded_full_text"): 2,
    }
    append(root, "prisma_flow.csv", *[[RUN, column, stage, count, "", TEST] for (column, stage), count in flow.items()])
    append(root, "prisma_exclusion_reasons.csv", [RUN, "databases", "not about integrating peer workers", 6, TEST],
           [RUN, "databases", "not a primary study", 3, TEST], [RUN, "other_methods", "not about integrating peer workers", 2, TEST])
    append(root, "studies.csv", [STUDY, RUN, "qualitative", TEST, "semi-structured interviews", TEST, "community mental health teams", TEST,
                                 12, TEST, "peer workers and team leaders", TEST, "thematic analysis", TEST, "yes", TEST,
                                 "Structured induction and visible leadership support helped peer workers settle into teams.", TEST])
    append(root, "study_countries.csv", [STUDY, "Canada", TEST])
    append(root, "quality_appraisal.csv", [STUDY, "good", TEST])
    append(root, "reports.csv", [REPORT, STUDY, "main", RUN, "", TEST])
    append(root, "theme_coding.csv", ["recruitment-induction", REPORT, TEST], ["leadership", REPORT, TEST])
    with open(root / "references.bib", "a", encoding="utf-8") as handle:
        handle.write(BIB)


@pytest.fixture(scope="module")
def updated(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("update") / "project")
    old = load(root)
    add_second_run(root)
    validated = cli(root, "validate")
    assert validated.returncode == 0, validated.stderr
    stale = run_nbval(root, "01-search-and-selection.ipynb", "02-study-characteristics.ipynb")
    refreshed = cli(root, "refresh")
    assert refreshed.returncode == 0, refreshed.stderr[-3000:]
    built = build_book(root)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return root, old, load(root), stale, refreshed


def html(root: Path, page: str) -> str:
    return (root / "_build" / "html" / f"{page}.html").read_text()


def test_nbval_rejects_the_unrefreshed_notebooks(updated):
    stale = updated[3]
    assert stale.returncode == 1
    assert "mismatch" in stale.stdout.lower()


def test_totals_change_by_exactly_what_was_added(updated):
    _, old, new, _, refreshed = updated
    assert len(new.studies) == len(old.studies) + 1
    assert len(new.reports) == len(old.reports) + 1
    assert len(new.coding) == len(old.coding) + 2
    assert f"studies_included: {len(old.studies)} -> {len(old.studies) + 1}" in refreshed.stdout


def test_prisma_diagram_takes_the_updated_review_form(updated):
    _, old, new, _, _ = updated
    flow = prisma_flow.flow_numbers(new)
    assert flow.updated and flow.run_id == RUN
    assert (flow.previous_studies, flow.new_studies, flow.total_studies) == (len(old.studies), 1, len(old.studies) + 1)
    texts = prisma_flow.box_texts(flow)
    assert "Studies included in previous version of review" in texts["previous"]
    assert f"Total studies included in review (n = {len(old.studies) + 1:,})" in texts["total"]
    page = html(updated[0], "notebooks/01-search-and-selection")
    assert "New studies included" in page and "Total studies included" in page


CITATION = re.compile(r'<a class="reference internal" href="\.\./book/bibliography\.html#(id\d+)" title="Alex Testauthor and Sam Example')


def test_new_study_appears_in_every_table_with_a_resolving_citation(updated):
    root = updated[0]
    bibliography = html(root, "book/bibliography")
    for page in ("notebooks/02-study-characteristics", "notebooks/03-quality-appraisal", "notebooks/04-themes"):
        anchors = CITATION.findall(html(root, page))
        assert anchors, f"no citation of the new study on {page}"
        assert all(f'id="{a}"' in bibliography for a in anchors), page
    # Table 3 and the summaries of the two themes it was coded to
    assert len(CITATION.findall(html(root, "notebooks/04-themes"))) >= 3


def test_published_2023_figures_still_pass_against_the_2023_run(updated):
    _, old, new, _, _ = updated
    before = reproduction.figure_table(old)[["figure_id", "derived", "status"]]
    after = reproduction.figure_table(new)[["figure_id", "derived", "status"]]
    assert before.equals(after)
