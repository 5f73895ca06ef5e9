"""``peerwork-review check``: re-derive every figure and say, in words, what differs from the stored outputs.

Notebook 05 glues, for every published figure, its published value, derived value and
status, and for every stated sum its total and status (:func:`glue_record`). This
module derives them again from ``data/`` and compares, so a reviewer reads
"Studies in the United States: derived 6–7, now 5–6; within range → outside range"
instead of a raw diff of notebook JSON.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd

NOTEBOOK = "notebooks/05-reproduction-check.ipynb"


def _keys(kind: str, name: str) -> dict[str, str]:
    if kind == "figure":
        return {"published": f"published_{name}", "derived": f"derived_{name}", "status": f"status_{name}"}
    return {"sum": f"sum_{name}", "status": f"sumstatus_{name}"}


def glue_record(glue, figures: pd.DataFrame, checks: pd.DataFrame) -> None:
    """Store what ``check`` compares as hidden glued values of the notebook that calls it."""
    for row in figures.itertuples():
        keys = _keys("figure", row.figure_id)
        glue(keys["published"], row.published, display=False)
        glue(keys["derived"], row.derived, display=False)
        glue(keys["status"], row.status, display=False)
    for row in checks.itertuples():
        keys = _keys("sum", row.check_id)
        glue(keys["sum"], row.sum_of_parts, display=False)
        glue(keys["status"], row.status, display=False)


def _plain(text: str):
    """A glued value's text/plain back to the value (``'6–7'`` -> ``6–7``)."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def stored(root: Path) -> dict[str, object]:
    import nbformat

    from .cli import glued_values

    path = root / NOTEBOOK
    return {k: _plain(v) for k, v in glued_values(nbformat.read(path, as_version=4)).items()}


def differences(figures: pd.DataFrame, checks: pd.DataFrame, before: dict[str, object]) -> list[str]:
    """One sentence per figure or sum whose stored output differs from the fresh derivation."""
    out = []
    for row in figures.itertuples():
        keys = _keys("figure", row.figure_id)
        if keys["status"] not in before:
            out.append(f"{row.description}: not in the stored outputs; now derived {row.derived} ({row.status}).")
            continue
        was = {k: str(before.get(v, "")) for k, v in keys.items()}
        now = {"published": str(row.published), "derived": str(row.derived), "status": row.status}
        if was == now:
            continue
        parts = []
        if was["published"] != now["published"]:
            parts.append(f"published {was['published']}, now {now['published']}")
        parts.append(f"derived {was['derived']}, now {now['derived']}" if was["derived"] != now["derived"] else f"derived {now['derived']}")
        parts.append(f"{was['status']} → {now['status']}" if was["status"] != now["status"] else f"still {now['status']}")
        out.append(f"{row.description}: {'; '.join(parts)}.")
    current = set(figures["figure_id"])
    for key in sorted(before):
        if key.startswith("status_") and key.removeprefix("status_") not in current:
            out.append(f"{key.removeprefix('status_')}: in the stored outputs ({before[key]}), but no longer a published figure.")
    for row in checks.itertuples():
        keys = _keys("sum", row.check_id)
        was_sum, was_status = before.get(keys["sum"]), before.get(keys["status"])
        if was_status is None:
            out.append(f"Stated sum “{row.description}”: not in the stored outputs; now {row.sum_of_parts:,} ({row.status}).")
        elif (str(was_sum), was_status) != (str(row.sum_of_parts), row.status):
            status = f"{was_status} → {row.status}" if was_status != row.status else f"still {row.status}"
            out.append(f"Stated sum “{row.description}”: parts added to {was_sum}, now {row.sum_of_parts:,}; {status}.")
    return out


def run(root: Path) -> int:
    """Print the differences; 0 when there are none, 1 otherwise (or when the data are not valid)."""
    import sys

    from . import reproduction
    from .errors import DataError
    from .load import load

    try:
        review = load(root)
    except DataError as exc:
        print(exc, file=sys.stderr)
        print("\nThe data are not valid, so nothing could be re-derived. Run `make validate` for the list above.", file=sys.stderr)
        return 1
    figures, checks = reproduction.figure_table(review), reproduction.check_table(review)
    found = differences(figures, checks, stored(root))
    if not found:
        print(f"No difference: all {len(figures)} published figures and {len(checks)} stated sums derive as stored in {NOTEBOOK}.")
        return 0
    print(f"{len(found)} difference{'s' if len(found) != 1 else ''} from the stored outputs of {NOTEBOOK} "
          "(stored value first, fresh derivation second):")
    for line in found:
        print(f"  - {line}")
    print("If the change is intended, run `make refresh` and commit the refreshed notebooks with it.")
    return 1
