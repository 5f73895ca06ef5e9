"""The book: strict build, no stale numbers after a data edit, data rendered as text, nbval catching drift.

These tests build copies of the project in a temporary folder, so the repository's
own data/, notebooks and _build/ are never touched.
"""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, build_book, copy_project, run_nbval, tree_hash
from test_data import set_cell

# Names that contain digits but are not figures.
NAMES = ("CC BY 4.0", "PRISMA 2020", "UTF-8")
HOSTILE = "<script>alert('x')</script> {cite:p}`nobody2099` **not bold** [link](https://example.org)"


def test_repository_book_builds_strictly_and_leaves_data_alone(built_book):
    assert (built_book / "index.html").is_file()
    for name in ("01-search-and-selection", "02-study-characteristics", "03-quality-appraisal", "04-themes", "05-reproduction-check"):
        assert (built_book / "notebooks" / f"{name}.html").is_file()


def test_no_prose_number_is_typed_by_hand():
    """Digits in the book's prose may appear only inside roles, links, code and directive options."""
    for path in sorted((ROOT / "book").glob("*.md")):
        text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
        text = re.sub(r"\{[a-z:]+\}`[^`]*`", "", text)          # roles: glue, cite, numref, download
        text = re.sub(r"\]\([^)]*\)", "]", text)                 # link targets
        text = re.sub(r"`[^`]*`", "", text)                      # code
        text = re.sub(r"^\s*\d+\.\s", "", text, flags=re.M)       # ordered-list markers
        for name in NAMES:
            text = text.replace(name, "")
        for number, line in enumerate(text.splitlines(), 1):
            if re.search(r"\d", line):
                pytest.fail(f"{path.name}:{number}: a number typed by hand: {line.strip()[:100]}")


@pytest.fixture(scope="module")
def edited_copy(tmp_path_factory):
    """Build a copy, then edit its data and build again without clearing the cache."""
    root = copy_project(tmp_path_factory.mktemp("book") / "project")
    first = build_book(root)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    before = (root / "_build/html/notebooks/02-study-characteristics.html").read_text()
    set_cell(root, "studies.csv", 2, "sample_size", "4321")  # row 2 is berry2011
    set_cell(root, "studies.csv", 2, "sample_size_source", "test data: edited by tests/test_book.py")
    set_cell(root, "studies.csv", 2, "key_findings", HOSTILE)
    data_before_second_build = tree_hash(root / "data")
    second = build_book(root)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert tree_hash(root / "data") == data_before_second_build
    after = (root / "_build/html/notebooks/02-study-characteristics.html").read_text()
    return root, before, after


def test_data_edit_reaches_the_book_despite_the_cache(edited_copy):
    _, before, after = edited_copy
    assert "N = 4321" not in before
    assert "N = 4321" in after


def test_data_values_are_rendered_as_text_never_as_markup(edited_copy):
    _, _, after = edited_copy
    assert "<script>alert" not in after
    assert "&lt;script&gt;alert(" in after
    assert "{cite:p}`nobody2099`" in after.replace("&#96;", "`")
    assert "<strong>not bold</strong>" not in after
    assert 'href="https://example.org"' not in after


def test_nbval_fails_when_a_published_output_changes(edited_copy):
    """The copy's notebooks still hold the old outputs; nbval must reject the new data."""
    root, _, _ = edited_copy
    result = run_nbval(root, "02-study-characteristics.ipynb")
    assert result.returncode == 1, result.stdout[-2000:]
    assert "N = 4321" in result.stdout and "mismatch" in result.stdout.lower()

