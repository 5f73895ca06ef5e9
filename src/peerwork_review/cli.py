"""Command line for authors: ``peerwork-review validate`` and ``peerwork-review refresh``.

``validate`` checks ``data/`` and prints every problem with its file, row and column.
``refresh`` re-executes the notebooks in place, so that their stored outputs (which
nbval compares against) take the new data as the truth, and prints every glued value
that changed, from what to what. Notebooks are written only if every one of them ran.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths
from .errors import DataError


def _validate(root: Path) -> int:
    from .load import load

    try:
        review = load(root)
    except DataError as exc:
        print(exc, file=sys.stderr)
        print("\nThe data are not valid; nothing was built. Fix the problems above and run `make validate` again.", file=sys.stderr)
        return 1
    print(f"data/ is valid: {len(review.runs)} search run(s), {len(review.studies)} studies, "
          f"{len(review.reports)} reports, {len(review.themes)} themes and subthemes, "
          f"{len(review.figures)} published figures.")
    return 0


def glued_values(notebook) -> dict[str, str]:
    """Plain-text value of every ``glue()`` in an executed notebook."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if meta:
                data = output.get("data", {})
                text = data.get(meta.get("mime_prefix", "") + "text/plain")
                if text is not None and "image/" not in " ".join(data):
                    values[meta["name"]] = text
    return values


def notebook_paths(root: Path) -> list[Path]:
    return sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def _refresh(root: Path) -> int:
    import nbformat

    from .execution import execute_notebooks

    if _validate(root):
        return 1
    runs = execute_notebooks(notebook_paths(root))
    failed = [run for run in runs if run.error is not None]
    for run in failed:
        print(f"{run.path.relative_to(root)} failed.\n{run.error}", file=sys.stderr)
    if failed:
        print("No notebook was changed.", file=sys.stderr)
        return 1
    changes = []
    for run in runs:
        before = glued_values(nbformat.read(run.path, as_version=4))
        after = glued_values(run.notebook)
        for key in sorted(before.keys() | after.keys()):
            if before.get(key) != after.get(key):
                changes.append(f"  {run.path.name} :: {key}: {before.get(key, '(none)')} -> {after.get(key, '(none)')}")
    for run in runs:  # written only now that every notebook has run
        tmp = run.path.with_suffix(".ipynb.tmp")
        nbformat.write(run.notebook, tmp)
        tmp.replace(run.path)
    print(f"Refreshed {len(runs)} notebooks.")
    print("Changed values:\n" + "\n".join(changes) if changes else "No glued value changed.")
    return 0


def _pdf(root: Path) -> int:
    from .pdf import build

    print(f"Wrote {build(root).relative_to(root)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="peerwork-review", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="project folder (default: found from the current folder)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="check data/ and list every problem")
    sub.add_parser("refresh", help="re-execute notebooks in place and print changed values")
    sub.add_parser("pdf", help="build the whole book as one PDF (needs Chromium)")
    args = parser.parse_args(argv)
    root = (args.root or paths.project_root()).resolve()
    return {"validate": _validate, "refresh": _refresh, "pdf": _pdf}[args.command](root)


if __name__ == "__main__":
    sys.exit(main())
