"""What an import changed, file by file, in words an author reads without knowing CSV."""

from __future__ import annotations

import csv
import io

from peerwork_review.authoring.workbook import primary_key


def _rows(content: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    return (rows[0], rows[1:]) if rows else ([], [])


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else words or word + 's'}"


def _shown(value: str) -> str:
    if value == "":
        return "(empty)"
    return repr(value) if len(value) <= 80 else repr(value[:77] + "...")


def table_changes(key_fields: list[str], old: bytes, new: bytes) -> list[str]:
    """Lines for one file: rows added and removed (by their key), values changed (old -> new)."""
    old_header, old_rows = _rows(old)
    header, new_rows = _rows(new)
    key_fields = [k for k in key_fields if k in header] or header  # no key: a row is its values

    def keyed(hdr, rows):
        index = [hdr.index(k) for k in key_fields if k in hdr]
        return {tuple(r[i] for i in index): dict(zip(hdr, r)) for r in rows}

    before, after = keyed(old_header, old_rows), keyed(header, new_rows)
    name = lambda key: " / ".join(k or "(empty)" for k in key)  # noqa: E731
    added = [k for k in after if k not in before]
    removed = [k for k in before if k not in after]
    changed = []
    for key in (k for k in after if k in before):
        for column in header:
            was, now = before[key].get(column, ""), after[key][column]
            if was != now:
                changed.append(f"    {name(key)}: {column} changed from {_shown(was)} to {_shown(now)}")
    lines = []
    if added:
        lines.append(f"  {_plural(len(added), 'row')} added:")
        lines += [f"    + {name(key)}" for key in added]
    if removed:
        lines.append(f"  {_plural(len(removed), 'row')} removed:")
        lines += [f"    - {name(key)}" for key in removed]
    if changed:
        lines.append(f"  {_plural(len(changed), 'value')} changed:")
        lines += changed
    if not lines and old != new:
        lines.append(
            "  the same rows, in a different order"
            if header == old_header
            else "  the columns are in a different order"
        )
    return lines


def describe_changes(descriptor: dict, old: dict[str, bytes], new: dict[str, bytes], entries: list[str]) -> list[str]:
    keys = {r["path"]: primary_key(r) for r in descriptor["resources"]}
    sheet = {r["path"]: r["name"] for r in descriptor["resources"]}
    lines = []
    for path, content in new.items():
        if old.get(path, b"") != content:
            lines.append(f"data/{path} (sheet '{sheet[path]}'):")
            lines += table_changes(keys.get(path, []), old.get(path, b""), content)
    if entries:
        added = [e.split("{", 1)[1].split(",", 1)[0] for e in entries]
        lines.append(f"references.bib: {_plural(len(added), 'entry', 'entries')} added: {'; '.join(added)}")
    return lines
