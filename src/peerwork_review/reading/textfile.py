"""A text file of the package and the problems found in it: one reporter for every file, one reading of its bytes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from peerwork_review.errors import Problem


@dataclass
class FileProblems:
    """Every problem found in one file, each reported by ``problem(row, column, message, fix)``."""

    file: str
    problems: list[Problem] = field(default_factory=list, kw_only=True)

    def problem(self, row: int | None, column: str | None, message: str, fix: str | None = None) -> None:
        self.problems.append(Problem(self.file, row, column, message, fix))


UTF8_FIX = "save it as UTF-8"


def read_text(path: Path, found: FileProblems, missing: str = "file is missing", fix: str | None = None) -> str | None:
    """The text of a file; None, with the problem reported, if it is missing, unreadable or not UTF-8."""
    if path.is_dir():
        found.problem(None, None, "is a folder, not a file", fix)
    elif not path.is_file():
        found.problem(None, None, missing)
    else:
        try:
            return decode(path.read_bytes(), found)
        except OSError as exc:
            found.problem(None, None, f"cannot be read: {exc.strerror}")
    return None


def decode(raw: bytes, found: FileProblems) -> str | None:
    """The text of a file saved as UTF-8 without a byte order mark; None, with the problem reported, if it is not."""
    problem = _encoding_problem(raw)
    if problem is None:
        try:
            return raw.decode("utf-8").replace("\r\n", "\n")
        except UnicodeDecodeError as exc:
            why = f"file is not valid UTF-8 (byte 0x{raw[exc.start : exc.start + 1].hex()})"
            problem = (_line(raw, exc.start), why, UTF8_FIX)
    line, why, how = problem
    found.problem(line, None, why, how)
    return None


def _encoding_problem(raw: bytes) -> tuple[int, str, str] | None:
    """(line, what is wrong, how to fix it) for a file that is not UTF-8 text without a byte order mark, or None."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return 1, "file is UTF-16 encoded", UTF8_FIX
    if raw.startswith(b"\xef\xbb\xbf"):
        return 1, "file starts with a byte order mark (BOM)", "save it as UTF-8 without BOM"
    if b"\x00" in raw and raw.count(0) >= len(raw) // 3:  # UTF-16 text in the Latin alphabet: every other byte
        why = "file looks like UTF-16 without a byte order mark (every other byte is zero)"
        return 1, why, "save it as UTF-8 ('CSV UTF-8' or 'Unicode (UTF-8)')"
    if b"\x00" in raw:
        why = "contains NUL bytes (invisible zero characters), so the file may be damaged"
        return _line(raw, raw.index(0)), why, "retype what was damaged and save the file again as UTF-8"
    return None


def _line(raw: bytes, at: int) -> int:
    return raw[:at].count(b"\n") + 1
