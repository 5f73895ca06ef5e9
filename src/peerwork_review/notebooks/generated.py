"""Notebooks generated from the data: the themes chapter (a section per theme) and a page per later search run.

Each is a thin notebook like the hand-written ones: markdown cells for its headings and
fixed wording, code cells that call the package. Only names and ids come from the data
(a theme's name as its heading, a run's label as its title); ``make refresh`` writes
them and the build checks they still match the data.
"""

from __future__ import annotations

import json

import nbformat

from peerwork_review import paths
from peerwork_review.model.review import Review, rows
from peerwork_review.rendering.render import escape

HIDE = {"tags": ["hide-input"]}


def _code(source: str):
    return nbformat.v4.new_code_cell(source, metadata=dict(HIDE))


def _markdown(source: str):
    return nbformat.v4.new_markdown_cell(source)


def update_notebook(review: Review, run_id: str):
    # The code is written as ruff formats it, so `make lint` stays green after an update; a
    # trailing comma keeps one argument a line, which ruff keeps whatever the run id's length.
    run = next(r for r in rows(review.runs) if r["search_run_id"] == run_id)
    name = paths.slug(run_id)
    counted = bool((review.records["search_run_id"] == run_id).any())
    cells = [
        _markdown(
            f"# {escape(run['label'])}\n\n"
            "This page is generated from `data/` for one search run after the published review: what the search "
            "covered, its PRISMA 2020 flow in the form for updated reviews, the studies it added and what that "
            "changed in the review's counts and tables. The published review's own search is on "
            "[Search and selection](../01-search-and-selection.ipynb)."
        ),
        _code(
            "from peerwork_review.notebooks import notebook, values\n"
            f"from peerwork_review.rendering import {'records, ' if counted else ''}render, updates\n\n"
            "review = notebook.setup()\n"
            f"RUN = {json.dumps(run_id)}\n"
            "values.glue_update(review, RUN)"
        ),
        _markdown("## The search\n\n{glue:md}`search_summary:myst`"),
        _code(
            "notebook.glue_figure(\n"
            f'    "prisma_flow_{name}",\n'
            "    updates.flow_diagram(review, RUN),\n"
            '    "PRISMA 2020 flow diagram of this search",\n'
            "    png=True,\n"
            ")\n"
            "notebook.glue_figure(\n"
            f'    "prisma_flow_{name}_narrow",\n'
            "    updates.flow_diagram(review, RUN, narrow=True),\n"
            '    "the same diagram, laid out for phones",\n'
            ")"
        ),
        # The figure is the SVG the build copies out of the stored output above (as on the search page).
        _markdown(
            f"```{{figure}} ../../_build/outputs/prisma_flow_{name}.svg\n"
            f":name: fig-prisma-flow-{name}\n"
            ":figclass: wide\n:width: 100%\n"
            ":alt: PRISMA 2020 flow diagram for an updated review: the studies of the previous version in a column "
            "of their own, this search's records from databases and other methods, and the new and total studies "
            "included. The numbers are listed in the table that follows. Select the diagram to open it full size.\n\n"
            "PRISMA 2020 flow diagram of this search, in the form for updated reviews. Download: "
            f"{{download}}`PNG <../../_build/outputs/prisma_flow_{name}.png>`, "
            f"{{download}}`SVG <../../_build/outputs/prisma_flow_{name}.svg>`.\n"
            "```\n\n"
            f"```{{figure}} ../../_build/outputs/prisma_flow_{name}_narrow.svg\n"
            ":figclass: narrow-layout\n"
            ":alt: The same flow diagram, laid out for a narrow screen.\n"
            "```"
        ),
        _code(
            "render.table(\n"
            "    updates.flow_table(review, RUN),\n"
            '    caption="Numbers in the flow diagram of this search, with the source of each.",\n'
            f'    name="table-prisma-flow-{name}",\n'
            "    widths=[12, 30, 10, 48],\n"
            ")"
        ),
        *_records_cells(name, counted),
        _markdown("## Studies added\n\n{glue:md}`studies_added_sentence:myst`"),
        _code(f'updates.studies_added_table(\n    review,\n    RUN,\n    name="table-studies-added-{name}",\n)'),
        _markdown(
            "## What changed\n\n"
            "Every count and table of the review before this search and after it. Counts that did not change are "
            "not listed."
        ),
        _code(f'updates.changes_table(\n    review,\n    RUN,\n    name="table-changes-{name}",\n)'),
    ]
    return _notebook(cells, f"update-{name}")


