"""The bibliography: ``references.bib`` read with pybtex (which sphinxcontrib-bibtex uses too)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Problem


@dataclass(frozen=True)
class BibEntry:
    key: str
    entry_type: str
    surnames: tuple[str, ...]
    more_authors: bool  # the list ends in "and others"
    year: str
    title: str
    doi: str | None

    @property
    def short_label(self) -> str:
        """'Berry et al. 2011', 'Mancini 2018', 'Byrne and Wang 2019'."""
        if not self.surnames:
            return self.year
        if len(self.surnames) == 1 and not self.more_authors:
            who = self.surnames[0]
        elif len(self.surnames) == 2 and not self.more_authors:
            who = f"{self.surnames[0]} and {self.surnames[1]}"
        else:
            who = f"{self.surnames[0]} et al."
        return f"{who} {self.year}"


def _plain(text: str) -> str:
    return text.replace("{", "").replace("}", "").replace("\\&", "&")


def read_bibliography(path: Path) -> tuple[dict[str, BibEntry], list[Problem]]:
    from pybtex.database import parse_string
    from pybtex.scanner import PybtexError

    name = path.name
    if not path.is_file():
        return {}, [Problem(name, None, None, "file is missing")]
    try:
        data = parse_string(path.read_text(encoding="utf-8"), "bibtex")
    except UnicodeDecodeError:
        return {}, [Problem(name, None, None, "file is not valid UTF-8")]
    except PybtexError as exc:
        return {}, [Problem(name, getattr(exc, "lineno", None), None, f"cannot be parsed: {exc}")]
    entries = {}
    for key, entry in data.entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        surnames = tuple(_plain(" ".join(p.prelast_names + p.last_names)) for p in people if str(p) != "others")
        more = any(str(p) == "others" for p in people)
        if not surnames and "author" in entry.fields:  # corporate author written as a field
            surnames = (_plain(entry.fields["author"]),)
        entries[key] = BibEntry(
            key=key,
            entry_type=entry.type,
            surnames=surnames,
            more_authors=more,
            year=entry.fields.get("year", ""),
            title=_plain(entry.fields.get("title", "")),
            doi=entry.fields.get("doi"),
        )
    return entries, []
