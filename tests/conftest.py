"""Shared fixtures: the frozen edition 1 and the review as data/ hold it now, throw-away copies, and one
build of a copy of the repository's book, shared by the whole run.

``review`` and ``project_copy`` are the frozen edition 1 (``tests/fixtures/edition-1``): tests that
assert exact values use them. ``live_review`` is ``data/`` as the authors keep it: tests on it assert
only what holds for any valid data.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from filelock import FileLock

from tests.helpers import ROOT, build_book, copy_project, tree_hash


def pytest_collection_modifyitems(items):
    """Files that hold slow tests run first, each file's tests (and each notebook's cells) still in their
    order: under pytest-xdist's loadscope, the workers start on the long files and the many short ones
    fill in at the end, instead of one worker going through a long file alone at the end."""
    slow = {item.nodeid.split("::")[0] for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in slow)


@pytest.fixture(scope="session")
def frozen_root(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("frozen") / "project", ["data", "references.bib"], frozen=True)


@pytest.fixture(scope="session")
def review(frozen_root):
    """The frozen edition 1, validated."""
    from peerwork_review.model.review import load

    return load(frozen_root)


@pytest.fixture(scope="session")
def live_review():
    """data/ as it stands, validated."""
    from peerwork_review.model.review import load

    return load(ROOT)


@pytest.fixture
def project_copy(tmp_path):
    """The frozen edition 1's data and bibliography in a temporary folder, ready to be changed or broken."""
    return copy_project(tmp_path / "project", ["data", "references.bib"], frozen=True)


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    """A copy of the repository's book, built once per test run (strict: warnings are errors) into a
    temporary folder, never into the checkout's own _build; the tests that read a built book share it.

    Under pytest-xdist the workers share the run's temporary folder: the first worker that needs the
    book builds it while holding a file lock; the others wait for the lock and read the outcome it
    recorded, so a failed build fails their tests too instead of being run again. Also proves that a
    build leaves data/ untouched.
    """
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder every worker's own one is in
    root, outcome = shared / "built-book", shared / "built-book.json"
    with FileLock(shared / "built-book.lock"):
        if not outcome.exists():
            copy_project(root)
            before = tree_hash(root / "data")
            result = build_book(root)
            record = {"returncode": result.returncode, "output": result.stdout[-4000:] + "\n" + result.stderr[-4000:]}
            outcome.write_text(json.dumps({**record, "data_unchanged": tree_hash(root / "data") == before}))
    built = json.loads(outcome.read_text())
    assert built["returncode"] == 0, f"book build failed:\n{built['output']}"
    assert built["data_unchanged"], "the build modified data/"
    return root


@pytest.fixture(scope="session")
def built_book(built_project) -> Path:
    """The HTML pages of :func:`built_project`."""
    return built_project / "_build" / "html"
