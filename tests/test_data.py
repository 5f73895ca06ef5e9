"""The shipped data validate; broken copies of a small test dataset fail with the right message, and
Frictionless, run on the same copies, agrees wherever the rule is one of the Table Schema's.

Tests on the shipped data assert invariants and the article's own facts (run 2023) only,
so that an author's valid update keeps them green. Broken-data tests break the invented
dataset in ``tests/fixtures/minimal`` (see ``minimal.py``), never the real one.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from peerwork_review.derivation import reproduction
from peerwork_review.model.review import load
from peerwork_review.reading.integrity import SOURCE_PREFIXES, article_run
from peerwork_review.reading.load import read_and_validate
from tests.helpers import ROOT, in_process, tree_hash
from tests.minimal import TEST, append, edit_rows, frictionless_errors, minimal_copy, problems, set_cell


def validate_cli(root) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "peerwork_review.cli", "--root", str(root), "validate"], capture_output=True, text=True
    )


def validate(capsys, root) -> subprocess.CompletedProcess:
    return in_process(capsys, root, "validate")


# -- the shipped data -------------------------------------------------------------


def test_validate_command_succeeds_on_shipped_data(capsys):
    result = validate(capsys, ROOT)
    assert result.returncode == 0, result.stderr
    assert "data/ is valid" in result.stdout


def test_validate_notes_only_the_stated_sums_that_do_not_add_up(live_review, capsys):
    noted = [line for line in validate(capsys, ROOT).stdout.splitlines() if line.startswith("Note:")]
    checks = reproduction.check_table(live_review)
    failing = checks.loc[checks["status"] == reproduction.INCONSISTENT, "check_id"]
    assert sorted(line.rsplit("(", 1)[1].rstrip(").") for line in noted) == sorted(failing)


def test_the_article_run_includes_the_published_number_of_studies(review, frozen_root):
    tables, _, _ = read_and_validate(frozen_root)
    assert article_run(tables["search_runs"]) == "2023"
    found = review.studies[review.studies["first_search_run_id"] == "2023"]
    assert len(found) == review.figure("studies_included")


def test_the_article_gives_no_full_text_exclusion_reasons(review):
    """Run 2023: one row per column, reason and count empty, and a source saying they were not found
    (the article's text gives none; its flow diagram, an image, was not read)."""
    rows = review.exclusion_reasons[review.exclusion_reasons["search_run_id"] == "2023"]
    assert sorted(rows["column"]) == ["databases", "other_methods"]
    assert rows["reason"].isna().all() and rows["count"].isna().all()
    assert rows["source"].str.startswith("not found:").all()


def test_every_field_declares_its_provenance():
    descriptor = json.loads((ROOT / "data" / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        names = {f["name"] for f in resource["schema"]["fields"]}
        for spec in resource["schema"]["fields"]:
            prov = spec.get("provenance")
            assert prov in {"key", "editorial", "self"} | names, f"{resource['name']}.{spec['name']} has no provenance"
            if prov not in {"key", "editorial", "self"}:
                assert prov != spec["name"], f"{resource['name']}.{spec['name']} cannot be its own source"


def test_every_source_cell_uses_a_known_prefix(review):
    for frame in (
        review.studies,
        review.countries,
        review.quality,
        review.reports,
        review.themes,
        review.coding,
        review.flow,
        review.exclusion_reasons,
        review.databases,
    ):
        for column in [c for c in frame.columns if c == "source" or c.endswith("_source")]:
            for value in frame[column].dropna():
                assert value.lower().startswith(SOURCE_PREFIXES), f"{column}: {value[:60]}"


def test_no_test_data_is_shipped():
    for path in (ROOT / "data").glob("*.csv"):
        assert "test data:" not in path.read_text(encoding="utf-8").lower(), path.name


def test_frictionless_accepts_the_package():
    """An independent implementation of the Data Package standard agrees the package is valid."""
    assert frictionless_errors(ROOT) == []


# -- the test dataset -------------------------------------------------------------


@pytest.fixture
def minimal(tmp_path):
    return minimal_copy(tmp_path / "minimal")


def test_the_test_dataset_is_valid_for_us_and_for_frictionless(minimal):
    assert problems(minimal) == []
    assert frictionless_errors(minimal) == []


def _drop_column(rows, column="sample_size"):
    i = rows[0].index(column)
    return [r[:i] + r[i + 1 :] for r in rows]


def _write(name: str, text: str, encoding: str = "utf-8"):
    return lambda root: (root / "data" / name).write_bytes(text.encode(encoding))


def _replace(name: str, old: str, new: str, encoding: str = "utf-8", last: bool = False):
    def change(root):
        path = root / "data" / name
        text = path.read_text(encoding="utf-8")
        if last:  # only the final occurrence, as when a file is cut off
            head, _, tail = text.rpartition(old)
            text = head + new + tail
        else:
            text = text.replace(old, new)
        path.write_bytes(text.encode(encoding))

    return change


OURS = "only ours"  # Frictionless accepts the copy: the rule is not part of the Table Schema, for the reason given

# name: (break the copy, what we say, the resource Frictionless validates, what Frictionless reports or why it cannot)
CORPUS = {
    "missing column": (
        lambda r: edit_rows(r, "studies.csv", _drop_column),
        'data/studies.csv, row 1, column "sample_size": missing column',
        "studies",
        "missing-label",
    ),
    "unexpected column": (
        lambda r: edit_rows(r, "themes.csv", lambda x: [x[0] + ["colour"]] + [y + ["red"] for y in x[1:]]),
        'data/themes.csv, row 1, column "colour": unexpected column',
        "themes",
        "extra-label",
    ),
    "wrong type": (
        lambda r: set_cell(r, "studies.csv", 2, "sample_size", "four"),
        "data/studies.csv, row 2, column \"sample_size\": 'four' is not a whole number",
        "studies",
        "type-error",
    ),
    "number too large": (
        lambda r: set_cell(r, "studies.csv", 2, "sample_size", str(2**63)),
        "is too large for this column",
        "studies",
        "constraint-error",
    ),
    "above the maximum": (
        lambda r: set_cell(r, "search_databases.csv", 2, "records", "100000001"),
        "100000001 is above the maximum of 100000000",
        "search_databases",
        "constraint-error",
    ),
    "below the minimum": (
        lambda r: set_cell(r, "search_databases.csv", 2, "records", "-5"),
        'data/search_databases.csv, row 2, column "records": -5 is below the minimum of 0',
        "search_databases",
        "constraint-error",
    ),
    "duplicate id": (
        lambda r: edit_rows(r, "studies.csv", lambda x: x + [x[1]]),
        "data/studies.csv, row 5, column \"study_id\": duplicate value 'alpha2019' (first in row 2)",
        "studies",
        "primary-key",
    ),
    "unknown report in a finding": (
        lambda r: set_cell(r, "finding_reports.csv", 2, "report_id", "nobody2020"),
        "'nobody2020' is not a report_id in data/reports.csv",
        "finding_reports",
        "foreign-key",
    ),
    "value outside an enumeration": (
        lambda r: set_cell(r, "studies.csv", 2, "design", "ethnography"),
        "'ethnography' is not an allowed value; allowed: qualitative, quantitative, mixed methods",
        "studies",
        "constraint-error",
    ),
    "unknown country": (
        lambda r: set_cell(r, "study_countries.csv", 2, "country", "Atlantis"),
        "'Atlantis' is not an allowed value; see the book's page 'About the data'",
        "study_countries",
        "constraint-error",
    ),
    "id against its pattern": (
        lambda r: set_cell(r, "reports.csv", 6, "report_id", "gamma`2021`"),
        "'gamma`2021`' does not match the pattern",
        "reports",
        "constraint-error",
    ),
    "value with no source": (
        lambda r: set_cell(r, "studies.csv", 2, "methods_source", ""),
        'data/studies.csv, row 2, column "methods_source": a value is required',
        "studies",
        "constraint-error",
    ),
    "bad year-month": (
        lambda r: set_cell(r, "search_runs.csv", 2, "date_end", "2023-13"),
        "'2023-13' is not a year and month written YYYY-MM",
        "search_runs",
        "type-error",
    ),
    "spreadsheet date in a link": (
        lambda r: set_cell(r, "studies.csv", 4, "first_search_run_id", "Mar-22"),
        "data/studies.csv, row 4, column \"first_search_run_id\": row 4 holds dates ('Mar-22')",
        "studies",
        "foreign-key",
    ),
    "blank row": (
        lambda r: (r / "data/search_runs.csv").write_text((r / "data/search_runs.csv").read_text() + ",,,,,,,,\n"),
        "data/search_runs.csv, row 4: blank row",
        "search_runs",
        "blank-row",
    ),
    "row with too many fields": (
        lambda r: (r / "data/search_runs.csv").write_text(
            (r / "data/search_runs.csv").read_text() + "x,y,1,2,3,4,5,6,7,8\n"
        ),
        "data/search_runs.csv, row 4: has 10 fields but the header has 9",
        "search_runs",
        "extra-cell",
    ),
    "trailing space in a link": (
        lambda r: set_cell(r, "quality_appraisal.csv", 3, "study_id", "beta2018 "),
        "'beta2018 ' has leading or trailing spaces",
        "quality_appraisal",
        "foreign-key",
    ),
    "wrong encoding": (
        _replace("themes.csv", "Support at work", "Support \u00e0 work", "latin-1"),
        "data/themes.csv, row 3: file is not valid UTF-8 (byte 0xe0)",
        "themes",
        "encoding-error",
    ),
    "empty file": (
        _write("figure_checks.csv", ""),
        "data/figure_checks.csv: file is empty",
        "figure_checks",
        "source-error",
    ),
    # Frictionless decodes a byte order mark away; we keep files plain UTF-8 for every tool.
    "byte order mark": (
        lambda r: (r / "data/reports.csv").write_bytes(b"\xef\xbb\xbf" + (r / "data/reports.csv").read_bytes()),
        "data/reports.csv, row 1: file starts with a byte order mark (BOM)",
        "reports",
        OURS,
    ),
    "placeholder for unknown": (
        lambda r: set_cell(r, "studies.csv", 2, "setting", "N/A"),
        "'N/A' stands for a missing value; leave it empty and say why in the source",
        "studies",
        OURS,
    ),
    "cut off": (
        _replace("findings.csv", "invented for tests/fixtures/minimal\n", "invented for tests/fixt", last=True),
        "data/findings.csv, row 4: the file does not end with a line break, so it may have been cut off",
        "findings",
        OURS,
    ),
    "empty value that does not say why": (
        lambda r: set_cell(r, "studies.csv", 2, "data_analysis", ""),
        'data/studies.csv, row 2, column "data_analysis": is empty, so data_analysis_source must say why',
        "studies",
        OURS,
    ),
    "source of unknown kind": (
        lambda r: set_cell(r, "studies.csv", 3, "setting_source", "I remember it"),
        'data/studies.csv, row 3, column "setting_source": source must start with one of',
        "studies",
        OURS,
    ),
    "later run citing the article": (
        lambda r: set_cell(r, "studies.csv", 4, "methods_source", "article: Results"),
        "cites the article, but this row belongs to search run '2022-03'; the article reports run '2020' only; "
        "write `extraction:` and where you found it",
        "studies",
        OURS,
    ),
    "flow that does not add up": (
        lambda r: set_cell(r, "prisma_flow.csv", 8, "count", "11"),
        "run '2020', databases: sought is 11 but screened minus excluded gives 10",
        "prisma_flow",
        OURS,
    ),
    "flow with a part larger than the whole": (
        lambda r: set_cell(r, "prisma_flow.csv", 6, "count", "81"),
        "screened + removed_duplicates + removed_automation is 101, more than identified (100)",
        "prisma_flow",
        OURS,
    ),
    "records per database": (
        lambda r: set_cell(r, "search_databases.csv", 2, "records", "61"),
        "run '2020': records identified (100) differ from the sum over data/search_databases.csv (101)",
        "search_databases",
        OURS,
    ),
    "included reports": (
        lambda r: set_cell(r, "prisma_flow.csv", 26, "count", "3"),
        "run '2022-03': reports assessed minus excluded give 2 included reports, but data/reports.csv has 1",
        "prisma_flow",
        OURS,
    ),
    "exclusion reasons": (
        lambda r: set_cell(r, "prisma_exclusion_reasons.csv", 5, "count", "2"),
        "run '2022-03', databases: the reasons' counts add up to 3, but 4 reports were excluded",
        "prisma_exclusion_reasons",
        OURS,
    ),
    "run without databases": (
        lambda r: edit_rows(r, "search_databases.csv", lambda x: x[:3]),
        "data/search_runs.csv, row 3, column \"search_run_id\": run '2022-03' has no database",
        "search_databases",
        OURS,
    ),
    "study without a main report": (
        lambda r: set_cell(r, "reports.csv", 2, "role", "additional"),
        "needs exactly one report with role 'main' in data/reports.csv",
        "reports",
        OURS,
    ),
    "report numbered as another": (
        lambda r: set_cell(r, "reports.csv", 6, "article_ref_number", "4"),
        "reference 4 of the article is 'delta2015context', not this report 'gamma2021team'",
        "reports",
        OURS,
    ),
    "subtheme under a subtheme": (
        lambda r: append(
            r, "themes.csv", ["deeper", "subtheme", "peer-supervision", 2, "Deeper", TEST, TEST, "x", TEST]
        ),
        "'peer-supervision' is a subtheme",
        "themes",
        OURS,
    ),
    "unknown figure in a check": (
        lambda r: set_cell(r, "figure_checks.csv", 2, "expression", "design_qualitative + design_mars"),
        "'design_mars' is not a figure_id",
        "figure_checks",
        OURS,
    ),
    "unknown bib key": (
        lambda r: set_cell(r, "article_references.csv", 2, "bib_key", "nobody2020"),
        "'nobody2020' is not a key in references.bib",
        "article_references",
        OURS,
    ),
    "undrawable theme name": (
        lambda r: set_cell(r, "themes.csv", 2, "name", "Training \u4e2d"),
        "has a character the figures cannot draw",
        "themes",
        OURS,
    ),
}
ONLY_OURS_WHY = {
    "byte order mark": "Frictionless decodes a UTF-8 byte order mark away",
    "placeholder for unknown": "'N/A' is a valid string; only missingValues make a value empty",
    "cut off": "a file without a final line break is valid CSV",
    "empty value that does not say why": "provenance (a value's source) is this package's rule",
    "source of unknown kind": "provenance (a value's source) is this package's rule",
    "later run citing the article": "provenance across search runs is this package's rule",
    "flow that does not add up": "PRISMA arithmetic across rows",
    "flow with a part larger than the whole": "PRISMA arithmetic across rows",
    "records per database": "PRISMA arithmetic across files",
    "included reports": "PRISMA arithmetic across files",
    "exclusion reasons": "PRISMA arithmetic across files",
    "run without databases": "a rule about a row's count of rows in another file",
    "study without a main report": "a rule about a row's count of rows in another file",
    "report numbered as another": "replaces the composite foreign key a new report cannot meet",
    "subtheme under a subtheme": "a rule across two rows of one file",
    "unknown figure in a check": "expressions are text to the Table Schema",
    "unknown bib key": "references.bib is not part of the data package",
    "undrawable theme name": "fonts are outside the Table Schema",
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_broken_variant_is_reported_and_frictionless_agrees_where_it_can(tmp_path, name):
    root = minimal_copy(tmp_path / "copy")
    before = tree_hash(ROOT / "data")
    breaks, expected, resource_name, frictionless = CORPUS[name]
    breaks(root)
    found = problems(root)
    assert any(expected in p for p in found), "\n".join(found)
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(root / "data" / "datapackage.json")).get_resource(resource_name).validate()
    errors = sorted({e.type for task in report.tasks for e in task.errors} | {e.type for e in report.errors})
    if frictionless == OURS:
        assert errors == [], f"Frictionless now finds {errors}: move {name!r} out of the rules only we check"
        assert ONLY_OURS_WHY[name]
    else:
        assert frictionless in errors, errors
    assert tree_hash(ROOT / "data") == before  # only the copy was touched


@pytest.mark.slow  # the command line itself, as make validate starts it
def test_validate_command_exits_non_zero_with_the_message(minimal):
    CORPUS["cut off"][0](minimal)
    result = validate_cli(minimal)
    assert result.returncode == 1
    assert CORPUS["cut off"][1] in result.stderr
    assert "nothing was built" in result.stderr


def test_every_problem_is_listed_at_once(minimal):
    for name in ("wrong type", "value outside an enumeration", "byte order mark"):
        CORPUS[name][0](minimal)
    found = problems(minimal)
    assert len(found) == 3, found


def test_a_valid_update_loads(minimal):
    """The test dataset's second run adds a study whose report has no article reference number."""
    review = load(minimal)
    assert review.run_ids == ["2020", "2022-03"]
    assert pd.isna(review.reports.set_index("report_id").loc["gamma2021team", "article_ref_number"])
