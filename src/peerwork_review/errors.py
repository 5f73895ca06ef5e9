"""The one error type that bad input raises."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data: where it is and what is wrong."""

    file: str
    row: int | None  # spreadsheet row number: the header is row 1, the first record row 2
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f'column "{self.column}"')
        return f"{', '.join(where)}: {self.message}"


class DataError(Exception):
    """Raised once with every problem found, so an author can fix them all in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.row or 0, p.column or "", p.message))
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} in the data:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))
