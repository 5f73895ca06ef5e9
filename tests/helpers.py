"""Helpers shared by the tests and the benchmarks: project copies and the project's own commands.

Every command runs the way an author runs it (the ``peerwork-review`` command line that
the Makefile calls), on a copy of the project, so the repository is never touched.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from peerwork_review import paths

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
COPIED = ["data", "notebooks", "book", "references.bib", "_config.yml", "_toc.yml", "CITATION.cff"]
# Today's data, frozen (see its README): tests that need exact values read it, never data/.
FROZEN = ROOT / "tests" / "fixtures" / "edition-1"


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def copy_project(target: Path, parts=COPIED, frozen: bool = False) -> Path:
    """A copy of the parts of the repository a build or a validation reads; with ``frozen``, its
    data and bibliography are the frozen edition 1 (:data:`FROZEN`) under the repository's
    descriptor and notes."""
    target.mkdir(parents=True, exist_ok=True)
    for name in parts:
        src = FROZEN / name if frozen and name in ("data", "references.bib") else ROOT / name
        if src.is_dir():
            shutil.copytree(src, target / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        else:
            shutil.copy2(src, target / name)
    if frozen and "data" in parts:
        for name in ("datapackage.json", "README.md"):
            shutil.copy2(ROOT / "data" / name, target / "data" / name)
    if frozen and "CITATION.cff" in parts:  # it cites the frozen data's edition, the first, not yet released
        from peerwork_review.reading.citation import with_edition

        cff = target / "CITATION.cff"
        cff.write_text(with_edition(cff.read_text(encoding="utf-8"), "1", None), encoding="utf-8")
    return target


SLOW_BUILD = """
import time

def _pause(*args):
    time.sleep(1)

def setup(app):
    app.connect("source-read", _pause)
    app.connect("html-page-context", _pause)
    return {"parallel_read_safe": True}
"""


@contextmanager
def slowed_build(root: Path):
    """While the block runs, every page of a copy's build takes a second to read and to
    write, so a test's signal lands while the build runs however busy the machine is."""
    (root / "slow_build.py").write_text(SLOW_BUILD)
    config = root / "_config.yml"
    text = config.read_text()
    assert "\nsphinx:\n" in text
    config.write_text(text.replace("\nsphinx:\n", "\nsphinx:\n  local_extensions:\n    slow_build: ./\n", 1))
    try:
        yield
    finally:
        config.write_text(text)
        (root / "slow_build.py").unlink()


def _as_from_a_terminal() -> None:
    """SIGINT and SIGTERM handled by default and not blocked, as a terminal starts a command.
    A process inherits ignored and blocked signals, and a pytest worker may have either
    (a background job ignores SIGINT), in which case make would never hear the signal."""
    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def start_make(folder: Path, root: Path, command: str, **kwargs) -> subprocess.Popen:
    """``make COMMAND`` in ``folder``, whose Makefile runs ``peerwork-review COMMAND`` on ``root``,
    started as from a terminal; its output is read as text."""
    (folder / "Makefile").write_text(f"{command}:\n\t{PYTHON} -m peerwork_review.cli --root {root} {command}\n")
    return subprocess.Popen(
        ["make", "-s", "-f", str(folder / "Makefile"), command],
        cwd=folder,
        text=True,
        preexec_fn=_as_from_a_terminal,
        **kwargs,
    )


def _env(root: Path) -> dict[str, str]:
    return {**os.environ, paths.ROOT_VARIABLE: str(root)}


def cli(root: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    """``peerwork-review ARGS`` on a copy, as ``make validate``, ``make refresh`` and ``make book`` run it."""
    return subprocess.run(
        [PYTHON, "-m", "peerwork_review.cli", "--root", str(root), *args],
        cwd=root,
        env=_env(root),
        capture_output=True,
        text=True,
        **kwargs,
    )


def in_process(capsys, root: Path, *args: str) -> subprocess.CompletedProcess:
    """What :func:`cli` runs, called in this process (no interpreter to start, no pandas to import
    again): the command's exit status and what it printed, from ``capsys``."""
    from peerwork_review.cli import main

    capsys.readouterr()
    code = main(["--root", str(root), *args])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


def build_book(root: Path, *extra: str) -> subprocess.CompletedProcess:
    return cli(root, "build", *extra)


def run_nbval(root: Path, *notebooks: str) -> subprocess.CompletedProcess:
    """nbval over notebooks of a copy, reading that copy's data."""
    return subprocess.run(
        [
            PYTHON,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "-p",
            "peerwork_review.paths",  # as pyproject.toml's addopts, which the copy does not have: see there
            "--nbval",
            "--nbval-current-env",
            "-q",
            "--nbval-sanitize-with",
            str(ROOT / "tests" / "nbval-sanitize.cfg"),
            *[str(root / "notebooks" / n) for n in notebooks],
        ],
        cwd=root,
        env=_env(root),
        capture_output=True,
        text=True,
    )


# -- editing a copy's data ------------------------------------------------------------


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(root: Path, file: str, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` counts like a spreadsheet (the header is row 1)."""
    path = root / "data" / file
    rows = read_rows(path)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def edit_rows(root: Path, file: str, change) -> None:
    path = root / "data" / file
    write_rows(path, change(read_rows(path)))


def append(root: Path, file: str, *rows: list | dict) -> None:
    """Add rows to a data file: lists in the file's column order, or dicts by column (absent columns empty)."""
    path = root / "data" / file
    table = read_rows(path)
    header = table[0]
    for row in rows:
        values = [row.get(column, "") for column in header] if isinstance(row, dict) else row
        table.append(["" if v is None else str(v) for v in values])
    write_rows(path, table)


# -- processes (Linux: /proc and pgrep) ----------------------------------------------


def children(pid: int) -> set[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_gone(pids, within: float = 10.0) -> list[int]:
    """The pids still alive after ``within`` seconds."""
    import time

    deadline = time.monotonic() + within
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if alive(p)]
