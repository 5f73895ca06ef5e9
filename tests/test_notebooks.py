"""The notebooks read where they run: opened in Jupyter (here, exported by nbconvert, without Sphinx), each
shows every value and figure the book takes from it, and nothing of theirs points into _build/.

The pages generated for a later search are checked the same way in test_updating.py.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from functools import cache

import nbformat
import pytest
from myst_nb.core.variables import format_plain_text

from peerwork_review import paths
from peerwork_review.derivation.derive import ordered_themes
from peerwork_review.derivation.flow import flow_numbers
from peerwork_review.model.review import rows
from peerwork_review.notebooks import notebook
from peerwork_review.notebooks.generated import THEMES, generated_notebooks, identifier, update_notebook
from peerwork_review.rendering.prisma_flow import box_texts, missing
from peerwork_review.rendering.render import NOT_AVAILABLE, escape
from tests.helpers import ROOT
from tests.jupyter import displayed, exported, jupyter_problems, words
from tests.payloads import HOSTILE

NOTEBOOKS = ROOT / "notebooks"
_PASTED = re.compile(r"\{glue:text\}`([^`:]+\.ipynb)::([^`:]+)(?::[^`]*)?`|\{glued-markdown\}\s+(\S+\.ipynb)::(\S+)")


@cache
def read(path: str):
    return nbformat.read(NOTEBOOKS / path, as_version=4)


@cache
def export(path: str) -> tuple[str, list[str]]:
    return exported(read(path))


def notebook_paths() -> list[str]:
    return sorted(p.relative_to(NOTEBOOKS).as_posix() for p in NOTEBOOKS.rglob("*.ipynb"))


def pasted_values() -> list[tuple[str, str, str]]:
    """(page, notebook, key): every value a page of the book takes from a notebook."""
    sources = [(p, p.parent, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "book").glob("*.md"))]
    for path in notebook_paths():
        cells = read(path).cells
        sources += [(NOTEBOOKS / path, (NOTEBOOKS / path).parent, c.source) for c in cells if c.cell_type == "markdown"]
    found = []
    for page, folder, text in sources:
        for match in _PASTED.finditer(text):
            target, key = match.group(1, 2) if match.group(1) else match.group(3, 4)
            notebook_path = (folder / target).resolve().relative_to(NOTEBOOKS).as_posix()
            found.append((page.relative_to(ROOT).as_posix(), notebook_path, key))
    return sorted(set(found))


@pytest.mark.parametrize("path", notebook_paths())
def test_every_output_shows_in_jupyter_and_nothing_points_into_build(path):
    assert jupyter_problems(read(path)) == []


def test_the_checks_find_what_jupyter_would_miss():
    hidden = nbformat.v4.new_output(
        "display_data",
        data={"application/papermill.record/text/plain": "'3'"},
        metadata={"scrapbook": {"name": "n", "mime_prefix": "application/papermill.record/"}},
    )
    cells = [
        nbformat.v4.new_code_cell(outputs=[hidden]),
        nbformat.v4.new_markdown_cell("Found {glue:text}`n` studies; {glue:text}`other.ipynb::n:s` elsewhere."),
        nbformat.v4.new_markdown_cell("```{figure} ../_build/outputs/prisma_flow.svg\n```"),
        nbformat.v4.new_markdown_cell("```{glue:figure} chart\n```"),
    ]
    problems = jupyter_problems(nbformat.v4.new_notebook(cells=cells))
    assert problems == [
        "cell 0 has an output only myst-nb can show: ['application/papermill.record/text/plain']",
        "cell 1 pastes a value Jupyter shows as '{glue:text}`n`'",
        "cell 2 points into _build/",
        "cell 2 shows a figure from a file",
        "cell 3 places figure 'chart', which no cell of this notebook shows",
    ]


@pytest.mark.parametrize(("page", "path", "key"), pasted_values())
def test_every_value_the_book_takes_from_a_notebook_shows_in_it(page, path, key):
    output = notebook.glued(read(path)).get(key)
    assert output is not None, f"{page} takes {key!r} from {path}, which glues no such value"
    assert not output["metadata"]["scrapbook"]["mime_prefix"], f"{path} glues {key!r} without displaying it"
    shown, _ = export(path)
    data = output["data"]
    text = data["text/markdown"] if "text/markdown" in data else ast.literal_eval(data["text/plain"])
    text = re.sub(r"^```\w+", "```", text, flags=re.M)  # a code block's language, which Jupyter does not show
    assert " ".join(words(text)) in " ".join(words(shown)), f"{path}, opened in Jupyter, does not show {key!r}"


def test_the_search_notebook_shows_its_numbers_and_diagram_without_sphinx(review):
    """What `jupyter nbconvert --to html notebooks/01-search-and-selection.ipynb` shows."""
    shown, svgs = export("01-search-and-selection.ipynb")
    flow = flow_numbers(review, review.article_run)
    for stage in ("identified", "removed_duplicates", "screened", "assessed"):
        value, source = flow.stages[("databases", stage)], flow.sources.get(("databases", stage))
        assert (f"{value:,}" if value is not None else missing(source)) in shown, stage
    counts = [
        n
        for box in ("db_identified", "db_screened", "included")
        for n in re.findall(r"\(n = [\d,]+\)", box_texts(flow)[box])
    ]
    # the PRISMA diagram, and the same laid out for phones, drawn with their text as text
    assert counts and svgs and all(n in diagram for n in counts for diagram in svgs), counts


def test_glued_text_reads_in_the_book_as_it_shows_in_jupyter():
    """myst-nb's own reader turns a glued value back into the text Jupyter shows beside its label."""
    (records,) = displayed(notebook.glue, "records", 10491, "records found")
    (unknown,) = displayed(notebook.glue, "unknown", None, "a value the data do not give")
    assert format_plain_text(records.data["text/plain"], "s") == "10,491"
    assert "<strong>10,491</strong> (records found)" in records.data["text/html"]
    assert format_plain_text(unknown.data["text/plain"], "s") == NOT_AVAILABLE
    assert records.metadata["scrapbook"] == {"name": "records", "mime_prefix": ""}
    assert records.metadata[notebook.LABEL_KEY] == {"label": "records found"}


