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


class _Invalid:
    def __repr__(self) -> str:
        return "<invalid>"


# Stands in for a cell that failed its own check, so that later checks neither treat it
# as empty nor report it again.
INVALID = _Invalid()
MAX_CELL = 131_072  # the csv module's default field size limit: no value needs more


@dataclass
class Table:
    """One CSV file after parsing: typed records plus the row number of each."""

    name: str
    file: str
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


def _decode(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    if not raw.strip():
        return None, [Problem(file, None, None, "file is empty: it needs at least the header row")]
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, [
            Problem(file, 1, None, "file starts with a byte order mark (BOM)", "save it as UTF-8 without BOM")
        ]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(file, 1, None, "file is UTF-16 encoded", "save it as UTF-8")]
    if b"\x00" in raw:
        if raw.count(0) >= len(raw) // 3:  # UTF-16 text in the Latin alphabet: every other byte
            return None, [
                Problem(
                    file,
                    1,
                    None,
                    "file looks like UTF-16 without a byte order mark (every other byte is zero)",
                    "save it as UTF-8 ('CSV UTF-8' or 'Unicode (UTF-8)')",
                )
            ]
        line = raw[: raw.index(0)].count(b"\n") + 1
        return None, [
            Problem(
                file,
                line,
                None,
                "contains NUL bytes (invisible zero characters), so the file may be damaged",
                "retype the damaged cells and save the file again as UTF-8 CSV",
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.start + 1].hex()
        return None, [Problem(file, line, None, f"file is not valid UTF-8 (byte 0x{bad})", "save it as UTF-8")]
    text = text.replace("\r\n", "\n")
    if "\n" not in text:  # saved with old Mac line endings (Excel's "CSV (Macintosh)")
        text = text.replace("\r", "\n")
    if not text.endswith("\n"):
        last = text.count("\n") + 1
        return None, [
            Problem(
                file,
                last,
                None,
                "the file does not end with a line break, so it may have been cut off",
                f"check that row {last} is complete, then end it with a line break and save",
            )
        ]
    return text, []


def _check_header(header: list[str], names: list[str], file: str) -> list[Problem]:
    problems = []
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        sep = "semicolons" if ";" in header[0] else "tabs"
        return [Problem(file, 1, None, f"the header is separated by {sep}", "fields must be separated by commas")]
    for name in header:
        if name != name.strip():
            problems.append(Problem(file, 1, name.strip(), "column name has leading or trailing spaces", "delete them"))
        elif name not in names:
            meant = cells.closest(name, names)
            problems.append(
                Problem(
                    file,
                    1,
                    name,
                    "unexpected column (not in datapackage.json)",
                    f"did you mean {meant!r}?" if meant else None,
                )
            )
    stripped = [h.strip() for h in header]
    for name in names:
        if name not in stripped:
            problems.append(Problem(file, 1, name, "missing column"))
    for name in sorted({h for h in header if header.count(h) > 1}):
        problems.append(Problem(file, 1, name, "column appears twice"))
    return problems


_WHAT = {
    "yearmonth": "a year and month (YYYY-MM)",
    "date": "a date (YYYY-MM-DD)",
    "integer": "a whole number",
    "number": "a number",
    "year": "a year",
    "boolean": "a yes/no value",
}


def _spreadsheet_dates(file: str, spec: FieldSpec, found: list[tuple[int, str]]) -> Problem:
    rows = [row for row, _ in found]
    examples = list(dict.fromkeys(value for _, value in found))[:3]
    guesses = [(v, g) for v in examples if (g := cells.guess_yearmonth(v))]
    hint = f"; {guesses[0][0]!r} was probably {guesses[0][1]!r}" if guesses else ""
    what = _WHAT.get(spec.type, "an identifier or code")
    return Problem(
        file,
        rows[0],
        spec.name,
        f"{rows_text(rows)} hold{'s' if len(rows) == 1 else ''} dates ({', '.join(map(repr, examples))}) where "
        f"{what} belongs: a spreadsheet program turned what was typed into dates{hint}",
        "format the column as Text (select it, Format Cells, Text), type the values again and save as CSV",
    )


def read_table(data: Path, resource: Resource) -> tuple[Table, list[Problem]]:
    file = resource.file
    table = Table(resource.name, file, [spec for spec in resource.raw["schema"]["fields"]], resource.fields)
    path = data / resource.path
    if path.is_dir():
        return table, [Problem(file, None, None, "is a folder, not a file", "datapackage.json lists it as a CSV file")]
    if not path.is_file():
        return table, [Problem(file, None, None, "file is missing (datapackage.json lists it)")]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return table, [Problem(file, None, None, f"cannot be read: {exc.strerror}")]
    text, problems = _decode(raw, file)
    if text is None:
        return table, problems
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        lines = list(reader)
        # csv's own limit is the process's: a library loaded beside this one (frictionless) raises it
        row = next((n for n, line in enumerate(lines, start=1) if any(len(cell) > MAX_CELL for cell in line)), None)
    except csv.Error as exc:
        row = reader.line_num if "field larger than field limit" in str(exc) else None
        if row is None:
            return table, [
                Problem(
                    file,
                    reader.line_num,
                    None,
                    f"the file is not valid CSV: {exc}",
                    "a cell that starts with a double quote must end with one",
                )
            ]
    if row is not None:
        return table, [
            Problem(
                file,
                row,
                None,
                f"a cell is longer than {MAX_CELL:,} characters, more than any value needs",
                "a quote may have been left open, taking in the rows below it",
            )
        ]
    header, body = lines[0], lines[1:]
    specs = {spec.name: spec for spec in resource.fields}
    problems = _check_header(header, list(specs), file)
    if problems:
        return table, problems
    columns = [(name, specs[name]) for name in header]
    links = {fk.fields[0] for fk in resource.foreign_keys if len(fk.fields) == 1}
    dates: dict[str, list[tuple[int, str]]] = {}
    for index, values in enumerate(body):
        row = index + 2
        if not any(v.strip() for v in values):
            problems.append(Problem(file, row, None, "blank row", "delete it"))
            continue
        if len(values) != len(header):
            problems.append(
                Problem(
                    file,
                    row,
                    None,
                    f"has {len(values)} fields but the header has {len(header)}",
                    "check for a missing or extra comma, or a cell that should be in quotes",
                )
            )
            continue
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
                    table.deferred.append((Problem(file, row, name, error.message, error.fix), value))
                else:
                    problems.append(Problem(file, row, name, error.message, error.fix))
        table.records.append(record)
        table.rows.append(row)
    problems += [_spreadsheet_dates(file, specs[name], found) for name, found in dates.items()]
    table.readable = True
    return table, problems