def _records_cells(name: str, counted: bool) -> list:
    """The records section: a sentence, and for a run with a record ledger its sources and its merges to download."""
    cells = [_markdown("## Records\n\n{glue:md}`records_sentence:myst`")]
    if not counted:
        return cells
    return cells + [
        _code(f'records.by_source_table(\n    review,\n    RUN,\n    name="table-records-{name}",\n)'),
        _code(
            "notebook.glue_download(\n"
            f'    "merges_{name}",\n'
            "    records.merges(review, RUN),\n"
            '    "the duplicates this search removed, each beside the record kept and with its rule",\n'
            ")\n"
            "notebook.glue_download(\n"
            f'    "records_{name}",\n'
            '    review.records[review.records["search_run_id"] == RUN],\n'
            '    "the records of this search",\n'
            ")"
        ),
        _markdown(
            "Downloads: {download}`the merges <../../_build/outputs/merges_"
            f"{name}.csv>` (every duplicate beside the record kept, with the rule that matched them) and "
            f"{{download}}`the records <../../_build/outputs/records_{name}.csv>` (this search's rows of "
            "`search_records.csv`). To undo a merge, set its `duplicate_rule` to `kept apart by the author`; to "
            "merge records the rules missed, give `duplicate_of` and `marked by the author` (see "
            "{doc}`Updating the review </book/updating>`)."
        ),
    ]


def _notebook(cells: list, prefix: str):
    for index, cell in enumerate(cells):
        cell.id = f"{prefix}-{index}"  # stable, so a regenerated notebook is byte-identical
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def _narrow(name: str, alt: str) -> str:
    """The glued narrow rendering of figure ``name``, which the book serves to phones in its place."""
    return f"```{{glue:figure}} {name}_narrow\n:figclass: narrow-layout\n:alt: {alt}\n```"


THEMES = "04-themes.ipynb"
THEMES_INTRO = """# Themes

The review's narrative synthesis grouped the organisational actions into {glue:text}`05-reproduction-check.ipynb::published_themes:s` themes and {glue:text}`05-reproduction-check.ipynb::published_subthemes:s` subthemes {cite:p}`reeves2024actions`. This chapter tells what the Results report under each of them, claim by claim, in this edition's words and with the article's citations; then it regenerates the review's Table 3 (its summary of themes and references) and Table 4 (themes and subthemes) and maps which studies each theme rests on.

**Inputs:** `themes.csv` (themes, subthemes and descriptions in this edition's words), `findings.csv` (each claim the Results make under a theme or subtheme, in this edition's words, with its section and paragraph), `finding_reports.csv` (the reports each finding cites), `reports.csv` (which study each report belongs to) and `published_figures.csv` (the numbers of studies the article gives per theme).

**How the counts work:** a study supports a theme when one of the theme's findings cites one of its reports; a study cited under a subtheme also supports the parent theme. No public copy of the article's Table 3 was found, so a study the Results do not cite may still support a theme: the counts from the findings are lower bounds, set beside the article's numbers.

This page is generated from `data/` by `make refresh`: its headings are the themes in `themes.csv`."""


