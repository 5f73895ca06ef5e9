"""The bibliography: ``references.bib`` checked, then read with pybtex (which sphinxcontrib-bibtex uses too).

pybtex skips text between entries and stops at its first syntax error, so the file's
structure is checked first: every entry closed, nothing outside an entry but
``%`` comments, no key twice. Then each entry must have the fields the book's
bibliography style prints for its type, a four-digit year, links that are web or
DOI links only, and a key that is safe to write into a citation.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from peerwork_review.errors import Problem
from peerwork_review.reading.cells import WEB_ADDRESS
from peerwork_review.reading.textfile import FileProblems, read_text

KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:.+-]*$")
YEAR = re.compile(r"^[0-9]{4}$")
DOI = re.compile(r"^10\.[0-9]{4,9}/[^\s\"'<>`{}\\]+$")

# Fields the bibliography style ('plain', see _config.yml) needs for each entry type;
# "a|b" means either. Without them the strict build fails on a missing-field warning.
REQUIRED = {
    "article": ["author", "title", "journal", "year"],
    "book": ["author|editor", "title", "publisher", "year"],
    "booklet": ["author", "title", "year"],
    "inbook": ["author|editor", "title", "publisher", "year"],
    "incollection": ["author", "title", "booktitle", "year"],
    "inproceedings": ["author", "title", "booktitle", "year"],
    "manual": ["title"],
    "mastersthesis": ["author", "title", "school", "year"],
    "phdthesis": ["author", "title", "school", "year"],
    "proceedings": ["title", "year"],
    "techreport": ["author", "title", "institution", "year"],
    "unpublished": ["author", "title", "note"],
    "misc": ["title"],
}
PERSON_FIELDS = {"author", "editor"}


@dataclass(frozen=True)
class BibEntry:
    key: str
    entry_type: str
    surnames: tuple[str, ...]
    more_authors: bool  # the list ends in "and others"
    year: str
    title: str
    doi: str | None
    line: int = 0

    @property
    def who(self) -> str:
        """'Berry et al.', 'Mancini', 'Byrne and Wang'; empty without authors."""
        if not self.surnames:
            return ""
        if len(self.surnames) == 1 and not self.more_authors:
            return self.surnames[0]
        if len(self.surnames) == 2 and not self.more_authors:
            return f"{self.surnames[0]} and {self.surnames[1]}"
        return f"{self.surnames[0]} et al."


def year_letters(bases: Sequence[Hashable]) -> list[str]:
    """For entries in label order: 'a', 'b', … after the year of each whose author-year base
    another entry shares, '' for the others (the book's citations and labels use these)."""
    totals: Counter[Hashable] = Counter(bases)
    used: Counter[Hashable] = Counter()
    letters = []
    for base in bases:
        letter = ""
        if totals[base] > 1:
            letter = "abcdefghijklmnopqrstuvwxyz"[used[base]] if used[base] < 26 else str(used[base] + 1)
            used[base] += 1
        letters.append(letter)
    return letters


def short_labels(bib: dict[str, BibEntry]) -> dict[str, str]:
    """Key -> 'Byrne et al. 2019a': author and year with the letter the book's citations give the entry."""
    entries = sorted(bib.values(), key=lambda e: (e.who.lower(), e.year, e.title.lower()))
    letters = year_letters([(e.who, e.year) for e in entries])
    return {e.key: f"{e.who} {e.year}{letter}".strip() for e, letter in zip(entries, letters)}


def _plain(text: str) -> str:
    return text.replace("{", "").replace("}", "").replace("\\&", "&")


# -- structure ------------------------------------------------------------------------

_OUTSIDE = re.compile(r"(?:\s+|%[^\n]*)*")
_START = re.compile(r"@[ \t]*([A-Za-z]+)[ \t]*([{(])")
_KEY = re.compile(r"[ \t]*([^,\s]*)[ \t]*,")
_INSIDE = re.compile(r"[{}]|\n[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]")
_SPECIAL = {"comment", "preamble", "string"}


def _structure(text: str, found: FileProblems) -> dict[str, int]:
    """Entry key -> line; the problems that make the file unreadable as a whole are reported."""
    breaks = [match.start() for match in re.finditer("\n", text)]

    def line(pos: int) -> int:
        return bisect.bisect_right(breaks, pos - 1) + 1

    entries: dict[str, int] = {}
    lowered: dict[str, int] = {}
    pos, size = 0, len(text)
    while True:
        outside = _OUTSIDE.match(text, pos)
        assert outside is not None  # the pattern matches the empty string too
        pos = outside.end()
        if pos >= size:
            break
        start = _START.match(text, pos)
        if not start or start.group(2) == "(":
            snippet = text[pos : pos + 40].split("\n")[0]
            if start:
                found.problem(line(pos), None, "entry written with '(': use '{'")
            else:
                found.problem(line(pos), None, f"text outside any entry ({snippet!r})", OUTSIDE_FIX)
            pos = text.find("\n@", pos)  # the rest up to the next entry is part of the same mistake
            if pos < 0:
                break
            continue
        first, kind, key = line(pos), start.group(1).lower(), None
        if kind not in _SPECIAL:
            named = _KEY.match(text, start.end())
            if not named or not named.group(1):
                found.problem(
                    first, None, f"@{kind} entry has no key followed by a comma", "keys cannot contain spaces"
                )
            else:
                key = named.group(1)
        depth, end = 1, None
        for token in _INSIDE.finditer(text, start.end()):
            depth += {"{": 1, "}": -1}.get(token.group(), 0)
            if token.group() == "}" and depth == 0:
                end = token.end()
                break
            if token.group() not in "{}" and depth == 1:  # an entry starts while this one is still open
                why = f"entry {key or kind!r} is not closed before the entry on line {line(token.start() + 1)}"
                found.problem(first, None, why, "a '}' is missing")
                end = token.start() + 1
                break
        if end is None:
            why = f"entry {key or kind!r} is never closed"
            found.problem(first, None, why, "a '}' is missing, or the file was cut off")
            break
        if key is not None:
            if key.lower() in lowered:
                why = f"key {key!r} is used twice (first on line {lowered[key.lower()]})"
                found.problem(first, None, why, "give each entry its own key")
            lowered.setdefault(key.lower(), first)
            entries.setdefault(key, first)
        pos = end
    return entries


OUTSIDE_FIX = "an extra '}' may have closed the entry above early; comments go on lines starting with %"


# -- entries --------------------------------------------------------------------------


def _check_entry(key: str, entry, line: int, found: FileProblems) -> None:
    kind = entry.type.lower()
    if not KEY.fullmatch(key):
        why = f"key {key!r} may only hold letters, digits and _ : . + -"
        found.problem(line, None, why, "no spaces, commas, quotes, backticks or braces")
    if kind not in REQUIRED:
        why, types = (
            f"entry type @{kind} is not supported by the bibliography style",
            ", ".join(map("@{}".format, REQUIRED)),
        )
        return found.problem(line, None, why, f"use one of: {types}")
    present = {name.lower() for name, value in entry.fields.items() if _plain(value).strip()}
    present |= {role.lower() for role, people in entry.persons.items() if people}
    for need in REQUIRED[kind]:
        if not present & set(need.split("|")):
            found.problem(line, need.replace("|", " or "), f"@{kind} entry {key!r} needs this field")
    fields = {name.lower(): value for name, value in entry.fields.items()}
    for name, form, what, fix in FORMS:
        if name in fields and not form.fullmatch(fields[name].strip()):
            found.problem(line, name, f"{fields[name][:60]!r} is not {what}", fix)


# Fields written in one form: (field, form, what it is, how to write it).
FORMS = [
    ("year", YEAR, "a four-digit year", "write the year of publication, e.g. 2021"),
    ("url", WEB_ADDRESS, "a web address", "only http:// and https:// links are allowed"),
    ("doi", DOI, "a DOI", "write the bare DOI, e.g. 10.1186/s12888-024-05664-9"),
]


def check_bibliography(path: Path) -> tuple[dict[str, BibEntry], list[Problem], bool]:
    """Entries, problems, and whether the file could be read at all (if not, its keys are unknown)."""
    found = FileProblems(path.name)
    text = read_text(path, found)
    if text is None:
        return {}, found.problems, False
    entries, problems, readable = _parse(text, path.name)
    return dict(entries), list(problems), readable


@lru_cache(maxsize=2)  # the same text parses the same way; a session validating many copies pays once
def _parse(text: str, file: str) -> tuple[dict[str, BibEntry], tuple[Problem, ...], bool]:
    # The parser itself: pybtex's parse_string() looks it up as a plugin each time.
    from pybtex.database.input.bibtex import Parser
    from pybtex.scanner import PybtexError

    found = FileProblems(file)
    lines = _structure(text, found)
    if found.problems:
        return {}, tuple(found.problems), False
    try:
        data = Parser().parse_string(text)
    except PybtexError as exc:
        # Some errors (a field given twice) carry no line; they name the entry's key instead.
        line = getattr(exc, "lineno", None) or next((n for key, n in lines.items() if f" {key} " in f" {exc} "), None)
        fix = "give each field once per entry" if "duplicate" in str(exc) else None
        found.problem(line, None, f"cannot be read: {exc}", fix)
        return {}, tuple(found.problems), False
    entries = {}
    for key, entry in data.entries.items():
        line = lines.get(key, 0)
        _check_entry(key, entry, line, found)
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        surnames = tuple(_plain(" ".join(p.prelast_names + p.last_names)) for p in people if str(p) != "others")
        if not surnames and "author" in entry.fields:  # corporate author written as a field
            surnames = (_plain(entry.fields["author"]),)
        year, title = entry.fields.get("year", "").strip(), _plain(entry.fields.get("title", ""))
        more = any(str(p) == "others" for p in people)
        entries[key] = BibEntry(key, entry.type, surnames, more, year, title, entry.fields.get("doi"), line)
    return entries, tuple(found.problems), True


def read_bibliography(path: Path) -> tuple[dict[str, BibEntry], list[Problem]]:
    entries, problems, _ = check_bibliography(path)
    return entries, problems
