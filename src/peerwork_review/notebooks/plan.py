"""The notebooks that make up the book: the numbered ones in ``notebooks/`` and those generated from the data.

A page whose structure depends on the data (one page per later search run, one section
per theme) cannot be a hand-written notebook: its headings must be real headings, which
only markdown cells give. Those notebooks are generated from the data by ``make refresh``
from template notebooks (see :mod:`peerwork_review.notebooks.generated`) and committed like the
others; the build checks that they match the current data and templates.
"""

from __future__ import annotations

from pathlib import Path

from peerwork_review.notebooks import inputs

STATIC = "[0-9][0-9]-*.ipynb"


def notebooks_dir(root: Path) -> Path:
    return root / "notebooks"


def static_notebooks(root: Path) -> list[Path]:
    return sorted(notebooks_dir(root).glob(STATIC))


def planned(root: Path, review=None) -> dict[Path, object]:
    """Every notebook of the book: path -> the notebook to execute (read from disk, or generated now)."""
    return _plan(root, review)[0]


def _plan(root: Path, review=None) -> tuple[dict[Path, object], set[Path]]:
    import nbformat

    from peerwork_review.notebooks.generated import generated_notebooks

    if review is None:
        from peerwork_review.model.review import load

        review = load(root)
    generated = {notebooks_dir(root) / relative: nb for relative, nb in generated_notebooks(review).items()}
    plan: dict[Path, object] = {p: nbformat.read(p, as_version=4) for p in static_notebooks(root) if p not in generated}
    plan.update(generated)
    return dict(sorted(plan.items())), set(generated)


def _sources(notebook) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source) for cell in notebook.cells]


def outdated_notebooks(root: Path) -> list[str]:
    """Why the stored notebooks do not match the current inputs; empty when they do."""
    import nbformat

    from peerwork_review.errors import DataError

    try:
        plan, generated = _plan(root)
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
    for path in sorted(notebooks_dir(root).rglob("*.ipynb")):
        if path not in plan and ".ipynb_checkpoints" not in path.parts:
            problems.append(
                f"{path.relative_to(root).as_posix()} is no longer part of the book (nothing in the data generates it)"
            )
    return problems
