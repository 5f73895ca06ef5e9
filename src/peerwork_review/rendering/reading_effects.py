"""What each alternative reading does to the published figures and to what they imply.

For every reading of ``data/readings.csv`` the figures are recomputed under each
alternative (:func:`readings.apply`); a figure's verdict *depends on the reading* when
its status differs between alternatives. Figures the chosen alternative was picked partly
to match (``chosen_to_match``) are named plainly, since reproducing them is not
independent evidence.
"""

from __future__ import annotations

from typing import cast

import pandas as pd

from peerwork_review.derivation import reproduction
from peerwork_review.derivation.families import TABLE_3, Cell
from peerwork_review.model import readings
from peerwork_review.model.review import Review
from peerwork_review.rendering.render import Markup, escape, list_table


def verdicts(review: Review) -> dict[tuple[str, str], pd.DataFrame]:
    """(reading, alternative) -> the figure table under that alternative."""
    out = {}
    for reading_id in readings.reading_ids(review):
        for alternative, changed in readings.under_each(review, reading_id):
            out[(reading_id, alternative.alternative_id)] = reproduction.figure_table(changed).set_index("figure_id")
    return out


def dependence(review: Review, reading_id: str, tables: dict | None = None) -> pd.DataFrame:
    """Figures whose derived value changes between the alternatives of a reading, with each verdict."""
    tables = tables or verdicts(review)
    alternatives = [a for a, _ in readings.under_each(review, reading_id)]
    labels = answers(review, reading_id)
    frames = [tables[(reading_id, a.alternative_id)] for a in alternatives]
    first = frames[0]
    out = []
    for figure_id in first.index:
        cells = [(f.loc[figure_id, "derived"], f.loc[figure_id, "status"]) for f in frames]
        if len(set(cells)) == 1:
            continue
        row = {
            "figure_id": figure_id,
            "Figure": first.loc[figure_id, "description"],
            "Published": str(first.loc[figure_id, "published"]),
        }
        for alternative, (derived, status) in zip(alternatives, cells):
            row[labels[alternative.alternative_id].capitalize()] = f"{derived}: {status}"
        row["Verdict depends on the reading"] = "yes" if len({s for _, s in cells}) > 1 else "no"
        out.append(row)
    return pd.DataFrame(out)


def answers(review: Review, reading_id: str) -> dict[str, str]:
    """Alternative id -> how the pages name it: "answer 1 (this edition)", "answer 2", ..., the chosen one first."""
    found = sorted((a for a in readings.alternatives(review) if a.reading_id == reading_id), key=lambda a: not a.chosen)
    return {a.alternative_id: f"answer {n}" + (" (this edition)" if a.chosen else "") for n, a in enumerate(found, 1)}


def unknown_value(review: Review, cell: Cell) -> str:
    """Where an unknown value belongs, in readers' words: a column's title, or a theme's cell of the review's Table 3."""
    if cell.file == TABLE_3:
        names = dict(zip(review.themes["theme_id"], review.themes["name"]))
        return f"supports '{names.get(cell.column, cell.column)}', a cell of {TABLE_3}"
    return review.column_title(cell.file, cell.column)[0]


def _text(table: pd.DataFrame, figure_id: str, column: str) -> str:
    """A text cell of a figure table: pandas-stubs types a cell as any scalar, bytes among them."""
    return cast(str, table.loc[figure_id, column])


def fitted_statements(review: Review, tables: dict | None = None) -> list[str]:
    """Plain sentences on the figures a chosen reading was picked partly to match."""
    tables = tables or verdicts(review)
    out = []
    for alternative in readings.alternatives(review):
        if not alternative.chosen:
            continue
        labels = answers(review, alternative.reading_id)
        others = [a for a in readings.alternatives(review) if a.reading_id == alternative.reading_id and not a.chosen]
        for figure_id in alternative.chosen_to_match:
            chosen = tables[(alternative.reading_id, alternative.alternative_id)].loc[figure_id]
            elsewhere = ", ".join(
                f"{_text(tables[(a.reading_id, a.alternative_id)], figure_id, 'derived')} under {labels[a.alternative_id]} "
                f"({_text(tables[(a.reading_id, a.alternative_id)], figure_id, 'status')})"
                for a in others
            )
            out.append(
                f"“{chosen['description']}” ({chosen['published']}) is {chosen['status']} under a reading chosen partly because "
                f"it gives {chosen['published']}: this edition's answer to “{alternative.question}” "
                f"({alternative.text.rstrip('.')}). It is therefore no independent evidence. "
                f"Under the other answers it is {elsewhere}."
            )
    return out


def report(review: Review) -> Markup:
    """MyST: the statements on fitted figures, then per reading its answers and the figures that move."""
    tables = verdicts(review)
    blocks = ["\n".join(f"- {escape(s)}" for s in fitted_statements(review, tables))]
    for reading_id in readings.reading_ids(review):
        labels = answers(review, reading_id)
        alternatives = [a for a in readings.alternatives(review) if a.reading_id == reading_id]
        alternatives.sort(key=lambda a: not a.chosen)
        question = alternatives[0].question
        blocks.append(f"```{{rubric}} {escape(question)}\n:name: reading-{reading_id}\n```")
        listed = pd.DataFrame(
            [
                {
                    "Answer": labels[a.alternative_id].capitalize(),
                    "What it says": a.text,
                    "Evidence": a.evidence,
                    "Source": a.source,
                }
                for a in alternatives
            ]
        )
        blocks.append(
            list_table(
                listed,
                f"Answers to “{question}”",
                f"table-reading-{reading_id}",
                widths=[14, 22, 38, 26],
                sortable=False,
            )
        )
        moved = dependence(review, reading_id, tables)
        if moved.empty:
            blocks.append("No published figure changes between these answers.")
        else:
            blocks.append(
                list_table(
                    moved.drop(columns="figure_id"),
                    f"Published figures that change between the answers to “{question}”",
                    f"table-reading-{reading_id}-figures",
                    sortable=False,
                )
            )
    return Markup("\n\n".join(blocks))
