"""``make book``: the strict Jupyter Book build, one at a time, swapped in whole or not at all.

Sphinx builds into a staging folder that starts as a copy of the last complete book (so
it builds incrementally), and the result replaces ``_build/<builder>`` only when the
build succeeded: after a failed, interrupted or killed build, ``_build/<builder>`` is
the previous complete book, or nothing if there was none. Before Sphinx starts, the
build refuses, with its reason first, when a notebook's stored outputs are not current
or a file the build would read is a link out of the project. Builds and refreshes of
one checkout take turns (``peerwork_review.process.lock``). Dates come from the last
commit (``SOURCE_DATE_EPOCH``), so two builds of one commit are identical.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from jupyter_book.cli.main import main as jupyter_book

from peerwork_review import paths
from peerwork_review.book.guard import CHECKED, refusal
from peerwork_review.process.interrupt import Interrupted, blocked_signals, interruptible
from peerwork_review.process.lock import project_lock

STRICT = ["-W", "-n", "--keep-going"]


def _source_date_epoch(root: Path) -> str | None:
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def _jupyter_book(args: list[str]) -> int:
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


class _Stage:
    """``_build/<builder>`` and Sphinx's state (doctrees, notebook outputs) built in a copy, swapped in whole."""

    def __init__(self, root: Path, builder: str):
        build = root / "_build"
        self.folder = build / f".next-{builder}"  # jupyter-book's --path-output
        staged = self.folder / "_build"  # where jupyter-book builds: <builder>/, .doctrees/, jupyter_execute/
        # (published, staged): the book first, then what is left beside it
        self.pairs = [(build / builder, staged / builder), (build / f".{builder}-state", staged)]

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def prepare(self) -> None:
        """A copy of the last complete book and its state, so that Sphinx rebuilds only what changed."""
        self.discard()  # what a killed build left
        for published, _ in self.pairs:
            shutil.rmtree(published.with_name(f".old{published.name}"), ignore_errors=True)
        if all(published.is_dir() for published, _ in self.pairs):
            for published, staged in reversed(self.pairs):
                shutil.copytree(published, staged, symlinks=True)

    def swap_in(self) -> None:
        with blocked_signals():
            for published, staged in self.pairs:
                aside = published.with_name(f".old{published.name}")
                if published.exists():
                    published.rename(aside)
                staged.rename(published)
                shutil.rmtree(aside, ignore_errors=True)
        self.discard()


def build(root: Path, builder: str = "html", extra: list[str] | None = None) -> int:
    """Build the book strictly into ``_build/<builder>``; returns the exit status."""
    root = Path(root).resolve()
    if "SOURCE_DATE_EPOCH" not in os.environ and (epoch := _source_date_epoch(root)):
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    os.environ[paths.ROOT_VARIABLE] = str(root)
    stage = _Stage(root, builder)

    def stop():
        stage.discard()
        print("\nInterrupted: the partial build was removed; the last complete book is as it was.", file=sys.stderr)

    with project_lock(root, "book build"), interruptible(last_resort=stop) as interrupted:
        if why := refusal(root):
            print(why, file=sys.stderr)
            return 1
        CHECKED.add(root)  # Sphinx need not check again
        stage.prepare()
        try:
            args = ["build", str(root), "--path-output", str(stage.folder), "--builder", builder]
            status = _jupyter_book([*args, *STRICT, *(extra or [])])
            if interrupted:  # Sphinx caught the interruption somewhere and went on, or reported a failure
                raise Interrupted()
        except Interrupted:
            stop()
            return 130
        if status == 0:
            stage.swap_in()
            print(f"The book is in {stage.pairs[0][0].relative_to(root)}.")
        else:
            stage.discard()
            print("The build failed: the last complete book, if any, is as it was.", file=sys.stderr)
        return status
