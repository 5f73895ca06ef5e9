"""references.bib holds the article's whole reference list, cleanly, and every citation resolves."""

from __future__ import annotations

import re

from peerwork_review.reading.bibliography import read_bibliography
from tests.helpers import ROOT

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
    unconfirmed = {
        "hong2019improving",
        "mancini2018exploration",
        "gillard2014new",
        "nixdorf2022multinational",
        "gates2010building",
    }
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


def test_citation_labels_are_unique_and_lettered_only_where_two_would_clash():
    from pybtex.database import parse_file

    from peerwork_review.book.citation_style import author_part, sort_key, unique_labels

    entries = sorted(parse_file(str(ROOT / "references.bib")).entries.values(), key=sort_key)
    labels = unique_labels(entries)
    assert len(set(labels)) == len(labels)
    bases = [(author_part(e), e.fields.get("year", "n.d.")) for e in entries]
    for (author, year), label in zip(bases, labels):
        lettered = label != f"{author}, {year}"
        assert lettered == (bases.count((author, year)) > 1), label
    # entries sharing a label stand together in the list, lettered a, b, c … in that order
    for base in set(bases):
        positions = [i for i, b in enumerate(bases) if b == base]
        assert positions == list(range(positions[0], positions[0] + len(positions)))
        if len(positions) > 1:
            assert [labels[i][-1] for i in positions] == list("abcdefghijklmnopqrstuvwxyz"[: len(positions)])


def test_figures_and_tables_label_studies_as_the_citations_do(review):
    """ "Byrne et al. 2019a" in a chart or a table wherever the text cites "Byrne et al., 2019a"."""
    from pybtex.database import parse_file

    from peerwork_review.book.citation_style import sort_key, unique_labels

    entries = sorted(parse_file(str(ROOT / "references.bib")).entries.values(), key=sort_key)
    cited = {e.key: " ".join(label.rsplit(", ", 1)) for e, label in zip(entries, unique_labels(entries))}
    for study in review.studies["study_id"]:
        assert review.study_label(study) == cited[review.main_report(study)], study


def test_each_in_text_citation_names_its_own_entrys_authors_as_its_role_asks():
    """Authors are formatted once per entry and kept: citing entries in turn, short (p, t) and in full (ps, ts),
    each citation still names its own entry's authors, in the form its role asks for."""
    from types import SimpleNamespace

    from pybtex.database import parse_string
    from sphinxcontrib.bibtex.plugin import find_plugin
    from sphinxcontrib.bibtex.style.referencing import format_references
    from sphinxcontrib.bibtex.style.template import SphinxReferenceInfo

    from peerwork_review.book.citation_style import NAME, register

    register()
    style = find_plugin("sphinxcontrib.bibtex.style.referencing", NAME)()
    bib = parse_string(
        r"""@article{three, author = {M{\"u}ller, Anna and Berry, Bo and Cole, Cy}, title = {T}, journal = {J}, year = {2011}}
        @article{one, author = {Wang, Li}, title = {T}, journal = {J}, year = {2019}}""",
        "bibtex",
    )
    info = SphinxReferenceInfo(None, "from", "to", "id-1", None, "", "")

    def cite(role: str, key: str) -> str:
        entry = bib.entries[key]
        label = SimpleNamespace(label=f"Any, {entry.fields['year']}b")
        return str(format_references(style, role, [(entry, label, info)]))

    expected = {
        ("p", "three"): "[Müller et al., 2011b]",
        ("t", "three"): "Müller et al. [2011b]",
        ("ps", "three"): "[Müller, Berry, and Cole, 2011b]",
        ("ts", "three"): "Müller, Berry, and Cole [2011b]",
    }
    expected |= {(role, "one"): "Wang [2019b]" if "t" in role else "[Wang, 2019b]" for role in ("p", "t", "ps", "ts")}
    for _ in range(2):
        for role in ("p", "ts", "t", "ps"):
            for key in ("three", "one"):
                assert cite(role, key) == expected[role, key], (role, key)


def test_an_entry_asked_for_twice_in_a_row_is_formatted_once_and_any_other_afresh():
    """The bibliography and its tooltips ask the style for each entry twice in a row: the second answer is the
    first one; a different label or entry is formatted afresh, as pybtex's plain style formats it."""
    from pybtex.database import parse_string
    from pybtex.style.formatting.plain import Style as PlainStyle

    from peerwork_review.book.citation_style import UniqueAuthorYearStyle

    bib = parse_string(
        r"""@article{a, author = {Wang, Li}, title = {First}, journal = {J}, year = {2019}}
        @article{b, author = {Wang, Li}, title = {Second}, journal = {J}, year = {2019}}""",
        "bibtex",
    )
    style, plain = UniqueAuthorYearStyle(), PlainStyle()
    a, b = bib.entries["a"], bib.entries["b"]
    first = style.format_entry("Wang, 2019a", a)
    assert style.format_entry("Wang, 2019a", a) is first
    # the same label for another entry, then the same entry under another label, and so on
    for label, entry in [("Wang, 2019a", b), ("Wang, 2019b", b), ("Wang, 2019c", b), ("Wang, 2019a", a)]:
        got, expected = style.format_entry(label, entry), plain.format_entry(label, entry)
        assert (got.key, got.label, got.text.render_as("text")) == (entry.key, label, expected.text.render_as("text"))
