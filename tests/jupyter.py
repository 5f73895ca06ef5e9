"""What a notebook shows where it runs: in Jupyter, exported by nbconvert, on Binder, without Sphinx.

Shared by the tests of the repository's notebooks and of the pages generated for a later search.
"""

from __future__ import annotations

import base64
import html
import re

import nbformat
from bs4 import BeautifulSoup
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from nbconvert import HTMLExporter

from peerwork_review import paths

# The MIME types Jupyter renders. myst-nb keeps a value glued with display=False under
# "application/papermill.record/<type>", which nothing but the book shows.
JUPYTER_SHOWS = {"text/plain", "text/html", "text/markdown", "text/latex", "image/svg+xml", "image/png", "image/jpeg"}
# A role or directive that pastes a value glued by the same notebook: Jupyter shows its source, not the value.
# (A value of another notebook, "path.ipynb::key", can only be pasted; {glue:figure} places a figure the
# notebook also shows.)
_PASTE_HERE = re.compile(r"\{glue(:text|:md|:any|:)?\}`(?![^`]*::)[^`]*`|```\{glue(:md|:any|:math|:)?\}")
_FIGURE_FROM_FILE = re.compile(r"```\{(figure|image)\}")
_GLUED_FIGURE = re.compile(r"```\{glue:figure\}\s*(\S+)")


def _glued_names(notebook) -> dict[str, dict]:
    return {
        output["metadata"]["scrapbook"]["name"]: output
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if "scrapbook" in output.get("metadata", {})
    }


def displayed(show, *args) -> list:
    """The outputs a call displays in a kernel (an IPython shell), as a notebook stores them."""
    InteractiveShell.instance()
    with capture_output() as captured:
        show(*args)
    return [nbformat.v4.new_output("display_data", data=o.data, metadata=o.metadata) for o in captured.outputs]


def run_here(notebook, root, draw: bool = True) -> dict:
    """Run a notebook's code cells in this process on the project at ``root`` (as ``make refresh`` runs them in a
    kernel, outputs aside), and return its variables. Without ``draw``, its PRISMA diagrams are neither drawn nor
    saved: for a test that reads only its tables (the end-to-end tests run every notebook whole)."""
    import os
    from contextlib import ExitStack
    from unittest import mock

    namespace: dict = {}
    with capture_output(), mock.patch.dict(os.environ, {paths.ROOT_VARIABLE: str(root)}), ExitStack() as undrawn:
        if not draw:
            undrawn.enter_context(mock.patch("peerwork_review.rendering.prisma_flow.draw"))
            undrawn.enter_context(mock.patch("peerwork_review.notebooks.notebook.glue_figure"))
        for cell in notebook.cells:
            if cell.cell_type == "code":
                exec(cell.source, namespace)
    return namespace


def jupyter_problems(notebook) -> list[str]:
    """What a reader of this notebook in Jupyter would miss: every output the book shows is one Jupyter shows,
    every figure the book shows is drawn in the notebook, and no cell points into the book's _build/ folder."""
    problems = []
    glued = _glued_names(notebook)
    for index, cell in enumerate(notebook.cells):
        where = f"cell {index}"
        if "_build/" in cell.source:
            problems.append(f"{where} points into _build/")
        if cell.cell_type == "markdown":
            problems += [
                f"{where} pastes a value Jupyter shows as {m.group(0)!r}" for m in _PASTE_HERE.finditer(cell.source)
            ]
            problems += [f"{where} shows a figure from a file" for _ in _FIGURE_FROM_FILE.finditer(cell.source)]
            for name in _GLUED_FIGURE.findall(cell.source):
                data = glued.get(name, {}).get("data", {})
                if not {"image/svg+xml", "image/png"} & set(data):
                    problems.append(f"{where} places figure {name!r}, which no cell of this notebook shows")
        for output in cell.get("outputs", []):
            if output["output_type"] not in ("display_data", "execute_result"):
                continue
            shown = set(output.get("data", {})) & JUPYTER_SHOWS
            if not shown or output.get("metadata", {}).get("scrapbook", {}).get("mime_prefix"):
                problems.append(f"{where} has an output only myst-nb can show: {sorted(output.get('data', {}))}")
    return problems


def exported(notebook) -> tuple[str, list[str]]:
    """The notebook's outputs as ``jupyter nbconvert --to html`` shows them: their text, and the SVG images."""
    page, _ = HTMLExporter().from_notebook_node(notebook)
    soup = BeautifulSoup(page, features="html.parser")
    svgs = [
        base64.b64decode(img["src"].split(",", 1)[1]).decode("utf-8")
        for img in soup.select('img[src^="data:image/svg+xml;base64,"]')
    ]
    text = " ".join(area.get_text(" ") for area in soup.select(".jp-OutputArea-output"))
    return html.unescape(" ".join(text.split())), svgs


def words(text: str) -> list[str]:
    """Letters and digits only, so that markup (escapes, emphasis, roles) on either side does not count."""
    return re.findall(r"[A-Za-z0-9]+", text)
