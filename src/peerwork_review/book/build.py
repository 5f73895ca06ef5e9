"""``make book``: the strict Jupyter Book build, one at a time, never leaving a half-built book behind.

Sphinx builds incrementally: it trusts the pages and the environment a previous build
left. A build that is killed while writing leaves pages and a search index that the next
build would trust, so a marker file is kept while a build runs: if a build finds it, the
previous one did not finish and everything is built afresh. An interrupted build
removes what it had written at once. Builds and refreshes of one checkout take turns
(``peerwork_review.process.lock``). Dates come from the last commit (``SOURCE_DATE_EPOCH``), so
two builds of one commit are identical.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from peerwork_review.process.interrupt import Interrupted, interruptible
from peerwork_review.process.lock import project_lock

STRICT = ["-W", "-n", "--keep-going"]


def _source_date_epoch(root: Path) -> str | None:
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def _outputs(root: Path, builder: str) -> list[Path]:
    return [root / "_build" / builder, root / "_build" / ".doctrees"]


def _jupyter_book(args: list[str]) -> int:
    from jupyter_book.cli.main import main as jupyter_book

    try:
        jupyter_book.main(args=args, standalone_mode=False)
    except SystemExit as exc:  # jupyter-book exits with Sphinx's status, or the exception it stopped on
        if isinstance(exc.code, KeyboardInterrupt):
            raise Interrupted(str(exc.code)) from None
        return exc.code if isinstance(exc.code, int) else 1
    except RuntimeError as exc:  # an exception inside Sphinx, already reported by Sphinx
        if isinstance(exc.__cause__, KeyboardInterrupt):
            raise Interrupted(str(exc.__cause__)) from None
        return 1
    return 0


def build(root: Path, builder: str = "html", extra: list[str] | None = None) -> int:
    """Build the book strictly into ``_build/<builder>``; returns the exit status."""
    root = Path(root).resolve()
    if "SOURCE_DATE_EPOCH" not in os.environ and (epoch := _source_date_epoch(root)):
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    os.environ["PEERWORK_REVIEW_ROOT"] = str(root)
    marker = root / "_build" / f".{builder}-build-incomplete"

    def remove_outputs():
        for path in _outputs(root, builder):
            shutil.rmtree(path, ignore_errors=True)
        print("\nInterrupted: the partial build was removed; the next build starts afresh.", file=sys.stderr)

    with project_lock(root, "book build"), interruptible(last_resort=remove_outputs) as interrupted:
        if marker.exists():
            print("The previous build did not finish; building everything afresh.", file=sys.stderr)
            for path in _outputs(root, builder):
                shutil.rmtree(path, ignore_errors=True)
        marker.touch()
        try:
            status = _jupyter_book(["build", str(root), "--builder", builder, *STRICT, *(extra or [])])
            if interrupted:  # Sphinx caught the interruption somewhere and went on, or reported a failure
                raise Interrupted()
        except Interrupted:
            remove_outputs()
            return 130
        if status == 0:
            marker.unlink()
        return status
