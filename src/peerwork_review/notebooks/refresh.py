"""``make refresh``: re-execute every notebook of the book and store the new outputs, all or none.

Besides nbval, this is the only place notebooks run. Each notebook runs in its own kernel,
up to one per core at a time (nbclient, driven by asyncio in this one process, so an
interruption has a single process to stop and every kernel is shut down with it). The
notebooks are written only when every one of them ran cleanly, each with the record of
the inputs it read (``peerwork_review.notebooks.inputs``); a failure or an interruption leaves the
previous notebooks as they were.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import pickle
import re
import shutil
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVarTuple

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from peerwork_review import paths
from peerwork_review.errors import DataError, refused
from peerwork_review.model.editions import editions
from peerwork_review.model.review import Review, load
from peerwork_review.notebooks import inputs
from peerwork_review.notebooks.changes import describe_changes
from peerwork_review.notebooks.diagnose import where_to_look
from peerwork_review.notebooks.plan import planned
from peerwork_review.process.interrupt import SIGNALS, Interrupted, blocked_signals, interruptible
from peerwork_review.process.lock import project_lock
from peerwork_review.reading.citation import read_citation, with_edition

TIMEOUT = 300
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # IPython colours its tracebacks; logs and messages are plain text


@dataclass
class Executed:
    path: Path
    notebook: object  # nbformat.NotebookNode with its new outputs
    error: str | None  # the failing cell and its traceback; None if every cell ran
    summary: str | None = None  # one line: the exception
    stopped: bool = False  # not run to its end because another notebook failed first


def _clean(notebook) -> None:
    """Keep only what the notebook's meaning needs, so two refreshes of the same inputs write identical files."""
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    notebook.metadata.pop("widgets", None)
    notebook.metadata.get("language_info", {}).pop("version", None)  # the same outputs on every Python


def _stderr(notebook) -> list[str]:
    return [
        output.get("text", "")
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream" and output.get("name") == "stderr"
    ]


_Ts = TypeVarTuple("_Ts")


class _Loop(asyncio.SelectorEventLoop):
    """An event loop that keeps the signal handlers the refresh installs, and only those.

    nbclient adds SIGINT and SIGTERM handlers for each notebook it runs (each cleaning up
    that notebook's kernel) and removes them when the notebook ends. With several notebooks
    at once, that leaves the last notebook's handler, or none, so a signal would stop at
    most one kernel, or kill the process without any clean-up.
    """

    def add_signal_handler(self, sig: int, callback: Callable[[*_Ts], object], *args: *_Ts) -> None:
        if isinstance(getattr(callback, "__self__", None), _Run):
            super().add_signal_handler(sig, callback, *args)

    def remove_signal_handler(self, sig):
        return False  # ours are removed with the loop, when the run ends

    def close(self):
        for s in SIGNALS:
            super().remove_signal_handler(s)
        super().close()


