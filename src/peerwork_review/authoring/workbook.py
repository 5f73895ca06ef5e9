"""Write the authoring workbook: the data as an .xlsx file that authors edit with drop-downs.

Everything is derived from ``data/datapackage.json`` and the current CSV files, so a new
resource or field appears without a code change: one sheet per resource (header in row
1, so a row number means the same in the sheet and in the CSV file), drop-down lists for
every enumeration and every single-field foreign key, text format for every column that
is not a number (ids and YYYY-MM dates then stay as typed), each field's description as
its header's note, and each ``..._source`` column beside the value it covers.
``peerwork_review.authoring.importing`` reads the file back.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from peerwork_review import paths
from peerwork_review.authoring import guides as workbook_guides
from peerwork_review.authoring import references as workbook_references
from peerwork_review.reading.load import read_descriptor

# The order an author fills the tables in; every other resource follows, as listed in
# datapackage.json.
AUTHOR_ORDER = (
    "search_runs",
    "search_databases",
    "prisma_flow",
    "studies",
    "study_countries",
    "quality_appraisal",
    "reports",
    "findings",
    "finding_reports",
    "withdrawals",
    "corrections",
)
GUIDE_SHEET = "read me"
LISTS_SHEET = "_lists"
EXTRA_ROWS = 500  # rows below the data that get drop-downs, for rows the author adds
MAX_WIDTH, MIN_WIDTH = 60, 10
TEXT, NUMBER = "@", "0"


@dataclass
class SheetLayout:
    """Where one resource lives in the workbook."""

    resource: dict
    sheet: str
    columns: list[dict]  # the resource's fields, in the sheet's order

    @property
    def file(self) -> str:
        return f"data/{self.resource['path']}"

    def letter(self, name: str) -> str:
        return get_column_letter([c["name"] for c in self.columns].index(name) + 1)


def primary_key(resource: dict) -> list[str]:
    key = resource["schema"].get("primaryKey", [])
    return [key] if isinstance(key, str) else key


def column_order(fields: list[dict]) -> list[dict]:
    """Fields in descriptor order, each ``..._source`` moved just after the last field it covers.

    A row-wide ``source`` column stays where it is.
    """
    names = [f["name"] for f in fields]
    covers = {}
    for f in fields:
        if f.get("provenance", "").endswith("_source") and f["provenance"] in names:
            covers[f["provenance"]] = f["name"]  # the last field that cites it wins
    placed = [f for f in fields if f["name"] not in covers]
    for source, last in covers.items():
        spec = fields[names.index(source)]
        placed.insert([p["name"] for p in placed].index(last) + 1, spec)
    return placed


def layouts(descriptor: dict) -> list[SheetLayout]:
    resources = descriptor["resources"]
    rank = {name: i for i, name in enumerate(AUTHOR_ORDER)}
    ordered = sorted(resources, key=lambda r: (rank.get(r["name"], len(rank)), resources.index(r)))
    # 31 characters: the longest sheet name spreadsheet programs accept
    return [SheetLayout(r, r["name"][:31], column_order(r["schema"]["fields"])) for r in ordered]


def read_csv_rows(path: Path) -> list[list[str]]:
    """A CSV file's rows as text, header first; [] for a missing file."""
    if not path.is_file():
        return []
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def is_number_field(spec: dict) -> bool:
    return spec["type"] in ("integer", "number")


