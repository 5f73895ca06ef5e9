"""Nothing from the data runs in a page: hostile text in every kind of free-text field shows as text.

A copy gets one payload per field (markup, roles, links, raw blocks, mathematics), is
validated, refreshed and built strictly, and every page of the built book is searched
for live markup.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.helpers import build_book, cli, copy_project, read_rows, set_cell
from tests.payloads import PAYLOADS

pytestmark = pytest.mark.slow

# (file, column, prefix): the free-text fields a page or figure shows. Each payload goes
# into the first row where the cell holds a value (or, for a source, a source of the
# same kind), so the data stay valid whatever rows the dataset has; a source keeps the
# prefix the provenance rule asks for.
FIELDS = [
    ("studies.csv", "key_findings", ""),
    ("studies.csv", "setting", ""),
    ("studies.csv", "participants", ""),
    ("studies.csv", "methods", ""),
    ("studies.csv", "data_analysis", ""),
    ("studies.csv", "setting_source", "inferred: "),
    ("themes.csv", "name", ""),
    ("themes.csv", "description", ""),
    ("findings.csv", "statement", ""),
    ("published_figures.csv", "description", ""),
    ("published_figures.csv", "quote", ""),
    ("published_figures.csv", "note", ""),
    ("prisma_flow.csv", "source", "article: "),
    ("quality_appraisal.csv", "mmat_rating_source", "not found: "),
    ("search_runs.csv", "label", ""),
    ("search_runs.csv", "other_methods", ""),
    ("reports.csv", "source", "article: "),
]
# Bibliography titles cannot hold unbalanced braces, so they take the brace-free payloads.
BIB_PAYLOADS = [p for p in PAYLOADS if "{" not in p and "}" not in p]


def _first_row(root: Path, file: str, column: str, prefix: str) -> int:
    rows = read_rows(root / "data" / file)
    index = rows[0].index(column)
    for number, row in enumerate(rows[1:], start=2):
        cell = row[index]
        if cell and (not prefix or cell.lower().startswith(prefix.strip().lower()[:-1])):
            return number
    raise AssertionError(f"no row of {file} has a {column} to replace")


def _inject(root: Path) -> list[str]:
    used = []
    for (file, column, prefix), payload in zip(FIELDS, itertools.cycle(PAYLOADS)):
        value = prefix + payload if column != "name" else payload.replace("\n", " ")  # names are one line
        row = _first_row(root, file, column, prefix)
        if column == "quote":  # a quote keeps the figure it gives, which validation compares with the value
            rows = read_rows(root / "data" / file)
            value = f"{rows[row - 1][rows[0].index(column)]} {value}"
        set_cell(root, file, row, column, value)
        used.append(value)
    bib = (root / "references.bib").read_text(encoding="utf-8")
    hostile = re.sub(r"(\n\s*title\s*=\s*\{)", lambda m: m.group(1) + BIB_PAYLOADS[0] + " ", bib, count=1)
    assert hostile != bib, "no title in references.bib took the payload"
    (root / "references.bib").write_text(hostile, encoding="utf-8")
    return used


class _Live(HTMLParser):
    """Markup a payload could have made live: scripts, event handlers, javascript: links, raw tags."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "href" and "example.org" in (value or ""):
                self.found.append(f"<{tag} href={value!r}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("<img src=x>")
        if tag in ("b", "strong"):
            self._bold = True
        self._script = tag == "script"

    def handle_data(self, data):
        if self._script and "alert(" in data:
            self.found.append(f"<script>{data.strip()[:40]}")
        if getattr(self, "_bold", False) and data.strip() in ("not bold", "raw"):
            self.found.append(f"bold {data.strip()!r}")
        self._bold = False

    def handle_endtag(self, tag):
        self._script = False


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    used = _inject(root)
    steps = {"validate": cli(root, "validate"), "refresh": cli(root, "refresh")}
    steps["build"] = build_book(root)
    return root, used, steps


def test_hostile_text_is_valid_data_and_the_book_builds(hostile):
    _, _, steps = hostile
    assert steps["validate"].returncode == 0, steps["validate"].stderr
    assert steps["refresh"].returncode == 0, steps["refresh"].stderr[-3000:]
    assert steps["build"].returncode == 0, steps["build"].stdout[-3000:] + steps["build"].stderr[-3000:]


def test_no_page_holds_live_markup_from_the_data(hostile):
    root = hostile[0]
    found = {}
    for page in sorted((root / "_build" / "html").rglob("*.html")):
        parser = _Live()
        raw = page.read_text(encoding="utf-8")
        # the page's own content; the theme's header and sidebars (its buttons) hold no data
        parser.feed(raw[raw.find("<article") : raw.rfind("</article>")])
        if parser.found:
            found[page.relative_to(root / "_build" / "html").as_posix()] = parser.found
    assert found == {}


def test_the_payloads_show_as_text(hostile):
    """Escaped, not dropped: the reader sees exactly what the data hold."""
    root = hostile[0]
    text = html.unescape(
        (root / "_build" / "html" / "notebooks" / "02-study-characteristics.html").read_text(encoding="utf-8")
    )
    assert "<script>alert(" in text  # (the quotes around x become typographic quotes, as all prose's do)
    assert "[click](javascript:alert(1))" in text


def test_the_check_finds_live_markup_when_there_is_some():
    parser = _Live()
    parser.feed(
        '<p>text</p><img src=x onerror="alert(1)"><a href="javascript:alert(1)">a</a><script>alert(2)</script><strong>not bold</strong>'
    )
    assert parser.found == [
        "<img onerror=...>",
        "<img src=x>",
        "<a href='javascript:alert(1)'>",
        "<script>alert(2)",
        "bold 'not bold'",
    ]


def test_the_search_index_holds_no_markup_from_the_data(hostile):
    """Sphinx's search page inserts section titles as HTML: the index keeps them escaped."""
    text = (hostile[0] / "_build" / "html" / "searchindex.js").read_text(encoding="utf-8")
    titles = json.loads(text.removeprefix("Search.setIndex(").removesuffix(")"))["alltitles"]
    assert [t for t in titles if "<" in t or ">" in t] == []
    assert any("&lt;b&gt;raw&lt;/b&gt;" in t for t in titles), "the theme name with markup is not in the index"
