"""Notebooks generated from the data: the themes chapter (a section per theme) and a page per later search run.

Each is written from a template notebook in ``templates/``, a notebook like the
hand-written ones whose cells hold ``${placeholders}`` (:class:`string.Template`). Only
names and identifiers come from the data: a theme's name as its heading, a run's label as
the page title, their identifiers where the code and the labels name them. Cells marked
``{"peerwork_review": {"repeat": "theme"}}`` in their metadata are written once per theme,
in reading order; cells marked ``{"peerwork_review": {"only": "records"}}`` only for a run
with a record ledger (``"withdrawals"``, ``"corrections"``: a run that withdrew studies,
corrected values). ``make refresh`` writes these notebooks and the build checks that
they still match the data and their templates.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence, Set
from pathlib import Path
from string import Template

import nbformat

from peerwork_review import paths
from peerwork_review.derivation.derive import ordered_themes
from peerwork_review.model.editions import edition
from peerwork_review.model.review import Review, rows
from peerwork_review.rendering.render import escape

TEMPLATES = Path(__file__).parent / "templates"
THEMES = "04-themes.ipynb"
MARK = "peerwork_review"
_IDENTIFIER = re.compile(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*")


def identifier(value: str) -> str:
    """An identifier as it goes into a cell, unchanged: into a Python string, a MyST label and a glue name alike.
    The data's patterns allow nothing else; this makes sure, since no one escaping fits all three."""
    if not _IDENTIFIER.fullmatch(value):
        raise ValueError(f"{value!r} cannot name a glued value, a label and a Python string safely")
    return value


def _fill(cell, values: dict[str, str]):
    out = copy.deepcopy(cell)
    out.metadata.pop(MARK, None)
    out.source = Template(cell.source).substitute(values)
    return out


def from_template(
    name: str, values: dict[str, str], repeats: Sequence[dict[str, str]] = (), only: Set[str] = frozenset()
) -> nbformat.NotebookNode:
    """The template ``name`` with ``values`` filled in, its repeated cells once for each of ``repeats``,
    and the cells marked "only" for one of ``only``.

    Text values must be escaped for MyST by the caller; identifiers go through :func:`identifier`.
    """
    template = nbformat.read(TEMPLATES / f"{name}.ipynb", as_version=4)
    cells: list = []
    marked: list = []

    def write_marked():
        cells.extend(_fill(cell, {**values, **each}) for each in repeats for cell in marked)
        marked.clear()

    for cell in template.cells:
        mark = cell.metadata.get(MARK, {})
        if "only" in mark and mark["only"] not in only:
            continue
        if mark.get("repeat"):
            marked.append(cell)
            continue
        write_marked()
        cells.append(_fill(cell, values))
    write_marked()
    for index, cell in enumerate(cells):
        cell.id = f"{name}-{index}"  # stable, so a regenerated notebook is byte-identical
    template.cells = cells
    return template


def update_notebook(review: Review, run_id: str):
    """The page of a later search run, an edition of the book: its search, its flow, the studies and reports it
    added, what it withdrew or corrected, what that changed, and how to cite it."""
    run = next(r for r in rows(review.runs) if r["search_run_id"] == run_id)
    values = {
        "label": escape(run["label"]),
        "number": str(edition(review, run_id).number),
        "run_id": identifier(run_id),
        "slug": identifier(paths.slug(run_id)),
    }
    # Sections only where the run has something to show: its record ledger, its withdrawals, its corrections.
    data = review.everything or review
    tables = {"records": data.records, "withdrawals": data.withdrawals, "corrections": data.corrections}
    only = {name for name, table in tables.items() if (table["search_run_id"] == run_id).any()}
    return from_template("update", values, only=only)


def themes_notebook(review: Review):
    """The themes chapter: a real heading per theme and subtheme, each followed by its findings."""
    themes = [
        {
            "theme_id": identifier(theme["theme_id"]),
            "heading": "##" if theme["kind"] == "theme" else "###",
            "name": escape(theme["name"]),
            "description": escape(theme["description"]),
        }
        for theme in rows(ordered_themes(review))
    ]
    return from_template("themes", {}, themes)


def generated_notebooks(review: Review) -> dict[str, object]:
    """Path relative to notebooks/ -> generated notebook: the themes chapter and every later search run's page."""
    out = {THEMES: themes_notebook(review)}
    out.update({paths.update_page(run_id): update_notebook(review, run_id) for run_id in review.run_ids[1:]})
    return out
