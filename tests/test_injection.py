"""Nothing from the data runs in a page: hostile text in every kind of free-text field shows as text.

A copy gets one payload per field (markup, roles, links, raw blocks, mathematics), is
validated, refreshed and built strictly, and every page of the built book is searched
for live markup.
"""

from __future__ import annotations

import html
import itertools
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import build_book, cli, copy_project
from payloads import PAYLOADS
from helpers import set_cell

pytestmark = pytest.mark.slow

# (file, row, column, prefix): the free-text fields a page or figure shows. A source keeps
# the prefix the provenance rule asks for; the payload follows it.
FIELDS = [
    ("studies.csv", 2, "key_findings", ""), ("studies.csv", 3, "setting", ""), ("studies.csv", 4, "participants", ""),
    ("studies.csv", 5, "methods", ""), ("studies.csv", 6, "data_analysis", ""),
    ("studies.csv", 7, "setting_source", "inferred: "),
    ("themes.csv", 2, "name", ""), ("themes.csv", 3, "description", ""),
    ("findings.csv", 2, "statement", ""),
    ("published_figures.csv", 2, "description", ""), ("published_figures.csv", 3, "quote", ""),
    ("published_figures.csv", 4, "note", ""),
    ("prisma_flow.csv", 2, "source", "article: "),
    ("quality_appraisal.csv", 2, "mmat_rating_source", "not found: "),
    ("search_runs.csv", 2, "label", ""), ("search_runs.csv", 2, "other_methods", ""),
    ("reports.csv", 2, "source", "article: "),
]
# Bibliography titles cannot hold unbalanced braces, so they take the brace-free payloads.
BIB_PAYLOADS = [p for p in PAYLOADS if "{" not in p and "}" not in p]


def _inject(root: Path) -> list[str]:
    used = []
    for (file, row, column, prefix), payload in zip(FIELDS, itertools.cycle(PAYLOADS)):
        value = prefix + payload if column != "name" else payload.replace("\n", " ")
        set_cell(root, file, row, column, value)
        used.append(value)
    bib = (root / "references.bib").read_text(encoding="utf-8")
    bib = bib.replace("title     = {Another rather than other", "title     = {" + BIB_PAYLOADS[0] + " Another rather than other", 1)
    (root / "references.bib").write_text(bib, encoding="utf-8")
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
        parser.feed(page.read_text(encoding="utf-8"))
        if parser.found:
            found[page.relative_to(root / "_build" / "html").as_posix()] = parser.found
    assert found == {}


def test_the_payloads_show_as_text(hostile):
    """Escaped, not dropped: the reader sees exactly what the data hold."""
    root = hostile[0]
    text = html.unescape((root / "_build" / "html" / "notebooks" / "02-study-characteristics.html").read_text(encoding="utf-8"))
    assert "<script>alert('x')</script>" in text
    assert "[click](javascript:alert(1))" in text
