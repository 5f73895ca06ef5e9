"""The reader's path (issue 23): a reading order before an appendix for reviewers and authors,
pages that open with what the reader learns, and readers' words where the maintainer's were."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from peerwork_review.derivation.figure_inputs import CATEGORY_FIGURES
from peerwork_review.reading.figure_values import published
from tests.helpers import ROOT

APPENDIX = {
    "notebooks/05-reproduction-check",
    "book/about-the-data",
    "book/updating",
    "book/reproducing",
    "book/colophon",
}


def maintainers_words() -> re.Pattern:
    """What only a maintainer needs: how a page is made, the commands that remake it, the data's files, and the
    names of its resources and columns (those with an underscore: a plain word such as "country" is also English),
    wherever they are not part of an address or a file name a source gives."""
    descriptor = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["name"] for r in descriptor["resources"]} | {
        f["name"] for r in descriptor["resources"] for f in r["schema"]["fields"]
    }
    named = "|".join(sorted(re.escape(n) for n in names if "_" in n))
    return re.compile(
        rf"\bInputs\b|\bmake (refresh|check|validate)\b|data/\w+\.csv|(?<![\w/.])({named})(\.csv)?(?![\w/]|\.\w)"
    )


def parts() -> list[tuple[str, list[str]]]:
    """(caption, the documents of its chapters, sections included) for each part of _toc.yml."""

    def docs(entries):
        for entry in entries:
            if "file" in entry:
                yield entry["file"]
            yield from docs(entry.get("sections", []))

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [(part["caption"], list(docs(part["chapters"]))) for part in toc["parts"]]


def reading_pages() -> list[str]:
    """The root page and every page of the parts before the appendix."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [toc["root"]] + [doc for caption, docs in parts() if not caption.startswith("Appendix") for doc in docs]


def test_the_reading_order_comes_before_an_appendix_for_reviewers_and_authors():
    captions = [caption for caption, _ in parts()]
    assert captions[-1].startswith("Appendix"), captions
    appendix = set(parts()[-1][1])
    assert APPENDIX <= appendix, APPENDIX - appendix
    assert not APPENDIX & set(reading_pages())
    # what the figures imply and the updates are read after the results, in the reading order
    order = reading_pages()
    assert order.index("notebooks/04-themes") < order.index("notebooks/06-what-the-numbers-imply")
    assert order.index("notebooks/04-themes") < order.index("notebooks/07-updates")


def shown_to_readers(page: Path) -> BeautifulSoup:
    """A built page's article as a reader sees it before unfolding anything: no code, no folded notes."""
    article = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("article.bd-article")
    for folded in article.select("div.cell_input, details, .admonition.dropdown, a.download"):
        folded.decompose()
    return article


@pytest.mark.slow
@pytest.mark.parametrize("doc", [d for d in reading_pages() if "*" not in d])
def test_reader_pages_open_with_what_the_reader_learns_in_readers_words(built_book, doc):
    article = shown_to_readers(built_book / f"{doc}.html")
    first = article.find("p")
    assert first is not None and not first.get_text().startswith(("Inputs", "This notebook")), doc
    text = " ".join(article.get_text(" ").split())
    found = maintainers_words().search(text)
    assert not found, (
        f"{doc} shows {found.group(0)!r} to readers: …{text[max(found.start() - 80, 0) : found.end() + 80]}…"
    )


@pytest.mark.slow
def test_every_numbered_table_has_one_name_and_the_scorecard_is_one_table(built_book):
    captions: dict[str, list[str]] = {}
    for page in sorted(built_book.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for caption in soup.select(".table-caption"):
            words = re.sub(r"^Table \S+ ", "", " ".join(caption.get_text(" ").replace("#", "").split()))
            captions.setdefault(words, []).append(page.name)
    repeated = {words: pages for words, pages in captions.items() if len(pages) > 1}
    assert not repeated, repeated
    homes = [p for p in built_book.rglob("*.html") if 'id="table-scorecard"' in p.read_text(encoding="utf-8")]
    assert [p.name for p in homes] == ["05-reproduction-check.html"]


@pytest.mark.slow
def test_table_2s_page_states_the_article_s_totals_beside_the_study_by_study_ratings(built_book, review):
    table = BeautifulSoup(
        (built_book / "notebooks" / "03-quality-appraisal.html").read_text(encoding="utf-8"), "html.parser"
    ).select_one("#table-quality-counts")
    header = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    rows = {
        tr.select("td")[0].get_text(strip=True).lower(): [td.get_text(strip=True) for td in tr.select("td")]
        for tr in table.select("tbody tr")
    }
    column = header.index("The article’s total")
    stated = review.figures[review.figures["search_run_id"] == review.article_run]
    for figure in stated.to_dict("records"):
        family, category = CATEGORY_FIGURES.get(figure["figure_id"], (None, None))
        if family == "quality":
            assert rows[category][column] == f"{published(figure):,}", category


@pytest.mark.slow
def test_the_cells_wanted_summary_counts_every_row_of_the_download_in_readers_words(built_book):
    page = built_book / "notebooks" / "06-what-the-numbers-imply.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    link = next(a for a in soup.select("a.download") if a["href"].endswith("cells_wanted.csv"))
    with (page.parent / link["href"]).open(encoding="utf-8", newline="") as handle:
        listed = list(csv.DictReader(handle))
    table = soup.select_one("#table-cells-wanted")
    header = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    body = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")]
    missing = header.index("Values missing")
    assert sum(int(row[missing].replace(",", "")) for row in body) == len(listed)
    assert len(body) < len(listed) or len(listed) <= 1  # a summary, not the list again
    for row in body:
        assert not maintainers_words().search(row[0]), row[0]
