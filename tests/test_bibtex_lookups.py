"""The indexed bibtex domain (peerwork_review.book.bibtex_lookups) answers exactly as sphinxcontrib-bibtex's own.

Both domains are given the same state, as a build leaves it: bibliographies with filters and
key prefixes, citation references from several documents, and formatted citations. Each
of their lookups must then give the same entries, the same citations, in the same order,
with the same warnings.
"""

from __future__ import annotations

import ast
import logging
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from pybtex.database import BibliographyData, Entry
from sphinxcontrib.bibtex import domain as upstream
from sphinxcontrib.bibtex.bibfile import BibData, BibFile
from sphinxcontrib.bibtex.citation_target import CitationTarget
from sphinxcontrib.bibtex.directives import BibliographyKey, BibliographyValue
from sphinxcontrib.bibtex.domain import Citation
from sphinxcontrib.bibtex.roles import CitationRef

from peerwork_review.book.bibtex_lookups import BibtexDomain

BIB = Path("refs.bib")
KEYS = [f"k{i}" for i in range(8)]
# the last one parses, but the package's filter rejects it: a warning, and the default instead
FILTERS = ["cited", "True", "False", "docname in cited_docnames", 'key % "k[0-3]"', "not cited", "title + year"]


def _state(filter_: str) -> dict:
    def bibliography(line, docname, keyprefix="", list_="citation", keys=()):
        return BibliographyValue(
            line=line,
            bibfiles=[BIB],
            style="plain",
            list_=list_,
            enumtype="arabic",
            start=1,
            labelprefix="",
            keyprefix=keyprefix,
            filter_=ast.parse(filter_),
            citation_nodes={},
            keys=list(keys),
        )

    entries = BibliographyData({key: Entry("article", {"title": key, "year": "2020"}) for key in KEYS})
    refs = [
        CitationRef(f"ref{n}", doc, n, [CitationTarget(key, "", "") for key in keys])
        for n, (doc, keys) in enumerate(
            [("a", ["k1", "k2"]), ("b", ["k2"]), ("a", ["k5"]), ("c", ["p-k3", "k1"]), ("b", ["k7", "k7"])]
        )
    ]
    bibliographies = {
        BibliographyKey("a", "bib-a"): bibliography(10, "a", keys=["k6"]),
        BibliographyKey("c", "bib-c"): bibliography(20, "c", keyprefix="p-"),
    }
    citations = [
        Citation(
            f"cit-{doc}-{key}",
            BibliographyKey(doc, f"bib-{doc}"),
            key,
            entries.entries[key.removeprefix("p-")],
            None,
            None,
        )
        for doc, key in [("a", "k1"), ("c", "k1"), ("a", "k2"), ("c", "p-k3"), ("a", "k5"), ("a", "k7")]
    ]
    return {
        "bibdata": BibData(encoding="utf-8", bibfiles={BIB: BibFile(mtime=0, keys=dict.fromkeys(KEYS))}, data=entries),
        "bibliographies": bibliographies,
        "citations": citations,
        "citation_refs": refs,
    }


def _domain(cls, filter_: str):
    domain = cls.__new__(cls)  # a domain over this state, with no Sphinx environment around it
    domain.data = _state(filter_)
    domain.reference_style = None
    return domain


@pytest.mark.parametrize("filter_", FILTERS)
def test_filtered_entries_are_the_packages(filter_, caplog):
    answers = []
    for cls in (upstream.BibtexDomain, BibtexDomain):
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            domain = _domain(cls, filter_)
            entries = {key: list(domain.get_filtered_entries(key)) for key in domain.bibliographies}
        answers.append((entries, [re.sub("0x[0-9a-f]+", "", r.getMessage()) for r in caplog.records]))
    assert answers[0] == answers[1]
    assert any(answers[0][0].values()) or filter_ == "False"


@pytest.mark.parametrize("target", ["k1", "k2,k1", "p-k3", "k7,k5,k1", "k4", "k4,k2", "{see }k1{, p. 2}"])
@pytest.mark.parametrize("fromdocname", ["a", "c", "z"])
def test_resolved_citations_are_the_packages(target, fromdocname, monkeypatch, caplog):
    answers = []
    formatted = []

    def format_references(style, typ, references):
        formatted.append(references)
        return SimpleNamespace(render=lambda backend: [])

    monkeypatch.setattr(upstream, "format_references", format_references)
    monkeypatch.setattr(upstream, "SphinxReferenceInfo", lambda **info: info)
    builder = SimpleNamespace()
    for cls in (upstream.BibtexDomain, BibtexDomain):
        caplog.clear()
        formatted.clear()
        domain = _domain(cls, "cited")
        if cls is BibtexDomain:
            domain.citations_by_key = None  # the index is then made from the citations
        with caplog.at_level(logging.WARNING):
            domain.resolve_xref(None, fromdocname, builder, "p", target, None, None)
        citations = [(info["citation_id"], info["pre_text"], info["post_text"]) for _, _, info in formatted[0]]
        answers.append((citations, [r.getMessage() for r in caplog.records], domain.data["citations"]))
    assert answers[0] == answers[1]
