"""The PDF edition (make pdf): one file with contents, page numbers, every table's columns,
the figures, the glued numbers and resolved citations. Its text is read with pdftotext."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from peerwork_review.book.citation_style import sort_key, unique_labels
from peerwork_review.derivation.flow import flow_numbers
from peerwork_review.notebooks.changes import items
from peerwork_review.pdf import printing as pdf
from peerwork_review.rendering import prisma_flow, tables
from tests.helpers import ROOT

pytestmark = pytest.mark.slow  # a built book in a browser

# `make test` installs them where it can (see the Makefile); a missing one fails the check, never skips it.
assert shutil.which("pdftotext") and any(map(shutil.which, pdf.BROWSERS)), (
    "the PDF check needs Chromium and pdftotext: apt-get install chromium poppler-utils"
)


def _text(path, *pages: int, layout: bool = False) -> str:
    span = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    span += ["-layout"] if layout else []
    return subprocess.run(["pdftotext", *span, str(path), "-"], capture_output=True, text=True, check=True).stdout


def _page(text: str, number: int) -> str:
    """Page ``number`` (from 1) of a whole document's text: pdftotext ends each page with a form feed, and a
    page's text is the same as pdftotext gives for that page alone."""
    return text.split("\f")[number - 1]


def _flat(text: str) -> str:
    """Words joined by single spaces, with words broken at a line end ("co-\\nauthorship") mended."""
    return " ".join(re.sub(r"-\n(?=[a-z])", "-", text).split())


@pytest.fixture(scope="module")
def edition(built_project):
    """Build the PDF of the shared build (after the HTML book, whose environment the single-page build reuses)."""
    path = pdf.build(built_project)
    pages = int(
        re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout)[1]
    )
    return path, _text(path), pages


def test_pdf_is_built_and_published_beside_the_html_book(edition, built_project, built_book):
    path, _, pages = edition
    assert path == built_project / "_build" / "pdf" / pdf.PDF_NAME and pages > 10
    assert (built_book / pdf.PDF_NAME).read_bytes() == path.read_bytes()
    assert f'href="../{pdf.PDF_NAME}"' in (built_book / "book" / "index.html").read_text(), (
        "the landing page links the PDF"
    )


def test_contents_list_every_chapter_with_the_page_it_starts_on(edition):
    path, text, pages = edition
    contents = _text(path, 2, layout=True)
    lines = [line for line in contents.splitlines() if not re.search(r"Page \d+ of \d+", line)]
    entries = re.findall(r"^\s*(\S.*?)\s+(\d+)\s*$", "\n".join(lines), re.M)
    chapters = [c for part in pdf.toc_parts(ROOT) for c in part["docs"]]
    assert len(entries) == len(chapters), contents
    numbers = [int(n) for _, n in entries]
    assert numbers == sorted(numbers) and numbers[-1] <= pages
    for title, number in entries:
        assert title in _flat(_page(text, int(number))), f"{title!r} is not on page {number}"


def test_every_page_is_numbered(edition):
    path, text, pages = edition
    assert f"Page 1 of {pages}" in _text(path, 1)  # pdftotext on one page, as _page stands in for below
    assert f"Page {pages} of {pages}" in _page(text, pages)
    assert len(text.split("\f")) == pages + 1  # a form feed after every page


def test_glued_numbers_and_the_diagram_are_in_the_text(edition, live_review):
    _, text, _ = edition
    flat = _flat(text)
    import nbformat

    search = items(nbformat.read(ROOT / "notebooks" / "01-search-and-selection.ipynb", as_version=4))
    check = items(nbformat.read(ROOT / "notebooks" / "05-reproduction-check.ipynb", as_version=4))
    assert f"report {check['published_studies_included'].content} included studies" in flat
    assert f"searched {search['article_database_count'].content} databases" in flat
    # the diagram prints as vectors with its text: every "(n = …)" of these boxes is in the PDF's text
    texts = prisma_flow.box_texts(flow_numbers(live_review, live_review.article_run))
    counts = [
        n for box in ("db_identified", "db_screened", "included") for n in re.findall(r"\(n = [\d,]+\)", texts[box])
    ]
    assert counts and all(n in flat for n in counts), counts


def test_citations_resolve_and_every_bibliography_label_is_printed(edition):
    _, text, _ = edition
    flat = _flat(text)
    assert "[?]" not in flat and "{cite" not in flat
    from pybtex.database import parse_file

    entries = sorted(parse_file(str(ROOT / "references.bib")).entries.values(), key=sort_key)
    labels = unique_labels(entries)
    assert any(label[-1].isalpha() for label in labels), "expected works sharing an author-year label"
    missing = [label for label in labels if f"[{label}]" not in flat]
    assert not missing, missing


def test_wide_tables_print_every_column(edition, live_review):
    """The last column of the widest tables is on paper, not cut off at the page edge."""
    _, text, _ = edition
    flat = _flat(text).replace("’", "'")  # the book prints apostrophes curly
    characteristics = tables.study_characteristics(live_review)
    for finding in characteristics.iloc[:, -1]:
        assert " ".join(finding.split()[:6]) in flat, finding[:60]


def test_a_table_that_runs_onto_more_pages_repeats_its_header_row_on_each(edition, live_review):
    """Table 1, the widest: every page holding one of its rows also holds its column names
    (Chromium once repeated the header row as an empty band: sort buttons print no text there)."""
    _, text, pages = edition
    table = tables.study_characteristics(live_review)
    ends = [" ".join(cell.replace("-", "").split()[-5:]) for cell in table.iloc[:, -1]]  # each row, by its last words

    def words(page: int) -> str:  # pdftotext joins a word it finds hyphenated at a line end: so do we
        return _flat(_page(text, page)).replace("’", "'").replace("-", "")

    holding = [page for page in range(1, pages + 1) if any(end in words(page) for end in ends)]
    assert len(holding) > 1, "Table 1 should run over more than one page"
    names = {word.replace("-", "") for column in table.columns for word in column.split()}
    for page in holding:
        assert names <= set(words(page).split()), (page, names - set(words(page).split()))


def test_bookmarks_read_as_the_headings_do(edition, built_project):
    """No title twice over ("BackgroundBackground"), none with words run together where its heading wraps."""
    import html

    from pypdf import PdfReader

    path, _, _ = edition
    titles: list[str] = []

    def walk(items) -> None:
        for item in items:
            walk(item) if isinstance(item, list) else titles.append(item.title)

    walk(PdfReader(path).outline)
    page = (built_project / "_build" / "singlehtml" / "book" / "index.html").read_text(encoding="utf-8")
    page = re.sub(r'<a class="headerlink".*?</a>', "", page, flags=re.S)
    headings = {
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", h)).split())
        for h in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", page, re.S)
    } | {"Contents"}  # the PDF's own contents page
    assert len(titles) > 20
    assert [t for t in titles if t not in headings] == []
