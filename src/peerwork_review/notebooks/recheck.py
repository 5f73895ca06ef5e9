"""``peerwork-review check``: re-derive every figure and say, in words, what differs from the stored outputs.

Notebook 05 glues, for every published figure, its published value
(``values.glue_published_figures``), derived value and status, and for every stated
sum its total and status (:func:`glue_record`), all as the text the book shows. This
module derives them again from ``data/`` and compares, so a reviewer reads
"Studies in the United States: derived 6–7, now 5–6; within range → outside range"
instead of a raw diff of notebook JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol, cast

import pandas as pd

from peerwork_review.rendering.render import value_text

NOTEBOOK = "notebooks/05-reproduction-check.ipynb"


# The rows of reproduction.figure_table and check_table as itertuples gives them:
# pandas-stubs can only type each column as any scalar (bytes among them).
class _Figure(Protocol):
    figure_id: str
    description: str
    published: object
    derived: str
    status: str


class _Check(Protocol):
    check_id: str
    description: str
    sum_of_parts: int
    status: str


def _figures(figures: pd.DataFrame) -> Iterable[_Figure]:
    return cast(Iterable[_Figure], figures.itertuples())


def _checks(checks: pd.DataFrame) -> Iterable[_Check]:
    return cast(Iterable[_Check], checks.itertuples())


def _keys(kind: str, name: str) -> dict[str, str]:
    if kind == "figure":
        return {"published": f"published_{name}", "derived": f"derived_{name}", "status": f"status_{name}"}
    return {"sum": f"sum_{name}", "status": f"sumstatus_{name}"}


def glue_record(figures: pd.DataFrame, checks: pd.DataFrame) -> None:
    """Store what ``check`` compares as glued values of the notebook that calls it (the published values are glued already)."""
    from peerwork_review.notebooks.notebook import glue

    for row in _figures(figures):
        keys = _keys("figure", row.figure_id)
        glue(keys["derived"], row.derived, f"derived: {row.description}")
        glue(keys["status"], row.status, f"status: {row.description}")
    for check in _checks(checks):
        keys = _keys("sum", check.check_id)
        glue(keys["sum"], check.sum_of_parts, f"parts added up: {check.description}")
        glue(keys["status"], check.status, f"status: {check.description}")


def stored(root: Path) -> dict[str, object]:
    """Every glued value of the stored reproduction check, as the text the book shows."""
    import nbformat

    from peerwork_review.notebooks.changes import items

    found = items(nbformat.read(root / NOTEBOOK, as_version=4))
    return {key: item.content for key, item in found.items() if item.kind == "value"}


def differences(figures: pd.DataFrame, checks: pd.DataFrame, before: dict[str, object]) -> list[str]:
    """One sentence per figure or sum whose stored output differs from the fresh derivation."""
    out = []
    for row in _figures(figures):
        keys = _keys("figure", row.figure_id)
        if keys["status"] not in before:
            out.append(f"{row.description}: not in the stored outputs; now derived {row.derived} ({row.status}).")
            continue
        was = {k: str(before.get(v, "")) for k, v in keys.items()}
        now = {"published": value_text(row.published), "derived": str(row.derived), "status": row.status}
        if was == now:
            continue
        parts = []
        if was["published"] != now["published"]:
            parts.append(f"published {was['published']}, now {now['published']}")
        parts.append(
            f"derived {was['derived']}, now {now['derived']}"
            if was["derived"] != now["derived"]
            else f"derived {now['derived']}"
        )
        parts.append(
            f"{was['status']} → {now['status']}" if was["status"] != now["status"] else f"still {now['status']}"
        )
        out.append(f"{row.description}: {'; '.join(parts)}.")
    current = set(figures["figure_id"])
    for key in sorted(before):
        if key.startswith("status_") and key.removeprefix("status_") not in current:
            out.append(
                f"{key.removeprefix('status_')}: in the stored outputs ({before[key]}), but no longer a published figure."
            )
    for check in _checks(checks):
        keys = _keys("sum", check.check_id)
        was_sum, was_status = before.get(keys["sum"]), before.get(keys["status"])
        if was_status is None:
            out.append(
                f"Stated sum “{check.description}”: not in the stored outputs; now {check.sum_of_parts:,} ({check.status})."
            )
        elif (str(was_sum), was_status) != (value_text(check.sum_of_parts), check.status):
            status = f"{was_status} → {check.status}" if was_status != check.status else f"still {check.status}"
            out.append(
                f"Stated sum “{check.description}”: parts added to {was_sum}, now {check.sum_of_parts:,}; {status}."
            )
    return out


def run(root: Path) -> int:
    """Print the differences; 0 when there are none, 1 otherwise (or when the data are not valid)."""
    import sys

    from peerwork_review.derivation import reproduction
    from peerwork_review.errors import DataError
    from peerwork_review.model.review import load
    from peerwork_review.notebooks.inputs import edited_notebooks

    try:
        review = load(root)
    except DataError as exc:
        print(exc, file=sys.stderr)
        print(
            "\nThe data are not valid, so nothing could be re-derived. Run `make validate` for the list above.",
            file=sys.stderr,
        )
        return 1
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
