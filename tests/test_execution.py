"""Notebook execution: a failing notebook stops the build and ``refresh`` and is named; with
execution off the book still builds.

Everything happens in temporary copies; the repository is never touched.
"""

from __future__ import annotations

import pytest

from conftest import build_book, cli, config_without_execution, copy_project, tree_hash


@pytest.fixture(scope="module")
def failing_copy(tmp_path_factory):
    """A copy whose quality-appraisal notebook raises in its first code cell."""
    import nbformat

    root = copy_project(tmp_path_factory.mktemp("failing") / "project")
    path = root / "notebooks" / "03-quality-appraisal.ipynb"
    notebook = nbformat.read(path, as_version=4)
    first = next(cell for cell in notebook.cells if cell.cell_type == "code")
    first.source += '\nraise RuntimeError("deliberate failure from tests/test_execution.py")'
    nbformat.write(notebook, path)
    return root


def test_refresh_stops_at_a_failing_notebook_and_writes_none(failing_copy):
    before = tree_hash(failing_copy / "notebooks")
    result = cli(failing_copy, "refresh")
    assert result.returncode == 1
    assert "notebooks/03-quality-appraisal.ipynb failed" in result.stderr
    assert "deliberate failure from tests/test_execution.py" in result.stderr
    assert "No notebook was changed." in result.stderr
    assert tree_hash(failing_copy / "notebooks") == before


def test_a_failing_notebook_fails_the_build_and_is_named(failing_copy):
    result = build_book(failing_copy)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "executing notebooks/03-quality-appraisal.ipynb failed" in output
    assert "deliberate failure from tests/test_execution.py" in output
    assert not (failing_copy / "_build/html/notebooks/03-quality-appraisal.html").exists()


def test_with_execution_off_the_book_still_builds_strictly_with_its_downloads(tmp_path):
    """The stored outputs render as they are, and the build itself draws the PRISMA downloads."""
    root = copy_project(tmp_path / "project")
    result = build_book(root, "--config", config_without_execution(root))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    downloads = sorted(p.name for p in (root / "_build/html/_downloads").rglob("prisma-flow.*"))
    assert downloads == ["prisma-flow.png", "prisma-flow.svg"]
