"""``CITATION.cff``: how this edition of the review asks to be cited.

Its title, authors and repository are written by hand. Its ``version`` and
``date-released`` are the current edition's, which ``make refresh`` writes from
``data/search_runs.csv`` (:func:`with_edition`), so an author never types them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from peerwork_review import paths


@dataclass(frozen=True)
class Citation:
    title: str
    authors: tuple[str, ...]
    repository: str
    version: str | None
    released: str | None  # YYYY-MM-DD


def read_citation(root: Path) -> Citation:
    cff = yaml.safe_load(paths.citation_file(root).read_text(encoding="utf-8"))
    authors = tuple(
        a.get("name") or " ".join(filter(None, (a.get("given-names"), a.get("family-names")))) for a in cff["authors"]
    )
    released = cff.get("date-released")
    return Citation(
        cff["title"],
        authors,
        cff["repository-code"],
        None if cff.get("version") is None else str(cff["version"]),
        None if released is None else str(released),
    )


_VERSION = re.compile(r"^version: .*\n(date-released: .*\n)?", re.M)


def with_edition(text: str, version: str, released: str | None) -> str:
    """The text of CITATION.cff with ``version`` and ``date-released`` set (the latter only when given)."""
    if not _VERSION.search(text):
        raise ValueError("CITATION.cff has no top-level 'version:' line to update")
    fields = f'version: "{version}"\n' + (f'date-released: "{released}"\n' if released else "")
    return _VERSION.sub(lambda _: fields, text, count=1)
