"""Command line for authors and reviewers; the Makefile's targets call it.

- ``validate``: check ``data/`` and print every problem with its file, row and column.
- ``refresh``: re-execute the notebooks, store their outputs (all or none) and print
  what changed in the book.
- ``build``: build the book strictly from the stored outputs; it refuses if they are out
  of date and says which command brings them up to date.
- ``workbook``: write the data as a spreadsheet to edit; ``import``: check the edited
  spreadsheet and, only if it is valid, write it back into ``data/``; ``import-records``:
  read a later run's search exports and screening decisions into its record ledger.
- ``check``: re-derive every published figure and say, in words, what differs from the
  stored outputs of the reproduction check; exit 1 if anything does.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from peerwork_review import paths
from peerwork_review.errors import DataError


def _validate(root: Path, args) -> int:
    from peerwork_review.derivation import reproduction
    from peerwork_review.model.review import load

    try:
        review = load(root)
    except DataError as exc:
        print(exc, file=sys.stderr)
        print(
            "\nThe data are not valid; nothing was built. Fix the problems above and run `make validate` again.",
            file=sys.stderr,
        )
        return 1
    print(
        f"data/ is valid: {len(review.runs)} search run(s), {len(review.studies)} studies, "
        f"{len(review.reports)} reports, {len(review.themes)} themes and subthemes, "
        f"{len(review.figures)} published figures."
    )
    # Not a problem in the data: the article's own figures may disagree, and the edition reports it.
    checks = reproduction.check_table(review)
    for check in checks[checks["status"] != reproduction.REPRODUCED].itertuples():
        print(
            f"Note: a sum the article states does not add up: {check.description}: {check.parts} = {check.sum_of_parts:,}, not {check.published:,} ({check.check_id})."
        )
    return 0


def _refresh(root: Path, args) -> int:
    from peerwork_review.notebooks.refresh import refresh

    return refresh(root)


def _build(root: Path, args) -> int:
    from peerwork_review.book.build import build

    return build(root, args.builder, args.sphinx_args)


def _workbook(root: Path, args) -> int:
    from peerwork_review.authoring.importing import WorkbookError, import_workbook
    from peerwork_review.authoring.workbook import default_path, write_workbook

    path = args.out or default_path(root)
    if path.exists():  # it may hold an author's edits: replace it only if importing it would change nothing
        try:
            why = "holds edits that are not in data/ yet" if import_workbook(root, path, write=False) else ""
        except (WorkbookError, DataError):
            why = "does not import cleanly, so it may hold edits that are not in data/ yet"
        if why:
            print(
                f"{path} already exists and {why}; it was left as it is.\n"
                "Import it first (make import), or move it away, or write the new workbook elsewhere "
                "(make workbook WORKBOOK=other.xlsx).",
                file=sys.stderr,
            )
            return 1
    shown = os.path.relpath(write_workbook(root, path))
    print(f"Wrote {shown}. Edit it, save it as .xlsx, then run: make import WORKBOOK={shown}")
    return 0


def _import(root: Path, args) -> int:
    workbook = args.workbook
    from peerwork_review.authoring.importing import WorkbookError, import_workbook

    try:
        lines = import_workbook(root, workbook)
    except (WorkbookError, DataError) as exc:
        print(exc, file=sys.stderr)
        print("\nNothing was imported; data/ is unchanged. Fix the workbook and import it again.", file=sys.stderr)
        return 1
    print(
        f"{workbook.name} is valid."
        + (" What changed:" if lines else " It matches data/ exactly; nothing was changed.")
    )
    for line in lines:
        print(line)
    if lines:
        print("\nNext: make refresh (it prints every number in the book that changed), then make book and make test.")
    return 0


def _import_records(root: Path, args) -> int:
    from peerwork_review.authoring.records import import_records

    try:
        lines = import_records(root, args.run, args.folder)
    except DataError as exc:
        print(exc, file=sys.stderr)
        print("\nNothing was imported; data/ is unchanged. Fix the exports and import them again.", file=sys.stderr)
        return 1
    print(f"The records of run {args.run} are in data/search_records.csv (and counted per database). What was read:")
    for line in lines:
        print(line)
    print("\nNext: make refresh (it prints every number in the book that changed), then make book and make test.")
    return 0


def _pdf(root: Path, args) -> int:
    from peerwork_review.pdf.printing import build

    print(f"Wrote {build(root).relative_to(root)}")
    return 0


def _check(root: Path, args) -> int:
    from peerwork_review.notebooks.recheck import run

    return run(root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="peerwork-review", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root", type=Path, default=None, help="project folder (default: found from the current folder)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="check data/ and list every problem")
    sub.add_parser("refresh", help="re-execute the notebooks in place and print what changed")
    build = sub.add_parser("build", help="build the book strictly from the stored notebook outputs")
    build.add_argument("--builder", default="html", help="Sphinx builder (html, singlehtml, linkcheck)")
    build.add_argument("sphinx_args", nargs=argparse.REMAINDER, help="further options for jupyter-book build")
    sub.add_parser("workbook", help="write the data as a workbook (.xlsx) to edit").add_argument(
        "--out", type=Path, default=None, help="where to write it (default: artifacts/peerwork-review-data.xlsx)"
    )
    sub.add_parser("import", help="check an edited workbook and write it into data/").add_argument(
        "workbook", type=Path, help="the edited .xlsx file"
    )
    records = sub.add_parser("import-records", help="read a later run's search exports and decisions into data/")
    records.add_argument("run", help="the search run (search_run_id) the records belong to")
    records.add_argument("folder", type=Path, help="the folder of exports, with its manifest.csv")
    sub.add_parser("check", help="re-derive every figure and say what differs from the stored outputs")
    sub.add_parser("pdf", help="build the whole book as one PDF (needs Chromium)")
    args = parser.parse_args(argv)
    root = (args.root or paths.project_root()).resolve()
    commands = {
        "validate": _validate,
        "refresh": _refresh,
        "build": _build,
        "workbook": _workbook,
        "import": _import,
        "import-records": _import_records,
        "check": _check,
        "pdf": _pdf,
    }
    return commands[args.command](root, args)


if __name__ == "__main__":
    sys.exit(main())
