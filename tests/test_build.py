"""The book build: it shows only current outputs, survives interruption, takes turns, and is reproducible.

Builds run on temporary copies; the repository's own _build is used only by the
session's ``built_book`` fixture.
"""

from __future__ import annotations

import filecmp
import signal
import subprocess
import time

import pytest

from peerwork_review.pdf.printing import PDF_NAME
from tests.helpers import (
    PYTHON,
    build_book,
    children,
    copy_project,
    set_cell,
    slowed_build,
    start_make,
    tree_hash,
    wait_gone,
)

pytestmark = pytest.mark.slow


def test_a_data_edit_without_refresh_stops_the_build_and_says_what_to_run(tmp_path):
    root = copy_project(tmp_path / "project")
    set_cell(root, "studies.csv", 2, "sample_size", "4321")
    set_cell(root, "studies.csv", 2, "sample_size_source", "test data: edited by tests/test_build.py")
    before = tree_hash(root / "data")
    result = build_book(root)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "notebooks/02-study-characteristics.ipynb was executed with other inputs: data/studies.csv changed" in output
    # the command that brings the book up to date comes first, then why
    assert result.stderr.startswith("Run `make refresh`, then build again: the stored notebook outputs are not up"), (
        result.stderr[:500]
    )
    assert "Running Jupyter-Book" not in result.stdout  # refused before Sphinx printed anything
    assert not (root / "_build/html/notebooks/02-study-characteristics.html").exists()
    assert tree_hash(root / "data") == before


def test_an_output_edited_by_hand_stops_the_build(tmp_path):
    root = copy_project(tmp_path / "project")
    notebook = root / "notebooks" / "01-search-and-selection.ipynb"
    notebook.write_text(notebook.read_text(encoding="utf-8").replace("5,191", "5,192", 1), encoding="utf-8")
    result = build_book(root)
    assert result.returncode == 1
    assert "notebooks/01-search-and-selection.ipynb: the stored output of cell" in result.stderr.splitlines()[1]


def test_a_link_out_of_the_project_stops_the_build(tmp_path):
    root = copy_project(tmp_path / "project")
    (tmp_path / "secret.md").write_text("not for the book\n")
    (root / "data" / "README.md").unlink()
    (root / "data" / "README.md").symlink_to(tmp_path / "secret.md")
    result = build_book(root)
    assert result.returncode == 1
    assert "data/README.md: is a link to a file outside the project" in result.stderr
    assert not (root / "_build").exists() or not list((root / "_build").rglob("secret*"))


def _start_build(root, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-m", "peerwork_review.cli", "--root", str(root), "build"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def _read_until(process: subprocess.Popen, marker: str, timeout: float = 120) -> str:
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError(f"{marker!r} never appeared:\n{''.join(seen)[-3000:]}")


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory):
    """A build stopped with SIGTERM while it writes pages, then built again."""
    root = copy_project(tmp_path_factory.mktemp("interrupted") / "project")
    with slowed_build(root):
        process = _start_build(root)
        _read_until(process, "writing output")
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=20)
    left = sorted(p.name for p in (root / "_build").iterdir())
    again = build_book(root)
    return root, process.returncode, rest, left, again


def test_an_interrupted_build_leaves_nothing_a_later_build_trusts(interrupted):
    root, code, output, left, again = interrupted
    assert code == 130, output
    assert "the partial build was removed" in output
    assert not {"html", ".html-state", ".next-html"} & set(left), left
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert (root / "_build/html/searchindex.js").is_file()


def test_a_failed_build_keeps_the_last_complete_book(interrupted):
    root = interrupted[0]
    assert build_book(root).returncode == 0  # complete, whatever ran before
    before = tree_hash(root / "_build" / "html")
    page = root / "book" / "limitations.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\nSee {ref}`no-such-label`.\n", encoding="utf-8")  # a warning: the strict build fails
    try:
        failed = build_book(root)
    finally:
        page.write_text(text, encoding="utf-8")
    assert failed.returncode != 0
    assert "the last complete book, if any, is as it was" in failed.stderr
    assert tree_hash(root / "_build" / "html") == before
    assert not (root / "_build" / ".next-html").exists()


def test_two_clean_builds_of_one_commit_are_identical(interrupted, built_book):
    """The rebuild after the interruption was a clean build; the run's shared build, another clean build of
    the same files in another folder by another process, has the same bytes."""
    root = interrupted[0]
    differ = []

    def walk(cmp: filecmp.dircmp, prefix=""):
        differ.extend(prefix + name for name in cmp.diff_files + cmp.left_only + cmp.right_only)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    # the PDF is copied beside the shared build by tests/test_pdf.py, not written by the HTML build
    walk(filecmp.dircmp(root / "_build" / "html", built_book, ignore=[PDF_NAME]))
    assert differ == []


