"""Editing copies of data/ by key rather than by row number, for the audit's tests."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import read_rows, write_rows

TEST = "test data: set by the audit tests"


def set_by_key(root: Path, file: str, match: dict[str, str], **values: str) -> int:
    """Set cells of the one row of ``data/file`` matching ``match``; returns its spreadsheet row number."""
    path = root / "data" / file
    rows = read_rows(path)
    header = rows[0]
    matches = [i for i, r in enumerate(rows[1:], start=1) if all(r[header.index(k)] == v for k, v in match.items())]
    assert len(matches) == 1, f"{file}: {len(matches)} rows match {match}"
    for column, value in values.items():
        rows[matches[0]][header.index(column)] = value
    write_rows(path, rows)
    return matches[0] + 1


def append_row(root: Path, file: str, **values: str) -> int:
    path = root / "data" / file
    rows = read_rows(path)
    rows.append([values.get(name, "") for name in rows[0]])
    write_rows(path, rows)
    return len(rows)
