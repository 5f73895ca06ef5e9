"""One sheet of the authoring workbook read back as CSV text: every cell as the text it stands
for, or a problem naming its sheet, row and column (a formula, a date, a number where text
belongs, an error value, a merged range, a stray cell, a header that does not match)."""

from __future__ import annotations

import datetime
import re

from peerwork_review.errors import Problem

AS_TEXT = "format the column as Text (Format > Cells > Text) and type the value again"
_SURROGATE = re.compile("[\ud800-\udfff]")


# Far above any review's data, so that a stray cell at row 1,048,576 is refused at once
# instead of taking minutes and gigabytes to read.
MAX_ROWS, MAX_COLUMNS = 100_000, 100


def _unfit(cell, number_ok: bool) -> str | None:
    """Why no CSV text can come from the cell's value, or None."""
    value = cell.value
    if cell.data_type == "f":
        return f"holds a formula ({value}); type the value itself"
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        shown = value.strftime("%Y-%m-%d") if hasattr(value, "year") else str(value)
        return (
            f"holds a date ({shown}) where text belongs: the spreadsheet program turned what was typed "
            f"into a date; {AS_TEXT} (a month is written YYYY-MM, for example 2026-05)"
        )
    if cell.data_type == "e":
        return f"holds an error value ({value}); type the value itself"
    if isinstance(value, bool):
        return f"holds a true/false value ({value}); {AS_TEXT}"
    if isinstance(value, (int, float)) and not number_ok:
        return (
            f"holds a number ({value}) where text belongs: ids and codes are text, "
            f"so that no program changes them; {AS_TEXT}"
        )
    if value is not None and _SURROGATE.search(str(value)):
        return "holds half of a character (an unpaired surrogate); retype the cell"
    return None


def cell_text(cell, number_ok: bool, where: tuple[str, int, str]) -> tuple[str, Problem | None]:
    """The cell as the CSV text it stands for, or a problem for a value no CSV text can come from."""
    if why := _unfit(cell, number_ok):
        return "", Problem(*where, why)
    value = cell.value
    if isinstance(value, (int, float)):
        return (str(int(value)) if float(value).is_integer() else repr(value)), None
    return ("" if value is None else str(value)), None


def read_sheet(ws, columns: list[dict], number_ok) -> tuple[list[str], list[tuple[int, list[str]]], list[Problem]]:
    """Header and non-blank rows of a sheet whose columns are ``columns``; problems with its layout."""
    where = f"sheet '{ws.title}'"
    if ws.max_row > MAX_ROWS or ws.max_column > MAX_COLUMNS:
        end = f"{ws.cell(row=1, column=ws.max_column).column_letter}{ws.max_row}"
        reach = f"its cells reach {end}, more than {MAX_ROWS:,} rows or {MAX_COLUMNS} columns"
        return [], [], [Problem(where, None, None, reach, "delete the stray cells below and to the right of the table")]
    problems = [
        Problem(where, None, None, f"cells {r} are merged; unmerge them (Format > Merge and Unmerge Cells)")
        for r in ws.merged_cells.ranges
    ]
    header_cells = [c for c in next(ws.iter_rows(min_row=1, max_row=1), [])]
    while header_cells and header_cells[-1].value is None:
        header_cells.pop()
    header = ["" if c.value is None else str(c.value) for c in header_cells]
    expected = [c["name"] for c in columns]
    missing = [n for n in expected if n not in header]
    unexpected = [h for h in header if h not in expected]
    if len(missing) == 1 and len(unexpected) == 1:
        problems.append(
            Problem(
                where,
                1,
                unexpected[0],
                f"this header should be {missing[0]!r}: headers must keep their "
                "names, which the checker and datapackage.json use; rename it back",
            )
        )
    elif missing or unexpected:
        said = [
            f"missing {', '.join(map(repr, missing))}" if missing else "",
            f"unexpected {', '.join(map(repr, unexpected))}" if unexpected else "",
        ]
        problems.append(
            Problem(
                where,
                1,
                None,
                f"the header row does not match: {'; '.join(s for s in said if s)}. "
                f"The headers must be exactly: {', '.join(expected)}",
            )
        )
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        problems.append(Problem(where, 1, None, f"header(s) {', '.join(map(repr, duplicated))} appear twice"))
    if problems:
        return header, [], problems
    rows = []
    for cells in ws.iter_rows(min_row=2):
        texts = []
        for index, cell in enumerate(cells):
            name = header[index] if index < len(header) else None
            text, problem = cell_text(
                cell, name is not None and number_ok(name), (where, cell.row, name or cell.column_letter)
            )
            if problem:
                problems.append(problem)
            if name is None and (text or problem):
                problems.append(
                    Problem(
                        where,
                        cell.row,
                        cell.column_letter,
                        "a value outside the table (this column has no header); move or delete it",
                    )
                )
            texts.append(text)
        texts = texts[: len(header)] + [""] * (len(header) - len(texts))
        if any(texts):
            rows.append((cells[0].row, texts))
    return header, rows, problems
