"""references.bib holds the article's whole reference list, cleanly, and every citation resolves."""

from __future__ import annotations

import re

from conftest import ROOT
from peerwork_review.bibliography import read_bibliography

FORBIDDEN = {"file", "abstract", "keywords", "mendeley-groups", "urldate", "annote"}


def test_bibliography_has_the_reference_list_and_the_article(review):
    assert len(review.references) == 61
    assert list(review.references["ref_number"]) == list(range(1, 62))
    assert review.bib["reeves2024actions"].doi == "10.1186/s12888-024-05664-9"


def test_no_tool_cruft():
    text = (ROOT / "references.bib").read_text()
    fields = {f.lower() for f in re.findall(r"^\s*([A-Za-z-]+)\s*=", text, re.M)}
    assert not fields & FORBIDDEN


def test_dois_are_bare_and_only_where_the_fact_sheet_confirms_them(review):
    unconfirmed = {"hong2019improving", "mancini2018exploration", "gillard2014new", "nixdorf2022multinational", "gates2010building"}
    for key, entry in review.bib.items():
        if entry.doi:
            assert entry.doi.startswith("10.") and " " not in entry.doi, key
    assert not any(review.bib[k].doi for k in unconfirmed)


def test_every_citation_in_the_book_resolves():
    bib, _ = read_bibliography(ROOT / "references.bib")
    sources = list((ROOT / "book").glob("*.md")) + list((ROOT / "notebooks").glob("*.ipynb"))
    for path in sources:
        for group in re.findall(r"\{cite:[pt]\}`([^`]*)`", path.read_text()):
            for key in group.split(","):
                assert key.strip() in bib, f"{path.name}: {key}"
