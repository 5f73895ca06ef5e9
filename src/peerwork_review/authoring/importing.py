"""Read an authoring workbook back into ``data/``, all files or none.

The sheets are written as CSV into a temporary copy of the project and checked there by
:func:`peerwork_review.reading.load.read_and_validate`, the very rules of ``make validate``;
each problem is reported with its sheet, row and column. Only a valid workbook reaches
``data/``: every changed file is written aside first, then renamed into place. The CSV
dialect is the shipped files' (comma, ``\\n``, UTF-8 without BOM, minimal quoting), so a
workbook imported without edits changes no byte.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

from peerwork_review import paths
from peerwork_review.authoring import references as workbook_references
from peerwork_review.authoring.changes import describe_changes
from peerwork_review.authoring.sheets import read_sheet
from peerwork_review.authoring.workbook import SheetLayout, is_number_field, layouts, read_csv_rows
from peerwork_review.errors import DataError, Problem
from peerwork_review.reading.load import read_and_validate, read_descriptor

SAVE_AS = (
    "open it in LibreOffice Calc or Excel and save it as an Excel workbook (.xlsx): in LibreOffice, "
    "File > Save As, file type 'Excel 2007-365 (.xlsx)'; in Excel, File > Save As, 'Excel Workbook (*.xlsx)'"
)
# A workbook that unpacks to more than this is no edit of this review's data (a packed bomb).
MAX_UNPACKED = 100 * 2**20


class WorkbookError(Exception):
    """A file that cannot be read as the authoring workbook; the message says what to do."""


@dataclass
class SheetData:
    """One data sheet as CSV rows, with the sheet row of every CSV row."""

    layout: SheetLayout
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    sheet_rows: list[int] = field(default_factory=list)  # sheet_rows[i] is CSV row i + 2


def open_workbook(path: Path):
    """The workbook at ``path``, or one :class:`WorkbookError` saying why it cannot be read."""
    if not path.is_file():
        raise WorkbookError(f"{path}: no such file")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise WorkbookError(f"{path.name} is an old-style Excel .xls file; {SAVE_AS}.")
    if not zipfile.is_zipfile(path):
        raise WorkbookError(
            f"{path.name} is not a spreadsheet workbook (.xlsx). Give the workbook that "
            "`make workbook` wrote, after editing and saving it as .xlsx."
        )
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
            raise WorkbookError(
                f"{path.name} unpacks to more than {MAX_UNPACKED // 2**20} MB, far more than this review's data; "
                "give the workbook `make workbook` wrote, after editing it"
            )
        if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
            raise WorkbookError(f"{path.name} is an OpenDocument spreadsheet (.ods); {SAVE_AS}.")
        if "xl/workbook.xml" not in names:
            raise WorkbookError(f"{path.name} is a zip file but not an .xlsx workbook; {SAVE_AS}.")
    try:
        return load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise WorkbookError(f"{path.name} cannot be read as an .xlsx workbook ({exc}); {SAVE_AS}.") from None


def read_data_sheets(wb, descriptor: dict, data: Path) -> tuple[list[SheetData], list[Problem]]:
    sheets, problems = [], []
    for lay in layouts(descriptor):
        if lay.sheet not in wb.sheetnames:
            problems.append(
                Problem(
                    f"sheet '{lay.sheet}'",
                    None,
                    None,
                    f"the sheet is missing (it holds {lay.file}); "
                    "use the workbook `make workbook` wrote and keep its sheet names",
                )
            )
            continue
        numbers = {c["name"] for c in lay.columns if is_number_field(c)}
        header, rows, found = read_sheet(wb[lay.sheet], lay.columns, numbers.__contains__)
        problems += found
        if found:
            continue
        existing = read_csv_rows(data / lay.resource["path"])
        # The file's own column order, so that an unchanged sheet gives back the same bytes.
        order = (
            existing[0]
            if existing and sorted(existing[0]) == sorted(header)
            else [f["name"] for f in lay.resource["schema"]["fields"]]
        )
        sheet = SheetData(lay, order)
        for sheet_row, texts in rows:
            sheet.rows.append([texts[header.index(name)] for name in order])
            sheet.sheet_rows.append(sheet_row)
        sheets.append(sheet)
    return sheets, problems


def read_new_references(wb, bib_text: str) -> tuple[dict[str, int], list[Problem]]:
    """BibTeX entries from the sheet 'new references' (absent sheet: none) that references.bib does not hold
    yet, each with its sheet row."""
    if workbook_references.SHEET not in wb.sheetnames:
        return {}, []
    columns = [{"name": h} for h in workbook_references.COLUMNS]
    numbers_ok = {"year", "volume", "issue", "pages"}.__contains__
    header, rows, problems = read_sheet(wb[workbook_references.SHEET], columns, numbers_ok)
    if problems:
        return {}, problems
    values = [(row, dict(zip(header, texts))) for row, texts in rows]
    existing = workbook_references.parsed(bib_text)
    problems = workbook_references.check(values, existing)
    new = {workbook_references.entry(v): row for row, v in values if v["key"] not in existing}
    return ({} if problems else new), problems


def to_csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue().encode("utf-8")


def locate(problem: Problem, sheets: list[SheetData], references: dict[range, int]) -> Problem:
    """A validator problem (file and CSV row, or bibliography line) as the sheet and row the author sees."""
    if problem.file == "references.bib":
        row = next((r for lines, r in references.items() if problem.row in lines), None)
        if row is not None:
            message = _name_sheets(problem.message, sheets)
            return Problem(f"sheet '{workbook_references.SHEET}'", row, problem.column, message, problem.fix)
    for sheet in sheets:
        if problem.file == sheet.layout.file:
            row = problem.row
            if row is not None and 2 <= row < len(sheet.sheet_rows) + 2:
                row = sheet.sheet_rows[row - 2]
            return Problem(
                f"sheet '{sheet.layout.sheet}'", row, problem.column, _name_sheets(problem.message, sheets), problem.fix
            )
    return Problem(problem.file, problem.row, problem.column, _name_sheets(problem.message, sheets), problem.fix)


def _name_sheets(message: str, sheets: list[SheetData]) -> str:
    for sheet in sheets:
        message = message.replace(sheet.layout.file, f"sheet '{sheet.layout.sheet}'")
    if message.endswith("is not a key in references.bib"):
        message += f"; give its entry on sheet '{workbook_references.SHEET}'"
    return message


def import_workbook(root: Path, path: Path, write: bool = True) -> list[str]:
    """Validate ``path`` and write it into ``root``'s data/; the lines describing what changed.

    Raises :class:`WorkbookError` or :class:`DataError` (nothing written) when it is not valid.
    With ``write=False`` it only says what an import would change.
    """
    data, bib_path = paths.data_dir(root), paths.bibliography(root)
    descriptor = read_descriptor(data)
    wb = open_workbook(path)
    sheets, problems = read_data_sheets(wb, descriptor, data)
    bib_text = bib_path.read_text(encoding="utf-8")
    entries, found = read_new_references(wb, bib_text)
    if problems or found:
        raise DataError(problems + found)
    new_files = {sheet.layout.resource["path"]: to_csv(sheet.header, sheet.rows) for sheet in sheets}
    new_bib = workbook_references.appended(bib_text, list(entries))
    # the lines of references.bib each new entry will take -> its row on the sheet
    references = {}
    for text, row in entries.items():
        first = new_bib[: new_bib.index(text)].count("\n") + 1
        references[range(first, first + text.count("\n") + 1)] = row
    old = {name: (data / name).read_bytes() if (data / name).is_file() else b"" for name in new_files}
    files = {data / name: content for name, content in new_files.items()}
    if new_bib != bib_text:
        files[bib_path] = new_bib.encode("utf-8")
    write_if_valid(root, files, lambda problem: locate(problem, sheets, references), write)
    return describe_changes(descriptor, old, new_files, list(entries))


def write_if_valid(root: Path, files: dict[Path, bytes], locate: Callable[[Problem], Problem], write: bool) -> None:
    """Check the project with ``files`` (in data/, or references.bib) in place of its own, in a copy, by every rule
    of ``make validate``: a DataError lists each problem as ``locate`` tells it. Then, if ``write``, write the
    files that changed: every one aside first, only then renamed into place, so a failure leaves data/ as it was."""
    with tempfile.TemporaryDirectory(prefix="peerwork-import-") as tmp:
        copy = Path(tmp)
        shutil.copytree(paths.data_dir(root), paths.data_dir(copy))
        shutil.copy2(paths.bibliography(root), paths.bibliography(copy))
        for path, content in files.items():
            (copy / path.relative_to(root)).write_bytes(content)
        try:
            read_and_validate(copy)
        except DataError as exc:
            raise DataError([locate(p) for p in exc.problems]) from None
    if not write:
        return
    files = {path: content for path, content in files.items() if not path.is_file() or path.read_bytes() != content}
    written = []
    try:
        for target, content in files.items():
            aside = target.with_name(f".{target.name}.import-tmp")
            aside.write_bytes(content)
            written.append((aside, target))
    except OSError:
        for aside, _ in written:
            aside.unlink(missing_ok=True)
        raise
    for aside, target in written:
        aside.replace(target)