def test_a_rebuild_with_nothing_changed_rewrites_no_page(interrupted):
    """After a complete build, another one reads and writes nothing (the edition's own table
    numbers do not make Sphinx think every numbered page changed)."""
    root = interrupted[0]
    assert build_book(root).returncode == 0  # complete, whatever ran before
    pages = {p: p.stat().st_mtime_ns for p in (root / "_build" / "html").rglob("*.html")}
    before = tree_hash(root / "_build" / "html")
    again = build_book(root)
    assert again.returncode == 0
    assert "no targets are out of date" in again.stdout
    assert {p: p.stat().st_mtime_ns for p in pages} == pages
    assert tree_hash(root / "_build" / "html") == before


def test_a_prose_edit_rewrites_its_page_and_the_contents_with_the_templates_compiled_before(interrupted):
    """What a prose edit costs beyond a no-op rebuild: its page, the page whose contents list it and
    the search page, rendered with the templates an earlier build compiled (kept beside the doctrees)."""
    root = interrupted[0]
    assert build_book(root).returncode == 0  # complete, whatever ran before
    compiled = {p: p.stat().st_mtime_ns for p in (root / "_build/.html-state/.doctrees/jinja2").iterdir()}
    pages = {p: p.stat().st_mtime_ns for p in (root / "_build" / "html").rglob("*.html")}
    page = root / "book" / "conclusions.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\nA sentence the test appended.\n", encoding="utf-8")
    try:
        again = build_book(root)
    finally:
        page.write_text(text, encoding="utf-8")
    assert again.returncode == 0, again.stdout[-3000:]
    assert "A sentence the test appended." in (root / "_build/html/book/conclusions.html").read_text()
    rewritten = {p.relative_to(root / "_build" / "html").as_posix() for p in pages if p.stat().st_mtime_ns != pages[p]}
    assert rewritten == {"book/conclusions.html", "book/index.html", "search.html"}
    assert compiled and {p: p.stat().st_mtime_ns for p in compiled} == compiled
    assert sorted((root / "_build/.html-state/.doctrees/jinja2").iterdir()) == sorted(compiled)


def test_a_label_that_moves_to_a_page_read_earlier_does_not_break_the_next_build(interrupted):
    """Sphinx reads pages in name order: the label leaves conclusions.md for background.md, read before it."""
    root = interrupted[0]
    pages = {name: root / "book" / f"{name}.md" for name in ("background", "conclusions")}
    texts = {name: page.read_text(encoding="utf-8") for name, page in pages.items()}
    section = "\n(label-on-the-move)=\n## A section the test moves\n\nSee {ref}`label-on-the-move`.\n"
    try:
        pages["conclusions"].write_text(texts["conclusions"] + section, encoding="utf-8")
        first = build_book(root)
        assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
        pages["conclusions"].write_text(texts["conclusions"], encoding="utf-8")
        pages["background"].write_text(texts["background"] + section, encoding="utf-8")
        moved = build_book(root)
    finally:
        for name, page in pages.items():
            page.write_text(texts[name], encoding="utf-8")
    assert moved.returncode == 0, moved.stdout[-3000:] + moved.stderr[-3000:]
    background = (root / "_build/html/book/background.html").read_text(encoding="utf-8")
    assert 'id="label-on-the-move"' in background
    assert "label-on-the-move" not in (root / "_build/html/book/conclusions.html").read_text(encoding="utf-8")


def test_a_second_build_waits_for_the_first(tmp_path):
    """While another build or refresh holds the checkout, a build waits for it, then runs."""
    from peerwork_review.process.lock import project_lock

    root = copy_project(tmp_path / "project")
    set_cell(root, "studies.csv", 2, "sample_size", "4321")  # stale outputs: the build, once it runs, stops early
    set_cell(root, "studies.csv", 2, "sample_size_source", "test data: edited by tests/test_build.py")
    with project_lock(root, "refresh"):
        waiting = _start_build(root)
        _read_until(waiting, "Waiting: a refresh (process")
        time.sleep(1)
        assert waiting.poll() is None, "the build did not wait"
    rest, _ = waiting.communicate(timeout=120)
    assert "was executed with other inputs" in rest  # it ran once the lock was free


def test_interrupting_make_stops_the_build(tmp_path):
    """SIGINT to make alone (not its process group): the build notices make has gone and stops."""
    root = copy_project(tmp_path / "project")
    with slowed_build(root):
        make = start_make(tmp_path, root, "build", stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        _read_until(make, "reading sources")
        (build_pid,) = children(make.pid)
        make.send_signal(signal.SIGINT)
        make.communicate(timeout=10)
    assert wait_gone({build_pid}) == [], "the build went on after make was interrupted"
    assert not (root / "_build" / "html").exists()
