"""What ``make refresh`` says changed: long values and table cells are cut down to the words that changed."""

from __future__ import annotations

import nbformat
import pandas as pd

from peerwork_review.notebooks import changes, notebook
from peerwork_review.rendering import render
from tests.jupyter import displayed


def _notebook(sentence: str, cell: str):
    glued = displayed(notebook.glue, "summary", sentence, "summary of the evidence")
    frame = pd.DataFrame({"Study": ["Gates 2010"], "Setting": [cell]})
    table = nbformat.v4.new_output(
        "display_data", data={"text/markdown": render.list_table(frame, "Included studies", "tbl-studies")}
    )
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[*glued, table])])


LONG = (
    "The review brought together sixteen studies from six countries, most of them from Australia and the United States."
)


def test_a_long_value_shows_only_the_words_that_changed():
    old = _notebook(LONG, "Community mental health services in a large city")
    new = _notebook(
        LONG.replace("sixteen", "seventeen").replace("six countries", "seven countries"),
        "Community mental health services in a large city",
    )
    assert changes.notebook_changes(old, new) == [
        "Summary of the evidence: …together sixteen studies… → …together seventeen studies…; "
        "…from six countries,… → …from seven countries,…"
    ]


def test_a_table_cell_shows_the_change_without_markup():
    old = _notebook(LONG, "Community mental health services in a large city, with peer support workers")
    new = _notebook(LONG, "Community mental health services in a *large* city, with peer support workers")
    assert changes.notebook_changes(old, new) == [
        "Table “Included studies”, row Gates 2010: Setting: …a large city,… → …a *large* city,…"
    ]


def test_short_values_are_shown_whole():
    assert changes.notebook_changes(_notebook("3", "x"), _notebook("4", "x")) == ["Summary of the evidence: 3 → 4"]


def test_a_list_without_spaces_shows_the_item_that_changed():
    keys = ",".join(f"author{n}2020" for n in range(12))
    old = _notebook(LONG, keys)
    new = _notebook(LONG, keys.replace("author52020,", "author52020,newcomer2026,"))
    assert changes.notebook_changes(old, new) == [
        "Table “Included studies”, row Gates 2010: Setting: …author52020, author62020,… → "
        "…author52020, newcomer2026, author62020,…"
    ]
