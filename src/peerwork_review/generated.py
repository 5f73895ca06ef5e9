"""Notebooks generated from the data: one page per later search run.

Each is a thin notebook like the hand-written ones: markdown cells for its headings
and fixed wording, code cells that call the package. Only the run id and its label come
from the data; ``make refresh`` writes them and the build checks they still match.
"""

from __future__ import annotations

import re

import nbformat

from .model import Review, rows
from .render import escape

UPDATES = "updates"
HIDE = {"tags": ["hide-input"]}


def slug(run_id: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", run_id.lower()).strip("-") or "run"


def update_path(run_id: str) -> str:
    """Where the page of a later run lives, relative to notebooks/."""
    return f"{UPDATES}/{slug(run_id)}.ipynb"


def _code(source: str):
    return nbformat.v4.new_code_cell(source, metadata=dict(HIDE))


def _markdown(source: str):
    return nbformat.v4.new_markdown_cell(source)


def update_notebook(review: Review, run_id: str):
    run = next(r for r in rows(review.runs) if r["search_run_id"] == run_id)
    name = slug(run_id)
    cells = [
        _markdown(f"# {escape(run['label'])}\n\n"
                  "This page is generated from `data/` for one search run after the published review: what the search "
                  "covered, its PRISMA 2020 flow in the form for updated reviews, the studies it added and what that "
                  "changed in the review's counts and tables. The published review's own search is on "
                  "[Search and selection](../01-search-and-selection.ipynb)."),
        _code("from peerwork_review import notebook, render, updates\n"
              "review = notebook.setup()\n"
              f"RUN = {run_id!r}\n"
              "updates.glue_values(review, RUN)"),
        _markdown("## The search\n\n"
                  "{glue:md}`search_summary:myst`"),
        _code("notebook.glue_figure('update_flow', updates.flow_diagram(review, RUN), 'PRISMA 2020 flow diagram of this search')"),
        _markdown("```{glue:figure} update_flow\n"
                  f":name: fig-prisma-flow-{name}\n"
                  ":alt: PRISMA 2020 flow diagram for an updated review: the studies of the previous version in a column "
                  "of their own, this search's records from databases and other methods, and the new and total studies "
                  "included. The numbers are listed in the table that follows.\n\n"
                  "PRISMA 2020 flow diagram of this search, in the form for updated reviews.\n"
                  "```"),
        _code(f"render.table(updates.flow_table(review, RUN), caption='Numbers in the flow diagram of this search, with the source of each.',\n"
              f"             name='table-prisma-flow-{name}', widths=[12, 30, 10, 48])"),
        _markdown("## Studies added\n\n{glue:md}`studies_added_sentence:myst`"),
        _code(f"updates.studies_added_table(review, RUN, name='table-studies-added-{name}')"),
        _markdown("## What changed\n\n"
                  "Every count and table of the review before this search and after it. Counts that did not change are "
                  "not listed."),
        _code(f"updates.changes_table(review, RUN, name='table-changes-{name}')"),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def generated_notebooks(review: Review) -> dict[str, object]:
    """Path relative to notebooks/ -> generated notebook, for every later search run."""
    return {update_path(run_id): update_notebook(review, run_id) for run_id in review.run_ids[1:]}