def themes_notebook(review: Review):
    """The themes chapter: a real heading per theme and subtheme, each followed by its findings."""
    from peerwork_review.derivation.derive import ordered_themes

    cells = [
        _markdown(THEMES_INTRO),
        # The code cells are written as ruff formats them, since `make lint` checks the notebook.
        _code(
            "from peerwork_review.notebooks import notebook\n"
            "from peerwork_review.rendering import charts, findings, render, statements, tables\n\n"
            "review = notebook.setup()\n\n"
            'notebook.glue_markdown("theme_list", statements.theme_list(review), "themes and their subthemes")\n'
            "for theme_id, body in findings.sections(review).items():\n"
            '    notebook.glue_markdown(f"section_{theme_id}", body, f"what the Results report under {theme_id}")'
        ),
    ]
    for theme in rows(ordered_themes(review)):
        level = "##" if theme["kind"] == "theme" else "###"
        cells.append(
            _markdown(
                f"(theme-{theme['theme_id']})=\n{level} {escape(theme['name'])}\n\n"
                f"*{escape(theme['description'])}*\n\n"
                f"```{{glue:md}} section_{theme['theme_id']}\n:format: myst\n```"
            )
        )
    cells += [
        _markdown(
            "## Themes, studies and findings\n\n"
            "The tables rebuild the review's Table 3, as far as the Results' citations show it, and its Table 4; "
            "the maps show which studies each theme's findings cite."
        ),
        _code(
            "render.table(\n"
            "    tables.themes_and_references(review),\n"
            '    name="table-themes-references",\n'
            "    article_number=3,\n"
            "    widths=[15, 15, 11, 11, 10, 38],\n"
            '    caption="Summary of themes and references, as far as the citations in the article\'s Results show it: "\n'
            '    "for each theme, the studies cited in its section. A study cited under a subtheme also counts for its theme. "\n'
            '    "A cited reference that reports no included study is listed and said so. † placement inferred.",\n'
            ")"
        ),
        _code(
            "render.table(\n"
            "    tables.themes_and_subthemes(review),\n"
            '    name="table-themes",\n'
            "    article_number=4,\n"
            "    widths=[25, 20, 55],\n"
            "    caption=\"Themes and subthemes as the article's Results and the readable part of the review's Table 4 give them; \"\n"
            '    "descriptions in this edition\'s words. † placement inferred (see data/themes.csv).",\n'
            ")"
        ),
        _code(
            'notebook.glue_figure("evidence_map", charts.evidence_map(review), "Evidence map of studies by theme")\n'
            'notebook.glue_figure("findings_map", charts.evidence_map(review, by="findings"), "Findings by study and theme")\n'
            "# the same maps, themes by studies, for phones\n"
            'notebook.glue_figure("evidence_map_narrow", charts.evidence_map(review, narrow=True), "Evidence map, narrow")\n'
            "notebook.glue_figure(\n"
            '    "findings_map_narrow", charts.evidence_map(review, by="findings", narrow=True), "Findings map, narrow"\n'
            ")"
        ),
        _markdown(
            "```{glue:figure} evidence_map\n:name: fig-evidence-map\n"
            ":alt: Heatmap with the included studies as rows and the themes and subthemes as columns. Dark cells mark a study "
            "cited in that section of the Results, light cells a study cited under one of the theme's subthemes, and pale "
            "grey cells a study not cited there. The same information is in the table above.\n\n"
            "Evidence map: which studies the Results cite for each theme and subtheme.\n```\n\n"
            f"{_narrow('evidence_map', 'The same map with the themes as rows and the studies as columns.')}\n\n"
            "```{glue:figure} findings_map\n:name: fig-findings-map\n"
            ":alt: Heatmap with the included studies as rows and the themes and subthemes as columns; each cell gives the "
            "number of the section's findings that cite the study. The findings themselves are in the sections above.\n\n"
            "Findings by study and theme: how many of each section's findings cite each study.\n```\n\n"
            f"{_narrow('findings_map', 'The same map with the themes as rows and the studies as columns.')}"
        ),
    ]
    return _notebook(cells, "themes")


def generated_notebooks(review: Review) -> dict[str, object]:
    """Path relative to notebooks/ -> generated notebook: the themes chapter and every later search run's page."""
    out = {THEMES: themes_notebook(review)}
    out.update({paths.update_page(run_id): update_notebook(review, run_id) for run_id in review.run_ids[1:]})
    return out
