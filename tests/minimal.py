"""The minimal test dataset (``tests/fixtures/minimal``) in a temporary folder, and helpers that break it.

The copy takes its schema from the repository's own ``data/datapackage.json``, so the
broken-data tests check the descriptor the book ships with, on data that no update of
the real review can change.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from peerwork_review.errors import DataError
from peerwork_review.reading.load import read_and_validate
from tests.helpers import ROOT, append, edit_rows, read_rows, set_cell, write_rows  # noqa: F401 - re-exported

FIXTURE = ROOT / "tests" / "fixtures" / "minimal"
TEST = "test data: added by a test"


def minimal_copy(target: Path) -> Path:
    shutil.copytree(FIXTURE / "data", target / "data")
    shutil.copy2(FIXTURE / "references.bib", target / "references.bib")
    shutil.copy2(ROOT / "data" / "datapackage.json", target / "data" / "datapackage.json")
    return target


def edit_descriptor(root: Path, change) -> None:
    path = root / "data" / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")


def resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def field(descriptor: dict, resource_name: str, field_name: str) -> dict:
    return next(f for f in resource(descriptor, resource_name)["schema"]["fields"] if f["name"] == field_name)


def problems(root: Path) -> list[str]:
    """Every problem validation finds, as printed; [] when the data are valid."""
    try:
        read_and_validate(root)
    except DataError as exc:
        return [str(p) for p in exc.problems]
    return []


def frictionless_errors(root: Path) -> list[str]:
    """Error types Frictionless reports for the package ('type-error', 'foreign-key', ...); [] when valid."""
    from frictionless import Package, system

    with system.use_context(trusted=True):
        try:
            report = Package(str(root / "data" / "datapackage.json")).validate()
        except Exception as exc:
            return [f"package-error: {type(exc).__name__}"]
    return sorted({e.type for task in report.tasks for e in task.errors} | {e.type for e in report.errors})
