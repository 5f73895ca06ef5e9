"""Point a person at the data behind a notebook failure, where that can be known.

A traceback from a notebook names values, not files. When it quotes an identifier that
the data define (a study, a report, a theme, a run, a figure), the row that defines it
is the place to look first.
"""

from __future__ import annotations

import csv
import io
import re

from peerwork_review.model.review import Review
from peerwork_review.reading.load import read_descriptor

_QUOTED = re.compile(r"""['"]([^'"\s]{2,80})['"]""")


def _key_rows(review: Review) -> dict[str, list[str]]:
    """Identifier -> where it is defined, as 'data/file.csv, row N (column value)'."""
    descriptor = read_descriptor(review.root / "data")
    places: dict[str, list[str]] = {}
    for resource in descriptor.get("resources", []):
        key = resource.get("schema", {}).get("primaryKey")
        key = [key] if isinstance(key, str) else key
        if not key or len(key) != 1:
            continue
        path = review.root / "data" / resource["path"]
        reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
        for row, record in enumerate(reader, start=2):
            value = record.get(key[0])
            if value:
                places.setdefault(value, []).append(f"data/{resource['path']}, row {row} ({key[0]} {value!r})")
    return places


def where_to_look(review: Review, error: str | None) -> list[str]:
    places = _key_rows(review)
    seen: list[str] = []
    for token in _QUOTED.findall(error or ""):
        for place in places.get(token, []):
            if place not in seen:
                seen.append(place)
    return seen[:5]
