"""Command line for authors and reviewers; the Makefile's targets call it.

Each command imports what it needs when it runs, so that none waits for another's libraries
(Playwright for ``pdf``, openpyxl and rapidfuzz for the imports, nbclient for ``refresh``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from peerwork_review import paths
from peerwork_review.errors import DataError, refused


def _validate(root: Path, args) -> int:
    from peerwork_review.derivation import reproduction
    from peerwork_review.model.review import load

    try:
        review = load(root)
    except DataError as exc:
        return refused(
            exc, "The data are not valid; nothing was built. Fix the problems above and run `make validate` again."
        )
    print(
        f"data/ is valid: {len(review.runs)} search run(s), {len(review.studies)} studies, "
        f"{len(review.reports)} reports, {len(review.themes)} themes and subthemes, "
        f"{len(review.figures)} published figures."
    )
    # Not a problem in the data: the article's own figures may disagree, and the edition reports it.
    checks = reproduction.check_table(review)
    for check in checks[checks["status"] == reproduction.INCONSISTENT].itertuples():
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
        return refused(exc, "Nothing was imported; data/ is unchanged. Fix the workbook and import it again.")
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
        return refused(exc, "Nothing was imported; data/ is unchanged. Fix the exports and import them again.")
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

    def command(name: str, run, help: str) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help)
        parser.set_defaults(handle=run)
        return parser

    command("validate", _validate, "check data/ and list every problem")
    command("refresh", _refresh, "re-execute the notebooks in place and print what changed")
    build = command("build", _build, "build the book strictly from the stored notebook outputs")
    build.add_argument("--builder", default="html", help="Sphinx builder (html, singlehtml, linkcheck)")
    build.add_argument("sphinx_args", nargs=argparse.REMAINDER, help="further options for jupyter-book build")
    command("workbook", _workbook, "write the data as a workbook (.xlsx) to edit").add_argument(
        "--out", type=Path, default=None, help="where to write it (default: artifacts/peerwork-review-data.xlsx)"
    )
    command("import", _import, "check an edited workbook and write it into data/").add_argument(
        "workbook", type=Path, help="the edited .xlsx file"
    )
    records = command("import-records", _import_records, "read a later run's search exports and decisions into data/")
    records.add_argument("run", help="the search run (search_run_id) the records belong to")
    records.add_argument("folder", type=Path, help="the folder of exports, with its manifest.csv")
    command("check", _check, "re-derive every figure and say what differs from the stored outputs")
    command("pdf", _pdf, "build the whole book as one PDF (needs Chromium)")
    args = parser.parse_args(argv)
    return args.handle((args.root or paths.project_root()).resolve(), args)


if __name__ == "__main__":
    sys.exit(main())