class _Run:
    """Notebooks executing concurrently, and the kernels to stop if a signal arrives or one fails."""

    def __init__(self, workers: int, sockets: str, env: dict[str, str]):
        self.semaphore = asyncio.Semaphore(workers)
        self.sockets = sockets
        self.env = env  # the kernels' environment
        self.managers: list = []
        self.interrupted = False
        self.failed = False  # one notebook failed: nothing will be written, so the others stop

    def interrupt(self) -> None:
        # nbclient reads a cancelled wait as a dead kernel and cannot clean up after it, so a
        # signal is not turned into task cancellation: the kernels are shut down, each
        # notebook's execution then ends with an error, and the run reports the interruption.
        if self.interrupted:
            return
        self.interrupted = True
        self._stop_all()

    def _stop_all(self) -> None:
        for manager in self.managers:
            asyncio.get_running_loop().create_task(self._stop(manager))

    @staticmethod
    async def _stop(manager) -> None:
        try:
            if manager.has_kernel:
                await manager.shutdown_kernel(now=True)
        except Exception:  # already gone
            pass

    async def notebook(self, index: int, path: Path, notebook) -> Executed:
        async with self.semaphore:
            if self.interrupted or self.failed:
                return Executed(path, notebook, "not started", "not started", stopped=True)
            # Unix sockets, not TCP: no port for two kernels (or two checkouts) to collide on.
            manager = AsyncKernelManager(
                kernel_name="python3",
                transport="ipc",
                ip=f"{self.sockets}/kernel-{index}",
                connection_file=f"{self.sockets}/kernel-{index}.json",  # its session key stays in our folder
            )
            self.managers.append(manager)
            client = NotebookClient(
                notebook,
                km=manager,
                timeout=TIMEOUT,
                record_timing=False,
                shutdown_kernel="immediate",
                resources={"metadata": {"path": str(path.parent)}},
            )
            try:
                await client.async_execute(cleanup_kc=True, env=self.env)  # a km we pass in is not shut down by default
            except Exception as exc:  # a failing cell, a kernel that died or was stopped, a timeout
                if self.interrupted or self.failed:
                    return Executed(path, notebook, "stopped", "stopped", stopped=True)
                self.failed = True
                self._stop_all()
                if isinstance(exc, CellExecutionError):
                    text = _ANSI.sub("", str(exc))
                    last = [line for line in text.strip().splitlines() if line.strip()]
                    return Executed(path, notebook, text, last[-1] if last else type(exc).__name__)
                return Executed(path, notebook, _ANSI.sub("", traceback.format_exc()), f"{type(exc).__name__}: {exc}")
            finally:
                await self._stop(manager)
                # nbclient's exit hook would try to clean up this client again, noisily
                atexit.unregister(client._cleanup_kernel)
        warnings = _stderr(notebook)
        if warnings:
            self.failed = True
            self._stop_all()
            text = "".join(warnings)
            return Executed(
                path,
                notebook,
                f"the notebook wrote warnings, which the book would show:\n{text}",
                "it wrote warnings: " + text.strip().splitlines()[0],
            )
        return Executed(path, notebook, None)

    async def all(self, plan: dict[Path, object]) -> list[Executed]:
        loop = asyncio.get_running_loop()
        for s in SIGNALS:
            loop.add_signal_handler(s, self.interrupt)
        return list(await asyncio.gather(*(self.notebook(i, path, nb) for i, (path, nb) in enumerate(plan.items()))))


def execute(plan: dict[Path, object], review: Review) -> list[Executed]:
    """Execute the planned notebooks (path -> notebook), in the order given; nothing is written.

    The kernels read ``review``'s project, and take the ``review`` already validated from a file
    instead of each validating ``data/`` again (at a hundred times the studies, two seconds a notebook).
    """
    if not plan:
        return []
    workers = max(1, min(len(plan), os.cpu_count() or 1))
    previous = {s: signal.getsignal(s) for s in SIGNALS}
    _remove_leftovers()
    try:
        with (
            # readable by its owner only (mkdtemp): the connection files hold the kernels' keys
            tempfile.TemporaryDirectory(prefix=f"{KERNELS}{os.getpid()}-") as sockets,
            asyncio.Runner(loop_factory=_Loop) as runner,
        ):
            validated = Path(sockets) / "review.pickle"
            validated.write_bytes(pickle.dumps(review))
            env = {**os.environ, paths.ROOT_VARIABLE: str(review.root), paths.VALIDATED_REVIEW: str(validated)}
            run = _Run(workers, sockets, env)
            results = runner.run(run.all(plan))
    finally:
        for s, handler in previous.items():  # the loop leaves the default handlers behind
            signal.signal(s, handler)
    if run.interrupted:
        raise Interrupted("signal")
    return results


KERNELS = "peerwork-kernels-"  # then the refresh's process id


