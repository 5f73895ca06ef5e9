"""Shared fixtures: the frozen edition 1 and the review as data/ hold it now, throw-away copies, and one
build of the repository's book.

``review`` and ``project_copy`` are the frozen edition 1 (``tests/fixtures/edition-1``): tests that
assert exact values use them. ``live_review`` is ``data/`` as the authors keep it: tests on it assert
only what holds for any valid data.
"""

from __future__ import annotations

import pytest

from tests.helpers import ROOT, build_book, copy_project, tree_hash


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
def built_book():
    """The repository's book, built once per test session (strict: warnings are errors).

    Also proves that a build leaves data/ untouched. Under pytest-xdist each worker that
    needs the book runs this; builds of one checkout take turns (peerwork_review.process.lock),
    so the second finds the first's output and its build is a no-op.
    """
    before = tree_hash(ROOT / "data")
    result = build_book(ROOT)
    assert result.returncode == 0, f"book build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    assert tree_hash(ROOT / "data") == before, "the build modified data/"
    return ROOT / "_build" / "html"
