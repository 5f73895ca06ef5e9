"""Seeded mutation test: every single mutation of the package ends in a clear error or in acceptance of a harmless change.

Each mutation changes one thing in a temporary copy of the repository's data package
(a CSV cell, row, column or file; ``datapackage.json``; ``references.bib``) and runs
``read_and_validate`` in-process. A mutation passes when validation either raises a
:class:`DataError` whose problems all name their file (and a row wherever they name a
column) in one readable line, or accepts a change that is harmless. Mutations that
must be rejected say so; a traceback is always a failure; the repository's ``data/``
is hashed before and after.

``make test`` runs one mutation of every class (a few seconds); ``pytest -m fuzz_long``
runs many seeded rounds. ``python -m tests.test_fuzz [ROUNDS]`` prints the counts per class.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from peerwork_review.errors import DataError
from peerwork_review.reading.load import read_and_validate
from tests.helpers import ROOT, tree_hash
from tests.mutations import ACCEPT, CLASSES, REJECT, Package

# A validation that takes longer than this hangs for an author (a catastrophic pattern does).
SLOW_SECONDS = 10


def unclear(problem) -> str | None:
    """Why a problem is not a clear error, or None."""
    text = str(problem)
    if not problem.file or not problem.message:
        return "no file or no message"
    if "\n" in text or "\x00" in text:
        return "more than one line"
    if re.search(r"<invalid>|object at 0x|Traceback|KeyError|TypeError", text):
        return "internal detail"
    if problem.column is not None and problem.row is None and problem.file.endswith(".csv"):
        return "a column without a row"
    return None


def prepare(target: Path, source: Path = ROOT) -> Package:
    root = target
    for name in ("data", "references.bib"):
        (shutil.copytree if (source / name).is_dir() else shutil.copy2)(source / name, root / name)
    original = {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    descriptor = json.loads(original["data/datapackage.json"])
    resources = {r["path"]: r for r in descriptor["resources"]}
    return Package(root, original, resources)


def restore(pkg: Package) -> None:
    for rel in ("data", *pkg.original):  # links first: a linked data/ holds no files of the copy
        if (pkg.root / rel).is_symlink():
            (pkg.root / rel).unlink()
    (pkg.root / "data").mkdir(exist_ok=True)
    for rel, raw in pkg.original.items():
        path = pkg.root / rel
        if path.is_dir():
            shutil.rmtree(path)
        if not path.is_file() or path.read_bytes() != raw:
            path.write_bytes(raw)


def judge(pkg: Package, name: str, seed: int) -> tuple[str, str]:
    """(outcome, detail): accepted, rejected, wrongly accepted/rejected, unclear, slow or traceback."""
    rng = random.Random(f"{name}:{seed}")
    file, what, expect = CLASSES[name](rng, pkg)
    started = time.perf_counter()
    try:
        read_and_validate(pkg.root)
        problems = []
    except DataError as exc:
        problems = exc.problems
    except Exception as exc:
        return "traceback", f"{file} {what}: {type(exc).__name__}: {exc}"
    finally:
        restore(pkg)
    if (took := time.perf_counter() - started) > SLOW_SECONDS:
        return "slow", f"{file} {what}: {took:.0f} s"
    if not problems:
        return ("wrongly accepted", f"{file} {what}") if expect == REJECT else ("accepted", "")
    bad = [(p, why) for p in problems if (why := unclear(p))]
    if bad:
        return "unclear", f"{file} {what}: {bad[0][1]}: {bad[0][0]}"
    if expect == ACCEPT:
        return "wrongly rejected", f"{file} {what}: {problems[0]}"
    if expect == REJECT and not any(p.file == file for p in problems):
        return "unclear", f"{file} {what}: no problem names {file}: {problems[0]}"
    return "rejected", ""


def run(target: Path, rounds: int, seed: int = 0, source: Path = ROOT) -> list[tuple[str, str, str]]:
    pkg = prepare(target, source)
    return [(name, *judge(pkg, name, seed + round_)) for round_ in range(rounds) for name in CLASSES]


BAD = {"traceback", "unclear", "wrongly accepted", "wrongly rejected", "slow"}


def _check(results) -> None:
    failures = [f"{name}: {outcome}: {detail}" for name, outcome, detail in results if outcome in BAD]
    assert not failures, f"{len(failures)} of {len(results)} mutations failed:\n" + "\n".join(failures[:40])


@pytest.mark.slow  # one validation of the whole package per mutation class
def test_every_mutation_class_once(tmp_path):
    before = tree_hash(ROOT / "data")
    _check(run(tmp_path, rounds=1))
    assert tree_hash(ROOT / "data") == before, "a mutation reached the repository's data/"


@pytest.mark.fuzz_long
def test_many_seeded_mutations(tmp_path):
    before = tree_hash(ROOT / "data")
    _check(run(tmp_path, rounds=20, seed=1000))
    assert tree_hash(ROOT / "data") == before, "a mutation reached the repository's data/"


def summary(results) -> str:
    counts = Counter((name, outcome) for name, outcome, _ in results)
    outcomes = ["accepted", "rejected", "unclear", "wrongly accepted", "wrongly rejected", "traceback", "slow"]
    lines = [f"{'class':28} " + " ".join(f"{o[:16]:>16}" for o in outcomes)]
    for name in CLASSES:
        lines.append(f"{name:28} " + " ".join(f"{counts[(name, o)]:>16}" for o in outcomes))
    totals = Counter(outcome for _, outcome, _ in results)
    lines.append(f"{'total (' + str(len(results)) + ')':28} " + " ".join(f"{totals[o]:>16}" for o in outcomes))
    return "\n".join(lines)


if __name__ == "__main__":  # python -m tests.test_fuzz [ROUNDS [PROJECT]]
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        found = run(
            Path(tmp),
            rounds=int(sys.argv[1]) if len(sys.argv) > 1 else 10,
            source=Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT,
        )
    print(summary(found))
    for name, outcome, detail in found:
        if outcome in BAD:
            print(f"{name}: {outcome}: {detail}")