def note(spec: dict, layout: SheetLayout, targets: dict[str, tuple[str, str]]) -> str:
    """The header's note: the description from datapackage.json plus how to fill the cell in."""
    constraints = spec.get("constraints", {})
    parts = [spec.get("description", "")]
    if "enum" in constraints:
        parts.append("Pick a value from the drop-down list.")
    elif spec["name"] in targets:
        sheet, column = targets[spec["name"]]
        parts.append(
            f"Pick a {column} from the drop-down list (the {column} column of sheet '{sheet}'; add it there first)."
        )
    if spec["type"] == "yearmonth":
        parts.append("Write year and month as YYYY-MM, for example 2026-05.")
    elif spec["type"] == "integer":
        parts.append("A whole number, digits only.")
    elif is_number_field(spec):
        parts.append("A number.")
    if constraints.get("required"):
        parts.append("Required.")
    elif spec.get("provenance") in [c["name"] for c in layout.columns]:
        parts.append(f"May be empty; {spec['provenance']} then says why.")
    else:
        parts.append("May be empty.")
    return "\n".join(p for p in parts if p)


def _style_header(ws, widths: list[int], notes: list[str]) -> None:
    fill = PatternFill("solid", fgColor="DDE7F0")
    for index, (width, text) in enumerate(zip(widths, notes), start=1):
        cell = ws.cell(row=1, column=index)
        cell.font, cell.fill = Font(bold=True), fill
        cell.alignment = Alignment(vertical="top")
        if text:
            cell.comment = Comment(
                text, "peerwork-review", width=320, height=40 + 16 * (len(text) // 45 + text.count("\n"))
            )
        ws.column_dimensions[cell.column_letter].width = width


def _width(texts) -> int:
    longest = max((len(line) for text in texts for line in str(text).split("\n")), default=0)
    return max(MIN_WIDTH, min(MAX_WIDTH, longest + 2))


def _write_table(ws, columns: list[dict], header: list[str], rows: list[list[str]], notes: list[str]) -> int:
    """Write the rows under the header; returns the last row that gets formats and drop-downs."""
    last = len(rows) + 1 + EXTRA_ROWS
    widths = []
    for index, spec in enumerate(columns, start=1):
        name = spec["name"]
        values = [r[header.index(name)] if name in header and header.index(name) < len(r) else "" for r in rows]
        number = is_number_field(spec)
        letter = ws.cell(row=1, column=index, value=name).column_letter
        # The column's own format is what a newly typed cell takes (LibreOffice and Excel alike).
        ws.column_dimensions[letter].number_format = NUMBER if number else TEXT
        for row, value in enumerate(values, start=2):
            cell = ws.cell(row=row, column=index)
            # a number only when the text comes back identical ('007' stays text)
            cell.value = (
                int(value) if number and value.lstrip("-").isdigit() and str(int(value)) == value else value or None
            )
            cell.number_format = NUMBER if number and isinstance(cell.value, int) else TEXT
        widths.append(_width([name, *values]))
    _style_header(ws, widths, notes)
    return last


def _add_lists(wb, layouts_: list[SheetLayout]) -> dict[tuple[str, str], str]:
    """Hidden sheet with one column per enumeration; returns (resource, field) -> range formula."""
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    ranges = {}
    enums = [
        (lay.resource["name"], spec["name"], spec["constraints"]["enum"])
        for lay in layouts_
        for spec in lay.columns
        if "enum" in spec.get("constraints", {})
    ]
    enums.append((workbook_references.SHEET, "entry type", list(workbook_references.ENTRY_TYPES)))
    for index, (resource, field, values) in enumerate(enums, start=1):
        letter = get_column_letter(index)
        ws.cell(row=1, column=index, value=f"{resource}.{field}")
        for row, value in enumerate(values, start=2):
            ws.cell(row=row, column=index, value=value).number_format = TEXT
        ranges[(resource, field)] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _validation(ws, letter: str, last: int, formula: str, strict: bool, message: str) -> None:
    dv = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showDropDown=False,
        showErrorMessage=True,
        errorStyle="stop" if strict else "warning",
        error=message,
        errorTitle="Not in the list",
    )
    ws.add_data_validation(dv)
    dv.add(f"{letter}2:{letter}{last}")


