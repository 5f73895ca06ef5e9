"""``peerwork-review check``: re-derive every figure and say, in words, what differs from the stored outputs.

Notebook 05 shows every published figure beside its derived value and status, and every
stated sum with what its parts add up to, in two tables. This module derives them again
from ``data/`` and compares them with those stored tables, row by row, so a reviewer reads
"Studies in the United States: derived 6–7, now 5–6; within range → outside range"
instead of a raw diff of notebook JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import nbformat
import pandas as pd

from peerwork_review.derivation import reproduction
from peerwork_review.errors import DataError, refused
from peerwork_review.model.review import load
from peerwork_review.notebooks.changes import items
from peerwork_review.notebooks.inputs import edited_notebooks
from peerwork_review.rendering.render import value_text

NOTEBOOK = "notebooks/05-reproduction-check.ipynb"
# The names of notebook 05's tables, and the columns of theirs that a derivation decides
FIGURES, SUMS = "table-reproduction-figures", "table-reproduction-checks"
KEY, PUBLISHED, DERIVED, STATUS, SUM = "Description", "Published", "Derived", "Status", "Sum of parts"


def stored(root: Path) -> dict[str, dict[str, dict[str, str]]]:
    """The two stored tables of the reproduction check: table name -> description -> column -> the text shown."""
    found = items(nbformat.read(root / NOTEBOOK, as_version=4))
    out: dict[str, dict[str, dict[str, str]]] = {}
    for name in (FIGURES, SUMS):
        table = found.get(f"table {name}")
        keyed = cast(dict[str, list[str]], table.content if table else {})
        header = keyed.get("\0header", [])
        shown = [dict(zip(header, cells)) for key, cells in keyed.items() if key != "\0header"]
        out[name] = {row[KEY]: row for row in shown}
    return out


def differences(figures: pd.DataFrame, checks: pd.DataFrame, before: dict[str, dict[str, dict[str, str]]]) -> list[str]:
    """One sentence per figure or sum whose stored row differs from the fresh derivation."""
    out = []
    old = dict(before.get(FIGURES, {}))
    for row in figures.to_dict("records"):
        description = row["description"]
        now = {PUBLISHED: value_text(row["published"]), DERIVED: str(row["derived"]), STATUS: row["status"]}
        shown = old.pop(description, None)
        if shown is None:
            out.append(f"{description}: not in the stored outputs; now derived {now[DERIVED]} ({now[STATUS]}).")
            continue
        was = {column: shown.get(column) for column in now}
        if was == now:
            continue
        parts = [f"published {was[PUBLISHED]}, now {now[PUBLISHED]}"] if was[PUBLISHED] != now[PUBLISHED] else []
        parts.append(
            f"derived {was[DERIVED]}, now {now[DERIVED]}" if was[DERIVED] != now[DERIVED] else f"derived {now[DERIVED]}"
        )
        parts.append(f"{was[STATUS]} → {now[STATUS]}" if was[STATUS] != now[STATUS] else f"still {now[STATUS]}")
        out.append(f"{description}: {'; '.join(parts)}.")
    for description, shown in old.items():
        out.append(f"{description}: in the stored outputs ({shown.get(STATUS)}), but no longer a published figure.")
    old = dict(before.get(SUMS, {}))
    for check in checks.to_dict("records"):
        description, total, status = check["description"], value_text(check["sum_of_parts"]), check["status"]
        shown = old.pop(description, None)
        if shown is None:
            out.append(f"Stated sum “{description}”: not in the stored outputs; now {total} ({status}).")
        elif (shown.get(SUM), shown.get(STATUS)) != (total, status):
            moved = f"{shown.get(STATUS)} → {status}" if shown.get(STATUS) != status else f"still {status}"
            out.append(f"Stated sum “{description}”: parts added to {shown.get(SUM)}, now {total}; {moved}.")
    for description, shown in old.items():
        out.append(f"Stated sum “{description}”: in the stored outputs ({shown.get(STATUS)}), but no longer stated.")
    return out


def run(root: Path) -> int:
    """Print the differences; 0 when there are none, 1 otherwise (or when the data are not valid)."""
    try:
        review = load(root)
    except DataError as exc:
        return refused(
            exc, "The data are not valid, so nothing could be re-derived. Run `make validate` for the list above."
        )
    figures, checks = reproduction.figure_table(review), reproduction.check_table(review)
    found = differences(figures, checks, stored(root))
    if edited := edited_notebooks(root):
        print("Stored outputs that `make refresh` did not write:")
        print("\n".join(f"  - {line}" for line in edited))
    if not found and not edited:
        print(
            f"No difference: all {len(figures)} published figures and {len(checks)} stated sums derive as stored in {NOTEBOOK}."
        )
        return 0
    if not found:
        print(f"The published figures and stated sums derive as stored in {NOTEBOOK}; run `make refresh`.")
        return 1
    print(
        f"{len(found)} difference{'s' if len(found) != 1 else ''} from the stored outputs of {NOTEBOOK} "
        "(stored value first, fresh derivation second):"
    )
    for line in found:
        print(f"  - {line}")
    print("If the change is intended, run `make refresh` and commit the refreshed notebooks with it.")
    return 1
