"""The edition says no more than its sources: it never calls something unpublished that was
only not found, and every table marks each inferred value with a dagger.

The phrase check reads what readers and authors read (``data/``, the notebooks with their
stored outputs, ``book/``, the README); the article's own words, quoted in
``published_figures.csv``, are exempt. The dagger check reads every table the notebooks
store, and every table the package writes for a review in which each value is inferred.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import nbformat
import pytest

from peerwork_review.rendering import render, tables
from tests.helpers import ROOT

# What "not found" or "not in the article's text" should say instead, unless the article says so itself.
UNSOURCED_CLAIM = re.compile(
    r"\bnot published\b|\bnot public(?:ly)?\b|\bno number in the article\b(?![’']s text)", re.I
)


def _reader_files() -> list[Path]:
    files = [p for p in (ROOT / "data").rglob("*") if p.is_file()]
    files += sorted((ROOT / "book").rglob("*.md")) + sorted((ROOT / "notebooks").rglob("*.ipynb"))
    return files + [ROOT / "README.md"]


def unsourced_claims(text: str, quotes: list[str]) -> list[str]:
    for quote in quotes:  # the article's own words may say it
        text = text.replace(quote, "")
    return [text[max(0, m.start() - 40) : m.end() + 20].replace("\n", " ") for m in UNSOURCED_CLAIM.finditer(text)]


def test_nothing_is_called_unpublished_that_was_only_not_found(review):
    quotes = [q for q in review.figures["quote"] if q]
    found = [
        f"{path.relative_to(ROOT)}: …{hit}…"
        for path in _reader_files()
        for hit in unsourced_claims(path.read_text(encoding="utf-8", errors="replace"), quotes)
    ]
    assert not found, "say 'not found' (and what was looked at) or 'not in the article's text':\n" + "\n".join(found)


def test_the_phrase_check_finds_a_claim_and_spares_the_article_s_own_words():
    assert unsourced_claims("the screening records are not published.", [])
    assert unsourced_claims("Table 2 is not publicly available", [])
    assert unsourced_claims("boxes have no number in the article", [])
    assert not unsourced_claims("boxes have no number in the article's text", [])
    assert not unsourced_claims("as the authors wrote, 'data were not published'", ["data were not published"])
    assert not unsourced_claims("not found: no public copy of it; a publication of 2016", [])


# -- the dagger ------------------------------------------------------------------

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_CITED = re.compile(r"\{cite:[pt]\}`([^`]*)`")


def list_table_rows(markdown: str) -> list[list[str]]:
    """The body rows of every MyST list-table in ``markdown``, each cell unescaped."""
    rows: list[list[str]] = []
    for block in re.findall(r"```\{list-table\}.*?\n(.*?)```", markdown, re.S):
        table: list[list[str]] = []
        for line in block.splitlines():
            if line.startswith("* - "):
                table.append([line[4:]])
            elif line.startswith("  - ") and table:
                table[-1].append(line[4:])
        rows += [[_ESCAPED.sub(r"\1", cell) for cell in row] for row in table[1:]]
    return rows


def inferred_values(review) -> dict[tuple[str, str], set[str]]:
    """(kind, id) of a study or theme -> the values of it that its sources say were inferred."""
    out: dict[tuple[str, str], set[str]] = {}

    def add(kind: str, key: str, value, source) -> None:
        if value is not None and str(source or "").startswith("inferred:"):
            out.setdefault((kind, key), set()).add(str(value))

    for record in review.studies.to_dict("records"):
        for column in [c for c in review.studies.columns if f"{c}_source" in review.studies.columns]:
            add("study", record["study_id"], record[column], record[f"{column}_source"])
    for record in review.countries.to_dict("records"):
        add("study", record["study_id"], record["country"], record["source"])
    for record in review.quality.to_dict("records"):
        add("study", record["study_id"], record["mmat_rating"], record["mmat_rating_source"])
    names = dict(zip(review.themes["theme_id"], review.themes["name"]))
    for record in review.themes.to_dict("records"):
        add("theme", record["theme_id"], names.get(record["parent_theme_id"]), record["placement_source"])
        add("theme", record["theme_id"], record["name"], record["name_source"])
        add("theme", record["theme_id"], record["description"], record["description_source"])
    return out


def unmarked(review, markdown: str) -> tuple[list[str], int]:
    """Inferred values the tables in ``markdown`` show without a dagger, and how many shown values were checked.

    A row is a study's when its first cell cites one of the study's reports, and a theme's
    when one of its cells is the theme's name. Each inferred value of that study or theme
    must be followed by † before the cell's next ";".
    """
    inferred = inferred_values(review)
    study_of = dict(zip(review.reports["report_id"], review.reports["study_id"]))
    theme_of = {name.lower(): theme_id for theme_id, name in zip(review.themes["theme_id"], review.themes["name"])}
    problems, checked = [], 0
    for row in list_table_rows(markdown):
        keys = {study_of.get(k.strip()) for found in _CITED.findall(row[0]) for k in found.split(",")}
        records = {("study", s) for s in keys if s} | {
            ("theme", theme_of[c.replace("†", "").strip().lower()])
            for c in row
            if c.replace("†", "").strip().lower() in theme_of
        }
        for record in records:
            for value in inferred.get(record, ()):
                for cell in row:
                    for match in re.finditer(rf"(?<!\w){re.escape(value)}(?!\w)", cell, re.I):
                        checked += 1
                        if "†" not in cell[match.end() :].split(";")[0]:
                            problems.append(f"{record[1]}: {value!r} without † in {cell[:80]!r}")
    return problems, checked


def _stored_markdown() -> str:
    texts = []
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                texts.append(data.get("text/markdown", ""))  # glued values are displayed, so stored plainly
    return "\n".join(texts)


def test_every_stored_table_marks_inferred_values(review):
    problems, _ = unmarked(review, _stored_markdown())
    assert not problems, "\n".join(problems)


def everything_inferred(review):
    """The review with every source of studies, countries, ratings and themes saying 'inferred:'."""
    changed = {}
    for attr in ("studies", "countries", "quality", "themes"):
        frame = getattr(review, attr).copy()
        for column in [c for c in frame.columns if c == "source" or c.endswith("_source")]:
            frame[column] = "inferred: a test"
        changed[attr] = frame
    return dataclasses.replace(review, **changed)


TABLES = (
    tables.study_characteristics,
    tables.quality_appraisal,
    tables.themes_and_references,
    tables.themes_and_subthemes,
)


@pytest.mark.parametrize("table", TABLES, ids=lambda f: f.__name__)
def test_every_table_marks_a_value_once_it_is_inferred(review, table):
    inferred = everything_inferred(review)
    markdown = render.list_table(table(inferred), "test", None)
    problems, checked = unmarked(inferred, markdown)
    assert checked and not problems, "\n".join(problems)
    # and the check notices each dagger that is missing
    stripped, _ = unmarked(inferred, markdown.replace(tables.INFERRED_MARK, ""))
    assert len(stripped) == checked
