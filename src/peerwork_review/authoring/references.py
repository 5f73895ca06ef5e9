"""The workbook's "new references" sheet: its columns, its checks, and the BibTeX it adds.

An author gives a new report's bibliography entry as one row; ``import`` appends it to
``references.bib`` as a BibTeX entry in the file's own layout and never rewrites the
entries already there. A row whose entry ``references.bib`` already holds, as an earlier
import wrote it, is recognised as unchanged, so a workbook imports again after its import.
"""

from __future__ import annotations

import re

from pybtex.database import parse_string
from pybtex.exceptions import PybtexError

from peerwork_review.errors import Problem

SHEET = "new references"
ENTRY_TYPES = ("article", "book", "techreport", "inproceedings", "phdthesis", "misc")

# header -> (description shown as the header's note, BibTeX field by entry type; None: not a field)
COLUMNS: dict[str, tuple[str, dict[str, str] | str | None]] = {
    "key": (
        "The report's identifier, the same as its report_id on the reports sheet: first author's surname, "
        "year and first word of the title, lower case, no spaces (for example smith2026peer).",
        None,
    ),
    "entry type": (
        "article (journal article), book, techreport (a report), inproceedings (conference paper), "
        "phdthesis, or misc (web page or anything else).",
        None,
    ),
    "authors": (
        "Surname, initials; several authors joined by ' and ' (for example 'Smith, J. A. and Lee, K.'). "
        "End with ' and others' when the list is cut short.",
        "author",
    ),
    "year": ("Year of publication, four digits.", "year"),
    "title": ("Title of the report, as published.", "title"),
    "journal": ("Journal name (article), or the proceedings' title (inproceedings).", {"inproceedings": "booktitle"}),
    "volume": ("Volume of the journal.", "volume"),
    "issue": ("Issue number of the journal.", "number"),
    "pages": ("First and last page joined by a hyphen (for example 12-20), or the article number.", "pages"),
    "DOI": ("The DOI alone, starting 10. (for example 10.1186/s12888-024-05664-9), without https://doi.org/.", "doi"),
    "publisher": (
        "Publisher (book), institution (techreport) or university (phdthesis).",
        {"techreport": "institution", "phdthesis": "school"},
    ),
    "url": ("Web address, starting https:// (web pages and reports without a DOI).", "url"),
}
# Besides key, type, authors, year and title, which every entry needs.
REQUIRED_BY_TYPE = {
    "article": ("journal",),
    "book": ("publisher",),
    "techreport": ("publisher",),
    "inproceedings": ("journal",),
    "phdthesis": ("publisher",),
    "misc": (),
}
DEFAULT_FIELD = {"journal": "journal", "publisher": "publisher"}

_KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_YEAR = re.compile(r"^[0-9]{4}$")
_DOI = re.compile(r"^10\.[0-9]{4,9}/\S+$")


def _bibtex_field(header: str, entry_type: str) -> str | None:
    target = COLUMNS[header][1]
    if isinstance(target, dict):
        return target.get(entry_type, DEFAULT_FIELD.get(header))
    return target


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def parsed(bib_text: str) -> dict[str, tuple]:
    """Key -> the entry's type, fields and people, as BibTeX means them (layout and spacing aside); nothing for a
    file that does not parse, whose problems the import's validation reports."""
    try:
        entries = parse_string(bib_text, "bibtex").entries
    except PybtexError:
        return {}
    return {
        key: (
            entry.type.lower(),
            {name.lower(): " ".join(str(value).split()) for name, value in entry.fields.items()},
            {role: tuple(str(person) for person in people) for role, people in entry.persons.items()},
        )
        for key, entry in entries.items()
    }


def _differences(values: dict[str, str], existing: tuple) -> list[str]:
    """The columns whose entry differs from the one references.bib holds under the same key."""
    new = next(iter(parsed(entry(values)).values()))
    if new[0] != existing[0]:
        return ["entry type"]
    changed = {name for name in new[1].keys() | existing[1].keys() if new[1].get(name) != existing[1].get(name)}
    changed |= {role for role in new[2].keys() | existing[2].keys() if new[2].get(role) != existing[2].get(role)}
    # the authors are people to BibTeX, under their field's name
    return [h for h in COLUMNS if _bibtex_field(h, values["entry type"]) in changed] or sorted(changed)


