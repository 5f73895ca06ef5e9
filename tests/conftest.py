"""Shared fixtures: a validated review, throw-away copies, and one build of the repository's book."""

from __future__ import annotations

import pytest

from tests.helpers import ROOT, build_book, copy_project, tree_hash


@pytest.fixture(scope="session")
def review():
    from peerwork_review.model.review import load

    return load(ROOT)


@pytest.fixture
def project_copy(tmp_path):
    """Data and bibliography in a temporary folder, ready to be broken."""
    return copy_project(tmp_path / "project", ["data", "references.bib"])


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
