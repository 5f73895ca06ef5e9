"""The shipped dataset validates, and broken copies of it fail with the right message and exit code."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from peerwork_review.errors import DataError
from peerwork_review.load import SOURCE_PREFIXES, load


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(root: Path, file: str, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` counts like a spreadsheet (the header is row 1)."""
    path = root / "data" / file
    rows = read_rows(path)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def edit_rows(root: Path, file: str, change) -> None:
    path = root / "data" / file
    write_rows(path, change(read_rows(path)))


def validate_cli(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "peerwork_review.cli", "--root", str(root), "validate"],
                          capture_output=True, text=True)


# -- the shipped data -------------------------------------------------------------


def test_shipped_data_loads_and_validates(review):
    assert len(review.studies) == review.figure("studies_included")
    assert set(review.quality["study_id"]) == set(review.studies["study_id"])


def test_validate_command_succeeds_on_shipped_data():
    result = validate_cli(ROOT)
    assert result.returncode == 0, result.stderr
    assert "data/ is valid" in result.stdout


def test_every_field_declares_its_provenance():
    descriptor = json.loads((ROOT / "data" / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        names = {f["name"] for f in resource["schema"]["fields"]}
        for field in resource["schema"]["fields"]:
            prov = field.get("provenance")
            assert prov in {"key", "editorial", "self"} | names, f"{resource['name']}.{field['name']} has no provenance"
            if prov not in {"key", "editorial", "self"}:
                assert prov != field["name"]


def test_every_source_cell_uses_a_known_prefix(review):
    for frame in (review.studies, review.countries, review.quality, review.reports, review.themes, review.coding, review.flow):
        for column in [c for c in frame.columns if c == "source" or c.endswith("_source")]:
            for value in frame[column].dropna():
                assert value.lower().startswith(SOURCE_PREFIXES), f"{column}: {value[:60]}"


def test_no_test_data_is_shipped():
    for path in (ROOT / "data").glob("*.csv"):
        assert "test data:" not in path.read_text(encoding="utf-8").lower(), path.name


def test_unknown_values_are_explicit_not_guessed(review):
    """Values no source gives stay empty: the MMAT ratings and the location of Gates et al. 2010."""
    assert review.quality["mmat_rating"].isna().all()
    assert review.quality["mmat_rating_source"].str.startswith("not found:").all()
    gates = review.countries[review.countries["study_id"] == "gates2010"]
    assert gates["country"].isna().all() and gates["source"].str.startswith("not found:").all()


def test_frictionless_accepts_the_package():
    """An independent implementation of the Data Package standard agrees the package is valid."""
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(ROOT / "data" / "datapackage.json")).validate()
    errors = [f"{e.type}: {e.message}" for task in report.tasks for e in task.errors] + [e.message for e in report.errors]
    assert report.valid, "\n".join(errors[:20])


# -- broken variants --------------------------------------------------------------


def _drop_column(rows, column="sample_size"):
    i = rows[0].index(column)
    return [r[:i] + r[i + 1:] for r in rows]


BROKEN = {
    "missing column": (lambda root: edit_rows(root, "studies.csv", _drop_column),
                       'data/studies.csv, row 1, column "sample_size": missing column'),
    "unexpected column": (lambda root: edit_rows(root, "themes.csv", lambda r: [r[0] + ["colour"]] + [x + ["red"] for x in r[1:]]),
                          'data/themes.csv, row 1, column "colour": unexpected column'),
    "wrong type": (lambda root: set_cell(root, "studies.csv", 2, "sample_size", "four"),
                   "data/studies.csv, row 2, column \"sample_size\": 'four' is not a whole number"),
    "duplicate id": (lambda root: edit_rows(root, "studies.csv", lambda r: r + [r[1]]),
                     "data/studies.csv, row 18, column \"study_id\": duplicate value 'berry2011' (first in row 2)"),
    "unknown report cited by a finding": (lambda root: set_cell(root, "finding_reports.csv", 2, "report_id", "nobody2020"),
                                          "data/finding_reports.csv, row 2, column \"report_id\": 'nobody2020' is not a report_id in data/reports.csv"),
    "link to an unknown finding": (lambda root: set_cell(root, "finding_reports.csv", 2, "finding_id", "leadership-99"),
                                   "data/finding_reports.csv, row 2, column \"finding_id\": 'leadership-99' is not a finding_id in data/findings.csv"),
    "finding under an unknown theme": (lambda root: set_cell(root, "findings.csv", 2, "theme_id", "courage"),
                                       "data/findings.csv, row 2, column \"theme_id\": 'courage' is not a theme_id in data/themes.csv"),
    "finding without a statement": (lambda root: set_cell(root, "findings.csv", 2, "statement", ""),
                                    'data/findings.csv, row 2, column "statement": a value is required'),
    "unknown bib key": (lambda root: set_cell(root, "article_references.csv", 2, "bib_key", "nobody2020"),
                        "data/article_references.csv, row 2, column \"bib_key\": 'nobody2020' is not a key in references.bib"),
    "negative count": (lambda root: (set_cell(root, "search_databases.csv", 2, "records", "-5"),
                                     set_cell(root, "search_databases.csv", 2, "records_source", "extraction: test")),
                       'data/search_databases.csv, row 2, column "records": -5 is below the minimum of 0'),
    "value outside an enumeration": (lambda root: set_cell(root, "studies.csv", 2, "design", "ethnography"),
                                     "data/studies.csv, row 2, column \"design\": 'ethnography' is not an allowed value (qualitative, quantitative, mixed methods)"),
    "unknown country": (lambda root: set_cell(root, "study_countries.csv", 2, "country", "Atlantis"),
                        "data/study_countries.csv, row 2, column \"country\": 'Atlantis' is not an allowed value"),
    "wrong encoding": (lambda root: (root / "data/themes.csv").write_bytes((root / "data/themes.csv").read_text().replace("Leadership", "Leadérship").encode("latin-1")),
                       "data/themes.csv, row 9: file is not valid UTF-8 (byte 0xe9); save it as UTF-8"),
    "byte order mark": (lambda root: (root / "data/reports.csv").write_bytes(b"\xef\xbb\xbf" + (root / "data/reports.csv").read_bytes()),
                        "data/reports.csv, row 1: file starts with a byte order mark (BOM); save it as UTF-8 without BOM"),
    "semicolon-delimited": (lambda root: (root / "data/search_runs.csv").write_text(
                                "\n".join(";".join(r) for r in read_rows(root / "data/search_runs.csv")) + "\n"),
                            "data/search_runs.csv, row 1: the header is separated by semicolons; fields must be separated by commas"),
    "trailing spaces in an id": (lambda root: set_cell(root, "quality_appraisal.csv", 3, "study_id", "byrne2019 "),
                                 "data/quality_appraisal.csv, row 3, column \"study_id\": 'byrne2019 ' has leading or trailing spaces"),
    "empty file": (lambda root: (root / "data/figure_checks.csv").write_text(""),
                   "data/figure_checks.csv: file is empty: it needs at least the header row"),
    "missing file": (lambda root: (root / "data/themes.csv").unlink(),
                     "data/themes.csv: file is missing (datapackage.json lists it)"),
    "value with no source": (lambda root: set_cell(root, "studies.csv", 2, "methods_source", ""),
                             'data/studies.csv, row 2, column "methods_source": a value is required'),
    "empty value that does not say why": (lambda root: set_cell(root, "studies.csv", 2, "data_analysis", ""),
                                          'data/studies.csv, row 2, column "data_analysis": is empty, so data_analysis_source must say why'),
    "source of unknown kind": (lambda root: set_cell(root, "studies.csv", 3, "setting_source", "I remember it"),
                               'data/studies.csv, row 3, column "setting_source": source must start with one of'),
    "PRISMA arithmetic": (lambda root: edit_rows(root, "search_databases.csv", lambda r: [r[0]] + [x[:3] + ["1", "extraction: test"] for x in r[1:]]),
                          "data/prisma_flow.csv, row 2, column \"count\": run '2023': records identified (10491) differ from the sum over data/search_databases.csv (8)"),
    "study without a main report": (lambda root: set_cell(root, "reports.csv", 2, "role", "additional"),
                                    "needs exactly one report with role 'main' in data/reports.csv"),
    "subtheme under a subtheme": (lambda root: set_cell(root, "themes.csv", 5, "parent_theme_id", "role-clarity"),
                                  "data/themes.csv, row 5, column \"parent_theme_id\": 'role-clarity' is a subtheme"),
    "blank row": (lambda root: (root / "data/search_runs.csv").write_text((root / "data/search_runs.csv").read_text() + ",,,,,,,\n"),
                  "data/search_runs.csv, row 3: blank row"),
    "row with too many fields": (lambda root: (root / "data/search_runs.csv").write_text((root / "data/search_runs.csv").read_text() + "x,y\n"),
                                 "data/search_runs.csv, row 3: has 2 fields but the header has 8"),
    "bad year-month": (lambda root: set_cell(root, "search_runs.csv", 2, "date_end", "2023-13"),
                       "data/search_runs.csv, row 2, column \"date_end\": '2023-13' is not a year and month written YYYY-MM"),
    "unknown figure in a check": (lambda root: set_cell(root, "figure_checks.csv", 2, "expression", "studies_australia + studies_mars"),
                                  "data/figure_checks.csv, row 2, column \"expression\": 'studies_mars' is not a figure_id"),
    "broken bibliography": (lambda root: (root / "references.bib").write_text("@article{broken,\n  title = {unclosed\n"),
                            "references.bib"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_variant_is_reported(project_copy, name):
    before = {p.name: p.read_bytes() for p in (ROOT / "data").iterdir()}
    breaks, expected = BROKEN[name]
    breaks(project_copy)
    with pytest.raises(DataError) as caught:
        load(project_copy)
    assert expected in str(caught.value), str(caught.value)
    assert {p.name: p.read_bytes() for p in (ROOT / "data").iterdir()} == before  # only the copy was touched


@pytest.mark.parametrize("name", ["wrong type", "missing file", "semicolon-delimited"])
def test_validate_command_exits_non_zero_with_the_message(project_copy, name):
    breaks, expected = BROKEN[name]
    breaks(project_copy)
    result = validate_cli(project_copy)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "nothing was built" in result.stderr


def test_every_problem_is_listed_at_once(project_copy):
    BROKEN["wrong type"][0](project_copy)
    BROKEN["value outside an enumeration"][0](project_copy)
    BROKEN["byte order mark"][0](project_copy)
    with pytest.raises(DataError) as caught:
        load(project_copy)
    assert len(caught.value.problems) == 3
    for name in ("wrong type", "byte order mark"):
        assert BROKEN[name][1] in str(caught.value)
