"""The notebooks that make up the book: the numbered ones in ``notebooks/`` and those generated from the data.

A page whose structure depends on the data (one page per later search run, one section
per theme) cannot be a hand-written notebook: its headings must be real headings, which
only markdown cells give. Those notebooks are generated from the data by ``make refresh``
from template notebooks (see :mod:`peerwork_review.notebooks.generated`) and committed like the
others; the build checks that they match the current data and templates.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from peerwork_review import paths
from peerwork_review.errors import DataError
from peerwork_review.model.review import Review, load
from peerwork_review.notebooks import inputs
from peerwork_review.notebooks.generated import generated_notebooks

STATIC = "[0-9][0-9]-*.ipynb"


def planned(root: Path, review: Review) -> tuple[dict[Path, object], set[Path]]:
    """Every notebook of the book, path -> the notebook to execute (read from disk, or generated now); and which
    of them are generated."""
    folder = paths.notebooks_dir(root)
    generated = {folder / relative: nb for relative, nb in generated_notebooks(review).items()}
    static = {p: nbformat.read(p, as_version=4) for p in folder.glob(STATIC) if p not in generated}
    return dict(sorted({**static, **generated}.items())), set(generated)


def _sources(notebook) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source) for cell in notebook.cells]


def outdated_notebooks(root: Path) -> list[str]:
    """Why the stored notebooks do not match the current inputs; empty when they do."""
    try:
        plan, generated = planned(root, load(root))
    except DataError as exc:
        return [
            f"data/ is not valid, so no notebook can be current ({len(exc.problems)} problems; run `make validate`)"
        ]
    problems = []
    for path, notebook in plan.items():
        relative = path.relative_to(root).as_posix()
        if not path.is_file():
            problems.append(f"{relative} is missing: it is generated from the data")
            continue
        stored = nbformat.read(path, as_version=4)
        if path in generated and _sources(stored) != _sources(notebook):
            problems.append(
                f"{relative} was generated from other data or another template (its cells differ from what they give now)"
            )
            continue
        if (found := inputs.outdated(stored, path, root)) is not None:
            problems.append(str(found))
    for path in paths.stored_notebooks(root):
        if path not in plan:
            problems.append(
                f"{path.relative_to(root).as_posix()} is no longer part of the book (nothing in the data generates it)"
            )
    return problems
