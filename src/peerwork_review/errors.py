"""The one error type that bad input raises."""

from __future__ import annotations

import sys
from dataclasses import dataclass

RECORD_FILES = (".ris", ".nbib", ".txt", ".medline")  # search exports: a problem's row is a record's number


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data: where it is, what is wrong and, where obvious, how to fix it."""

    file: str
    row: int | None  # CSV: spreadsheet row (the header is row 1); other files: line number
    column: str | None  # CSV column, or the bibliography field
    message: str
    fix: str | None = None

    def __str__(self) -> str:
        # Tables (CSV files, workbook sheets) have rows and columns; search exports records; text files lines and fields.
        table = not self.file.endswith((".bib", ".json"))
        unit = "record" if self.file.endswith(RECORD_FILES) else "row" if table else "line"
        where = [self.file]
        if self.row is not None:
            where.append(f"{unit} {self.row}")
        if self.column is not None:
            where.append(f'{"column" if table else "field"} "{self.column}"')
        text = f"{', '.join(where)}: {self.message}"
        return f"{text}; {self.fix}" if self.fix else text

    @property
    def sort_key(self) -> tuple:
        return (self.file, self.row or 0, self.column or "", self.message, self.fix or "")


class DataError(Exception):
    """Raised once with every problem found, so an author can fix them all in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: p.sort_key)
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} in the data:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


def refused(exc: Exception, what_now: str) -> int:
    """Print why a command did nothing, then what to do now; the exit status to return."""
    print(exc, file=sys.stderr)
    print(f"\n{what_now}", file=sys.stderr)
    return 1
