"""``data/datapackage.json`` read as JSON that a descriptor may be: one object, no key twice, no NaN or
Infinity, no number longer than any count needs, no nesting deeper than Python's parser can
follow, and no text holding an invisible or unpaired character. Each is one clear problem,
never a traceback and never a silent choice (JSON's last duplicate key wins)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from peerwork_review.errors import Problem
from peerwork_review.reading import cells
from peerwork_review.reading.textfile import FileProblems, read_text

DESCRIPTOR = "data/datapackage.json"


class _Refused(ValueError):
    """JSON that parses, but not as a descriptor may be written."""


def _object(pairs: list[tuple[str, object]]) -> dict:
    keys = [key for key, _ in pairs]
    if len(set(keys)) < len(keys):
        twice = next(key for key in keys if keys.count(key) > 1)
        raise _Refused(f"key {twice!r} appears twice in one object, so only one of them would count")
    return dict(pairs)


def _constant(name: str):
    raise _Refused(f"{name} is not a number JSON allows")


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > 15:
        raise _Refused(f"the number {text[:15]}… has more digits than any count or limit needs")
    return int(text)


def _float(text: str) -> float:
    if not math.isfinite(value := float(text)):
        raise _Refused(f"the number {text[:15]} is too large")
    return value


def _strings(value) -> list[tuple[str, str]]:
    """(where, text) for every key and text value in a JSON document, without recursion."""
    found, pending = [], [("", value)]
    while pending:
        where, item = pending.pop()
        if isinstance(item, str):
            found.append((where or "the package", item))
        elif isinstance(item, dict):
            found += [(f"{where}/{key}", key) for key in item]
            pending += [(f"{where}/{key}", v) for key, v in item.items()]
        elif isinstance(item, list):
            pending += [(f"{where}/{i}", v) for i, v in enumerate(item)]
    return found


def read_json(data: Path) -> tuple[dict | None, list[Problem]]:
    found = FileProblems(DESCRIPTOR)
    text = read_text(data / "datapackage.json", found)
    if text is None:
        return None, found.problems
    try:
        descriptor = json.loads(
            text, object_pairs_hook=_object, parse_constant=_constant, parse_int=_integer, parse_float=_float
        )
    except json.JSONDecodeError as exc:
        found.problem(exc.lineno, None, f"is not valid JSON: {exc.msg} (column {exc.colno})")
    except _Refused as exc:
        found.problem(None, None, str(exc))
    except RecursionError:
        found.problem(None, None, "is nested too deeply to be a data package descriptor")
    else:
        if not isinstance(descriptor, dict):
            found.problem(None, None, "must hold one JSON object")
        for where, text in _strings(descriptor) if isinstance(descriptor, dict) else []:
            if hidden := cells.invisible_character(text):
                found.problem(None, None, f"{where}: holds an invisible or unpaired character ({hidden})", "delete it")
    return (None, found.problems) if found.problems else (descriptor, [])