def foreign_targets(layout: SheetLayout, by_name: dict[str, SheetLayout]) -> dict[str, tuple[SheetLayout, str]]:
    """field -> (layout of the referenced sheet, referenced field), for single-field foreign keys.

    A composite key has no one list to pick from; the validator checks it.
    """
    targets = {}
    for fk in layout.resource["schema"].get("foreignKeys", []):
        target = by_name.get(fk["reference"]["resource"] or layout.resource["name"])
        if len(fk["fields"]) == 1 and target is not None:
            targets[fk["fields"][0]] = (target, fk["reference"]["fields"][0])
    return targets


def build_workbook(root: Path) -> Workbook:
    """The workbook for the project at ``root`` (not yet saved)."""
    data = paths.data_dir(root)
    descriptor = read_descriptor(data)
    sheets = layouts(descriptor)
    by_name = {lay.resource["name"]: lay for lay in sheets}
    csv_of = {lay.sheet: read_csv_rows(data / lay.resource["path"]) for lay in sheets}
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the empty sheet a new workbook starts with
    guide = wb.create_sheet(GUIDE_SHEET)
    enum_ranges = _add_lists(wb, sheets)
    for lay in sheets:
        if lay.resource["name"] == "prisma_flow":
            workbook_guides.add_guide(wb, lay)
        ws = wb.create_sheet(lay.sheet, index=len(wb.sheetnames) - 1)  # the hidden lists stay last
        rows = csv_of[lay.sheet]
        header, body = (rows[0], rows[1:]) if rows else ([c["name"] for c in lay.columns], [])
        targets = foreign_targets(lay, by_name)
        notes = [note(spec, lay, {k: (t.sheet, f) for k, (t, f) in targets.items()}) for spec in lay.columns]
        last = _write_table(ws, lay.columns, header, body, notes)
        ws.freeze_panes = "B2" if lay.columns[0]["name"] in primary_key(lay.resource) else "A2"
        for name in (c["name"] for c in lay.columns):
            if formula := enum_ranges.get((lay.resource["name"], name)):
                _validation(
                    ws, lay.letter(name), last, formula, True, f"Pick one of the values in the list for {name}."
                )
        for name, (target, field) in targets.items():
            end = len(csv_of[target.sheet]) + EXTRA_ROWS
            formula = f"'{target.sheet}'!${target.letter(field)}$2:${target.letter(field)}${end}"
            why = f"This {field} is not on sheet '{target.sheet}' yet. Add it there first, or check the spelling."
            _validation(ws, lay.letter(name), last, formula, False, why)
        if lay.resource["name"] == "reports":
            _add_references_sheet(wb, enum_ranges)
    if workbook_references.SHEET not in wb.sheetnames:
        _add_references_sheet(wb, enum_ranges)
    workbook_guides.write_read_me(guide, descriptor, sheets)
    _no_formulas(wb)
    return wb


def _no_formulas(wb) -> None:
    """Every cell is written as the text it holds: openpyxl would write text that starts with
    '=' as a live formula (a link that leaks the row, a command), whatever the data say."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def _add_references_sheet(wb, enum_ranges) -> None:
    ws = wb.create_sheet(workbook_references.SHEET, index=len(wb.sheetnames) - 1)
    headers = list(workbook_references.COLUMNS)
    columns = [{"name": h, "type": "string"} for h in headers]
    notes = [workbook_references.COLUMNS[h][0] for h in headers]
    last = _write_table(ws, columns, headers, [], notes)
    for index, header in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = 14 if header != "title" else 40
    ws.freeze_panes = "B2"
    _validation(
        ws, "B", last, enum_ranges[(workbook_references.SHEET, "entry type")], True, "Pick an entry type from the list."
    )


def write_workbook(root: Path, out: Path) -> Path:
    """Save the workbook to ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    build_workbook(root).save(buffer)
    paths.write_whole(out, buffer.getvalue())
    return out


def default_path(root: Path) -> Path:
    return root / "artifacts" / "peerwork-review-data.xlsx"