def _remove_leftovers() -> None:
    """The kernels' folders of refreshes that were killed (SIGKILL leaves them, and their keys, behind)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{KERNELS}*-*"):
        pid = folder.name.removeprefix(KERNELS).split("-")[0]
        if not pid.isdigit() or folder.stat().st_uid != os.getuid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            pass  # another user's process with that id: alive


def _write_all(root: Path, runs: list[Executed], written: list[bool]) -> None:
    """Write every notebook aside, then swap them all in with signals held, so a refresh is all or none."""
    staged = []
    for run in runs:
        _clean(run.notebook)
        inputs.record_inputs(run.notebook, root)
        run.path.parent.mkdir(parents=True, exist_ok=True)
        partial = run.path.with_suffix(".ipynb.tmp")
        nbformat.write(run.notebook, partial)
        staged.append((partial, run.path))
    keep = {run.path for run in runs}
    obsolete = [p for p in paths.stored_notebooks(root) if p not in keep]
    with blocked_signals():
        for partial, final in staged:
            partial.replace(final)
        for path in obsolete:
            path.unlink()
        written.append(True)  # before the held signals are let through


def log_path(root: Path) -> Path:
    return paths.project_root(root) / "_build" / "logs" / "refresh.log"


def refresh(root: Path) -> int:
    """Validate, execute every notebook, write them all (or none), print what changed. Returns an exit code."""
    written: list[bool] = []
    with project_lock(root, "refresh"), interruptible():
        try:
            return _refresh(root, written)
        except Interrupted:
            if written:
                print("Interrupted after every notebook was written: the refresh is complete.", file=sys.stderr)
            else:
                print("Interrupted: no notebook was changed.", file=sys.stderr)
            return 130


def _refresh(root: Path, written: list[bool]) -> int:
    for leftover in paths.notebooks_dir(root).rglob("*.ipynb.tmp"):
        leftover.unlink()
    try:
        review = load(root)
    except DataError as exc:
        return refused(exc, "The data are not valid; no notebook was run. Fix the problems above (`make validate`).")
    cited = _cite_current_edition(root, review)
    plan, _ = planned(root, review)
    for path in plan:  # a generated page's kernel runs in its folder, which may not exist yet
        path.parent.mkdir(parents=True, exist_ok=True)
    print(f"Executing {len(plan)} notebooks...", flush=True)
    runs = execute(plan, review)
    failed = [run for run in runs if run.error is not None and not run.stopped]
    if failed:
        log = log_path(root)
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("\n\n".join(f"== {run.path.relative_to(root)}\n{run.error}" for run in failed), encoding="utf-8")
        for run in failed:
            print(f"{run.path.relative_to(root).as_posix()} failed: {run.summary}", file=sys.stderr)
            for hint in where_to_look(review, run.error):
                print(f"  look at {hint}", file=sys.stderr)
        if stopped := sum(run.stopped for run in runs):
            print(
                f"The other {stopped} notebook{'s were' if stopped != 1 else ' was'} stopped: nothing would be written.",
                file=sys.stderr,
            )
        print(f"No notebook was changed. The full traceback is in {log.relative_to(root)}.", file=sys.stderr)
        return 1
    before = {run.path: nbformat.read(run.path, as_version=4) if run.path.is_file() else None for run in runs}
    report = describe_changes(root, [(run.path, before[run.path], run.notebook) for run in runs])
    _write_all(root, runs, written)
    print("\n".join(filter(None, [cited, report])))
    return 0


def _cite_current_edition(root: Path, review) -> str | None:
    """Write the current edition's version and date into CITATION.cff (they follow data/search_runs.csv, like
    the notebooks, and the notebooks read the file); what changed, in words, or None."""
    current, path = editions(review)[-1], paths.citation_file(root)
    before = read_citation(root)
    if (before.version, before.released) == (current.version, current.released):
        return None
    paths.write_whole(path, with_edition(path.read_text(encoding="utf-8"), current.version, current.released))
    released = f", released {current.released}" if current.released else ", not released yet"
    return f"CITATION.cff: edition {before.version} → edition {current.version}{released}"
