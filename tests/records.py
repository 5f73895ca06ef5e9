"""The example later run whose records are in tests/fixtures/records: what an author adds before importing them.

Shared by the tests and the benchmark. Everything is test data, in a copy of the project.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers import append

EXPORTS = Path(__file__).parent / "fixtures" / "records"
RUN = "2099-12"
STUDY, REPORT = "testauthor2099", "testauthor2099peer"
TEST = "test data: invented for the example exports in tests/fixtures/records"
BIB = """
@article{testauthor2099peer,
  author = {Testauthor, Alex and Example, Sam},
  title = {Peer Support Workers in Community Mental Health Teams: A Fictional Test-Data Study},
  journal = {Journal of Test Data},
  year = {2099},
  doi = {10.5555/test.0001}
}
"""
# The flow of the example exports, worked out by hand from tests/fixtures/records/README.md.
FLOW = {
    ("databases", "identified"): 9,
    ("databases", "removed_duplicates"): 2,
    ("databases", "removed_automation"): 0,
    ("databases", "removed_other"): 0,
    ("databases", "screened"): 7,
    ("databases", "excluded_screening"): 2,
    ("databases", "sought"): 5,
    ("databases", "not_retrieved"): 1,
    ("databases", "assessed"): 4,
    ("databases", "excluded_full_text"): 3,
    ("other_methods", "identified"): 2,
    ("other_methods", "sought"): 2,
    ("other_methods", "not_retrieved"): 1,
    ("other_methods", "assessed"): 1,
    ("other_methods", "excluded_full_text"): 1,
}
REASONS = {
    "databases": (("wrong population", 2), ("not a primary study", 1)),
    "other_methods": (("not a primary study", 1),),
}


def add_example_run(root: Path, databases: tuple[str, ...] = ("PubMed", "Scopus")) -> None:
    """The run, its databases, and the study and report its one included record became."""
    append(
        root,
        "search_runs.csv",
        [
            RUN,
            "Update search (test data)",
            "2099-01",
            "2099-12",
            TEST,
            TEST,
            "reference lists of included articles",
            TEST,
        ],
    )
    append(
        root, "search_databases.csv", *[[RUN, name, TEST, "", "not reported: not counted yet"] for name in databases]
    )
    append(
        root,
        "studies.csv",
        [STUDY, RUN, "qualitative", TEST, "semi-structured interviews", TEST, "community mental health teams", TEST]
        + [12, TEST, "peer workers and team leaders", TEST, "thematic analysis", TEST, "yes", TEST]
        + ["Structured induction helped peer workers settle into their teams (test data).", TEST],
    )
    append(root, "study_countries.csv", [STUDY, "Canada", TEST])
    append(root, "quality_appraisal.csv", [STUDY, "good", TEST])
    append(root, "reports.csv", [REPORT, STUDY, "main", RUN, "", TEST])
    with open(root / "references.bib", "a", encoding="utf-8") as handle:
        handle.write(BIB)