def _comparable(values: dict[str, str]) -> bool:
    """A row that makes a BibTeX entry (its other problems are reported by themselves)."""
    return values["entry type"] in ENTRY_TYPES and all(_balanced(text) for text in values.values())


def check(rows: list[tuple[int, dict[str, str]]], existing: dict[str, tuple]) -> list[Problem]:
    """Problems of the sheet's rows, each as (sheet row, {header: text}); ``existing`` is :func:`parsed` references.bib."""
    where = f"sheet '{SHEET}'"
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for row, values in rows:

        def problem(column, message, row=row):
            problems.append(Problem(where, row, column, message))

        key, kind = values["key"], values["entry type"]
        for column in ("key", "entry type", "authors", "year", "title"):
            if not values[column]:
                problem(column, "a value is required")
        for column in REQUIRED_BY_TYPE.get(kind, ()):
            if not values[column]:
                problem(column, f"a value is required for entry type {kind!r}")
        if key and not _KEY.fullmatch(key):
            problem(
                "key",
                f"{key!r} must be lower-case letters and digits, optionally joined by hyphens (for example smith2026peer)",
            )
        elif key in existing and _comparable(values) and (differ := _differences(values, existing[key])):
            problem(
                "key",
                f"{key!r} is already a key in references.bib, whose entry differs in {', '.join(differ)}; existing "
                "entries are never changed here, so give the row as references.bib has it, or choose a new key",
            )
        elif key in seen:
            problem("key", f"{key!r} is given twice (first in row {seen[key]})")
        seen.setdefault(key, row)
        if kind and kind not in ENTRY_TYPES:
            problem("entry type", f"{kind!r} is not an allowed value ({', '.join(ENTRY_TYPES)})")
        if values["year"] and not _YEAR.fullmatch(values["year"]):
            problem("year", f"{values['year']!r} is not a year written with four digits")
        doi = values["DOI"]
        if doi and not _DOI.fullmatch(doi):
            fixed = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.I)
            hint = f"; write {fixed!r}" if _DOI.fullmatch(fixed) else ""
            problem("DOI", f"{doi!r} is not a DOI starting 10.{hint}")
        if values["url"] and not re.match(r"^https?://\S+$", values["url"]):
            problem("url", f"{values['url']!r} is not a web address starting http:// or https://")
        for column, text in values.items():
            if not _balanced(text):
                problem(column, "has unbalanced curly braces { }")
            if text != text.strip():
                problem(column, f"{text!r} has leading or trailing spaces")
    return problems


def _escape(text: str) -> str:
    return re.sub(r"(?<!\\)([&%#])", r"\\\1", text)


# The order references.bib writes its fields in.
FIELD_ORDER = (
    "author",
    "title",
    "journal",
    "booktitle",
    "publisher",
    "institution",
    "school",
    "year",
    "volume",
    "number",
    "pages",
    "doi",
    "url",
)


def entry(values: dict[str, str]) -> str:
    """One BibTeX entry in references.bib's layout (aligned '=', values in braces)."""
    kind = values["entry type"]
    fields = []
    for header in COLUMNS:
        name = _bibtex_field(header, kind)
        text = values[header]
        if name is None or not text:
            continue
        if name == "pages":
            text = re.sub(r"\s*(-|–|—)+\s*", "--", text)
        fields.append((name, text if name in ("doi", "url") else _escape(text)))
    fields.sort(key=lambda item: FIELD_ORDER.index(item[0]))
    width = max(len(name) for name, _ in fields)
    lines = [f"  {name:<{width}} = {{{text}}}" for name, text in fields]
    return f"@{kind}{{{values['key']},\n" + ",\n".join(lines) + "\n}\n"


def appended(bib_text: str, entries: list[str]) -> str:
    """references.bib with the new entries after the existing text, which is kept byte for byte."""
    if not entries:
        return bib_text
    separator = "" if bib_text.endswith("\n\n") else ("\n" if bib_text.endswith("\n") else "\n\n")
    return bib_text + separator + "\n".join(entries)
