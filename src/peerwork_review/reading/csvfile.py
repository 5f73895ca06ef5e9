"""One CSV file of the package: its bytes, header and rows, each cell typed by its field."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from peerwork_review.errors import Problem
from peerwork_review.reading import cells
from peerwork_review.reading.descriptor import Resource
from peerwork_review.reading.fields import CellError, FieldSpec
from peerwork_review.reading.textfile import FileProblems, read_text


class _Invalid:
    def __repr__(self) -> str:
        return "<invalid>"


# Stands in for a cell that failed its own check, so that later checks neither treat it
# as empty nor report it again.
INVALID = _Invalid()


@dataclass
class Table(FileProblems):
    """One CSV file after parsing: typed records plus the row number of each, and the problems found in it."""

    name: str
    fields: list[dict]  # the descriptor's field objects, in order
    specs: list[FieldSpec] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    readable: bool = False
    invalid: set[str] = field(default_factory=set)  # columns holding at least one INVALID cell
    # A link that does not match its pattern, with the text typed: the foreign-key check
    # knows the values it could have meant and adds them to the problem.
    deferred: list[tuple[Problem, str]] = field(default_factory=list)

    def items(self):
        return zip(self.records, self.rows)


def rows_text(rows: list[int]) -> str:
    if len(rows) == 1:
        return f"row {rows[0]}"
    if len(rows) <= 10:
        return f"rows {', '.join(map(str, rows[:-1]))} and {rows[-1]}"
    return f"rows {', '.join(map(str, rows[:10]))} and {len(rows) - 10} more"


def _read_rows(text: str, table: Table) -> list[list[str]]:
    """The rows of the file; none, with the problem reported, if it is cut off or not valid CSV."""
    if "\n" not in text:  # saved with old Mac line endings (Excel's "CSV (Macintosh)")
        text = text.replace("\r", "\n")
    if not text.endswith("\n"):
        last = text.count("\n") + 1
        why = "the file does not end with a line break, so it may have been cut off"
        table.problem(last, None, why, f"check that row {last} is complete, then end it with a line break and save")
        return []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        return list(reader)
    except csv.Error as exc:
        why, fix = f"the file is not valid CSV: {exc}", "a cell that starts with a double quote must end with one"
        table.problem(reader.line_num, None, why, fix)
        return []


def _check_header(header: list[str], names: list[str], table: Table) -> None:
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        sep = "semicolons" if ";" in header[0] else "tabs"
        return table.problem(1, None, f"the header is separated by {sep}", "fields must be separated by commas")
    for name in header:
        if name != name.strip():
            table.problem(1, name.strip(), "column name has leading or trailing spaces", "delete them")
        elif name not in names:
            meant = cells.closest(name, names)
            fix = f"did you mean {meant!r}?" if meant else None
            table.problem(1, name, "unexpected column (not in datapackage.json)", fix)
    for name in names:
        if name not in [h.strip() for h in header]:
            table.problem(1, name, "missing column")
    for name in sorted({h for h in header if header.count(h) > 1}):
        table.problem(1, name, "column appears twice")


_WHAT = {
    "yearmonth": "a year and month (YYYY-MM)",
    "date": "a date (YYYY-MM-DD)",
    "integer": "a whole number",
    "number": "a number",
    "year": "a year",
    "boolean": "a yes/no value",
}


def _spreadsheet_dates(table: Table, spec: FieldSpec, found: list[tuple[int, str]]) -> None:
    rows = [row for row, _ in found]
    examples = list(dict.fromkeys(value for _, value in found))[:3]
    guesses = [(v, g) for v in examples if (g := cells.guess_yearmonth(v))]
    hint = f"; {guesses[0][0]!r} was probably {guesses[0][1]!r}" if guesses else ""
    table.problem(
        rows[0],
        spec.name,
        f"{rows_text(rows)} hold{'s' if len(rows) == 1 else ''} dates ({', '.join(map(repr, examples))}) where "
        f"{_WHAT.get(spec.type, 'an identifier or code')} belongs: a spreadsheet program turned what was typed into dates{hint}",
        "format the column as Text (select it, Format Cells, Text), type the values again and save as CSV",
    )


MISSING = "file is missing (datapackage.json lists it)"


def read_table(data: Path, resource: Resource) -> Table:
    """The file's typed records; its problems are in ``table.problems``, and an unreadable file is not ``readable``."""
    table = Table(resource.file, resource.name, resource.raw["schema"]["fields"], resource.fields)
    text = read_text(data / resource.path, table, MISSING, "datapackage.json lists it as a CSV file")
    if text is not None and not text.strip():
        table.problem(None, None, "file is empty: it needs at least the header row")
        text = None
    lines = _read_rows(text, table) if text is not None else []
    if not lines:
        return table
    header, body = lines[0], lines[1:]
    specs = {spec.name: spec for spec in resource.fields}
    _check_header(header, list(specs), table)
    if table.problems:
        return table
    columns = [(name, specs[name]) for name in header]
    links = {fk.fields[0] for fk in resource.foreign_keys if len(fk.fields) == 1}
    dates: dict[str, list[tuple[int, str]]] = {}
    for row, values in enumerate(body, start=2):
        if not any(v.strip() for v in values):
            table.problem(row, None, "blank row", "delete it")
        elif len(values) != len(header):
            why = f"has {len(values)} fields but the header has {len(header)}"
            table.problem(row, None, why, "check for a missing or extra comma, or a cell that should be in quotes")
        else:
            table.records.append(_record(table, row, columns, values, links, dates))
            table.rows.append(row)
    for name, found in dates.items():
        _spreadsheet_dates(table, specs[name], found)
    table.readable = True
    return table


def _record(table: Table, row: int, columns: list, values: list[str], links: set, dates: dict) -> dict:
    """One row's cells, each typed by its field; a cell that fails its check is INVALID, and reported."""
    record = {}
    for (name, spec), value in zip(columns, values):
        try:
            record[name] = spec.read(value)
        except CellError as error:
            record[name] = INVALID
            table.invalid.add(name)
            if error.spreadsheet_date:
                dates.setdefault(name, []).append((row, value))
            elif error.pattern and name in links:
                table.deferred.append((Problem(table.file, row, name, error.message, error.fix), value))
            else:
                table.problem(row, name, error.message, error.fix)
    return record
