"""What a refresh changed in the book, in words: values, table rows, figure text and pages.

The comparison is between the outputs stored before the refresh and the new ones, so
it reports what a reader of the book will see change, whatever caused it.
"""

from __future__ import annotations

import ast
import difflib
import html
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from peerwork_review import paths
from peerwork_review.notebooks.notebook import LABEL_KEY, glued

_ROW = re.compile(r"^\* - (.*)$")
_CELL = re.compile(r"^  - (.*)$")
_TABLE = re.compile(r"^```\{list-table\} (.*)$")
_SVG_TEXT = re.compile(r"<text[^>]*>(.*?)</text>", re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Item:
    kind: str  # "value", "table", "figure"
    label: str
    content: object  # text, {row key: row cells}, or list of figure text lines


def _unescape(cell: str) -> str:
    cell = re.sub(r"\{cite:[pt]\}`([^`]*)`", r"[\1]", cell)
    return re.sub(r"\\(.)", r"\1", cell)


def _table(markdown: str) -> tuple[str, str, dict[str, list[str]]] | None:
    """(name, caption, rows keyed by their first cells) of a MyST list-table written by ``render.table``."""
    lines = markdown.splitlines()
    if not lines or not (head := _TABLE.match(lines[0])):
        return None
    name = next((line.removeprefix(":name:").strip() for line in lines[1:] if line.startswith(":name:")), "")
    rows: list[list[str]] = []
    for line in lines[1:]:
        if m := _ROW.match(line):
            rows.append([_unescape(m.group(1))])
        elif (m := _CELL.match(line)) and rows:
            rows[-1].append(_unescape(m.group(1)))
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    keyed: dict[str, list[str]] = {}
    firsts = Counter(row[0] for row in body)  # counted once: tables of a large review have thousands of rows
    for row in body:
        keyed[" / ".join(row[:2]) if firsts[row[0]] > 1 else row[0]] = row
    keyed["\0header"] = header
    return name, _unescape(head.group(1)), keyed


def _svg_lines(svg: str) -> list[str]:
    return [html.unescape(_TAG.sub("", t)).strip() for t in _SVG_TEXT.findall(svg) if _TAG.sub("", t).strip()]


def items(notebook) -> dict[str, Item]:
    """Every glued value, table and figure of an executed notebook, keyed stably."""
    found: dict[str, Item] = {}
    if notebook is None:
        return found
    for index, output in enumerate(o for cell in notebook.cells for o in cell.get("outputs", [])):
        markdown = output.get("data", {}).get("text/markdown")
        if "scrapbook" not in output.get("metadata", {}) and markdown and (table := _table(markdown)):
            table_name, caption, rows = table
            found[f"table {table_name or index}"] = Item("table", caption, rows)
    for name, output in glued(notebook).items():
        data = output["data"]
        label = output["metadata"].get(LABEL_KEY, {}).get("label") or name.replace("_", " ")
        if "image/svg+xml" in data:
            found[name] = Item("figure", label, _svg_lines(data["image/svg+xml"]))
        elif "text/csv" in data:
            found[name] = Item("table", label, {"\0csv": data["text/csv"]})
        elif "text/plain" in data:
            text = data["text/plain"]
            try:
                text = str(ast.literal_eval(text))
            except (ValueError, SyntaxError):
                pass
            found[name] = Item("value", label, text)
    return found


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _difference(old: object, new: object, limit: int = 40) -> str:
    """``old → new`` for two values; long ones shown as the words that changed, each with a word either side."""
    a, b = (_unescape(" ".join(str(v).split())) for v in (old, new))
    if len(a) <= limit and len(b) <= limit:
        return f"{a} → {b}"
    # words, and the items of a list written without spaces ("a,b,c", as citation keys are)
    x, y = (re.split(r"(?<=,)(?! )| ", t) for t in (a, b))

    def span(words: list[str], i: int, j: int) -> str:
        first, last = max(i - 1, 0), min(j + 1, len(words))
        text = _short(" ".join(words[first:last]) or "(nothing)", limit)
        return ("…" if first else "") + text + ("…" if last < len(words) and not text.endswith("…") else "")

    changes = [op for op in difflib.SequenceMatcher(None, x, y, autojunk=False).get_opcodes() if op[0] != "equal"]
    shown = [f"{span(x, i1, i2)} → {span(y, j1, j2)}" for _, i1, i2, j1, j2 in changes[:3]]
    return "; ".join(shown) + (f"; and {len(changes) - 3} more" if len(changes) > 3 else "")


def _table_changes(label: str, old: dict, new: dict) -> list[str]:
    if "\0csv" in old or "\0csv" in new:
        return [f"Download “{label}”: its contents changed"] if old != new else []
    name = f"Table “{_short(label, 60)}”"
    old_header, new_header = old.get("\0header", []), new.get("\0header", [])
    lines = []
    if gained := [h for h in new_header if h not in old_header]:
        lines.append(f"{name}: new column{'s' if len(gained) != 1 else ''} " + ", ".join(f"“{h}”" for h in gained))
    if lost := [h for h in old_header if h not in new_header]:
        lines.append(f"{name}: column{'s' if len(lost) != 1 else ''} removed: " + ", ".join(f"“{h}”" for h in lost))
    keys_old = [k for k in old if k != "\0header"]
    keys_new = [k for k in new if k != "\0header"]
    for verb, keys in (
        ("added", [k for k in keys_new if k not in old]),
        ("removed", [k for k in keys_old if k not in new]),
    ):
        if keys:
            lines.append(
                f"{name}: {len(keys)} row{'s' if len(keys) != 1 else ''} {verb}: "
                + "; ".join(_short(k, 50) for k in keys[:5])
                + (" …" if len(keys) > 5 else "")
            )
    for key in (k for k in keys_new if k in old):
        before, after = dict(zip(old_header, old[key])), dict(zip(new_header, new[key]))
        cells = [
            f"{column}: {_difference(before[column], after[column])}"
            for column in new_header
            if column in before and before[column] != after[column]
        ]
        if cells:
            lines.append(f"{name}, row {_short(key, 40)}: " + "; ".join(cells))
    return lines


def _figure_changes(label: str, old: list[str], new: list[str]) -> list[str]:
    if old == new:
        return []
    gone = [line for line in old if line not in new]
    came = [line for line in new if line not in old]
    if not gone and not came:
        return [f"Figure “{label}”: redrawn (same text, other shapes)"]
    parts = [f"now reads “{_short(c, 60)}”" for c in came[:4]] + [
        f"no longer “{_short(g, 60)}”" for g in gone[:4] if not came
    ]
    return [f"Figure “{label}”: " + "; ".join(parts) + (" …" if len(came) > 4 else "")]


def notebook_changes(old, new) -> list[str]:
    before, after = items(old), items(new)
    lines = []
    for key in after.keys() | before.keys():
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None and a.content == b.content:
            continue
        item = b or a
        assert item is not None  # the key is in one of the two
        if a is None or b is None:
            state = "new" if a is None else "removed"
            lines.append(f"{item.kind.capitalize()} “{_short(item.label, 60)}”: {state}")
        elif item.kind == "value":
            lines.append(f"{item.label[0].upper()}{item.label[1:]}: {_difference(a.content, b.content)}")
        elif item.kind == "table":
            assert isinstance(a.content, dict) and isinstance(b.content, dict)  # a table's rows, see Item
            lines += _table_changes(item.label, a.content, b.content)
        else:
            assert isinstance(a.content, list) and isinstance(b.content, list)  # a figure's lines, see Item
            lines += _figure_changes(item.label, a.content, b.content)
    return sorted(lines)


def title(notebook) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and (m := re.search(r"^# (.+)$", cell.source, re.M)):
            return re.sub(r"\\(.)", r"\1", m.group(1).strip())  # headings generated from data are escaped
    return "(untitled)"


def describe_changes(root: Path, runs: list[tuple[Path, object, object]]) -> str:
    """The refresh report: for each notebook (path, stored before, executed now), what a reader will see change."""
    sections, unchanged = [], 0
    for path, old, new in runs:
        where = f"{title(new)} ({path.relative_to(root).as_posix()})"
        if old is None:
            sections.append(f"New page: {where}")
            continue
        lines = notebook_changes(old, new)
        if lines:
            sections.append(where + "\n" + "\n".join(f"  - {line}" for line in lines))
        else:
            unchanged += 1
    kept = {path for path, _, _ in runs}
    for path in paths.stored_notebooks(root):
        if path not in kept:
            sections.append(
                f"Page removed: {path.relative_to(root).as_posix()} (nothing in the data generates it any more)"
            )
    head = f"Refreshed {len(runs)} notebooks; {len(runs) - unchanged} of them show something new."
    if not sections:
        return head + "\nNothing a reader sees has changed."
    return head + " What changed in the book:\n\n" + "\n\n".join(sections)
