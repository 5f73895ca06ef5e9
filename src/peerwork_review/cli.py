"""Command line for authors and reviewers; the Makefile's targets call it.

- ``validate``: check ``data/`` and print every problem with its file, row and column.
- ``refresh``: re-execute the notebooks, store their outputs (all or none) and print
  what changed in the book.
- ``build``: build the book strictly from the stored outputs; it refuses if they are out
  of date and says which command brings them up to date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths
from .errors import DataError


def _validate(root: Path, args) -> int:
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


def _refresh(root: Path, args) -> int:
    from .refresh import refresh

    return refresh(root)


def _build(root: Path, args) -> int:
    from .build import build

    return build(root, args.builder, args.sphinx_args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="peerwork-review", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="project folder (default: found from the current folder)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="check data/ and list every problem")
    sub.add_parser("refresh", help="re-execute the notebooks in place and print what changed")
    build = sub.add_parser("build", help="build the book strictly from the stored notebook outputs")
    build.add_argument("--builder", default="html", help="Sphinx builder (html, singlehtml, linkcheck)")
    build.add_argument("sphinx_args", nargs=argparse.REMAINDER, help="further options for jupyter-book build")
    args = parser.parse_args(argv)
    root = (args.root or paths.project_root()).resolve()
    commands = {"validate": _validate, "refresh": _refresh, "build": _build}
    return commands[args.command](root, args)


if __name__ == "__main__":
    sys.exit(main())