# -- notebooks generated from templates ------------------------------------------------------


def test_generated_notebooks_are_the_stored_ones_and_regenerate_byte_for_byte(review):
    first, second = generated_notebooks(review), generated_notebooks(review)
    assert {k: nbformat.writes(v) for k, v in first.items()} == {k: nbformat.writes(v) for k, v in second.items()}
    stored = read(THEMES)
    assert [(c.id, c.cell_type, c.source, c.metadata) for c in stored.cells] == [
        (c.id, c.cell_type, c.source, c.metadata) for c in first[THEMES].cells
    ]


def test_the_themes_chapter_repeats_its_marked_cells_once_per_theme(review):
    chapter = generated_notebooks(review)[THEMES]
    themes = rows(ordered_themes(review))
    headings = [c.source.splitlines()[1] for c in chapter.cells if c.source.startswith("(theme-")]
    assert headings == [("## " if t["kind"] == "theme" else "### ") + escape(t["name"]) for t in themes]
    code = [c.source.splitlines()[0] for c in chapter.cells if c.source.startswith("THEME = ")]
    assert code == [f'THEME = "{t["theme_id"]}"' for t in themes]
    assert not any("${" in c.source or c.metadata.get("peerwork_review") for c in chapter.cells)


def test_a_template_takes_text_escaped_and_identifiers_checked(review):
    hostile = dataclasses.replace(review, runs=review.runs.assign(label=HOSTILE))
    page = update_notebook(hostile, review.article_run)  # the template takes any run
    title = page.cells[0].source.splitlines()[0]
    assert title == f"# Edition 1: {escape(HOSTILE)}" and "{cite:p}`" not in title and "<script>" not in title
    assert f'RUN = "{review.article_run}"' in page.cells[1].source
    for unsafe in ('2099"; import os; "', "x)=\n# injected", "a b"):
        with pytest.raises(ValueError, match="cannot name"):
            identifier(unsafe)


def test_setup_takes_the_review_make_refresh_validated_and_otherwise_validates_data(
    review, frozen_root, tmp_path, monkeypatch
):
    """Under make refresh a notebook's setup reads the review the refresh validated (named by an environment
    variable); opened anywhere else, it validates the project's data/ itself."""
    import pickle

    monkeypatch.setenv(paths.ROOT_VARIABLE, str(frozen_root))
    monkeypatch.delenv(paths.VALIDATED_REVIEW, raising=False)
    assert notebook.setup().studies.equals(review.studies)
    fewer = dataclasses.replace(review, studies=review.studies.head(3))
    (tmp_path / "review.pickle").write_bytes(pickle.dumps(fewer))
    monkeypatch.setenv(paths.VALIDATED_REVIEW, str(tmp_path / "review.pickle"))
    assert list(notebook.setup().studies["study_id"]) == list(review.studies["study_id"].head(3))
