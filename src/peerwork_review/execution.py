"""Execute notebooks several at a time: for the book build's cache and for ``refresh``.

Most of a notebook's run is starting its kernel and importing pandas and matplotlib,
work that does not depend on the other notebooks. myst-nb executes one notebook after
another while Sphinx reads them, so the book build hands the notebooks it is about to
read to :func:`execute_into_cache` first (see ``sphinx_ext``), which runs those the
cache does not already hold on every core and stores them the way myst-nb does. myst-nb
then finds each one in the cache and executes nothing itself.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Executed:
    path: Path
    notebook: object  # nbformat.NotebookNode, with outputs
    seconds: float
    error: str | None  # the failing cell and its traceback; None if every cell ran


def _execute(path: Path, timeout: int | None, allow_errors: bool) -> Executed:
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    notebook = nbformat.read(path, as_version=4)
    # The kernel runs in the notebook's folder, as myst-nb's own execution does.
    result = single_nb_execution(notebook, cwd=str(path.parent), timeout=timeout, allow_errors=allow_errors)
    return Executed(path, result.nb, result.time, None if result.err is None else str(result.err))


def execute_notebooks(notebooks: list[Path], timeout: int | None = 300, allow_errors: bool = False,
                      workers: int | None = None) -> list[Executed]:
    """Execute each notebook in its own kernel, up to ``workers`` (default: the core count) at once.

    Results come back in the order given. Nothing is written to the notebooks.
    """
    if not notebooks:
        return []
    workers = max(1, min(len(notebooks), workers or os.cpu_count() or 1))
    if workers == 1:
        return [_execute(path, timeout, allow_errors) for path in notebooks]
    # "fork": workers start with the caller's imports (nbformat, nbclient), which would
    # cost each spawned worker about a second; they only execute and return results.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_execute, path, timeout, allow_errors) for path in notebooks]
        return [future.result() for future in futures]


def execute_into_cache(cache_path: str | Path, notebooks: list[Path], timeout: int | None = 300,
                       allow_errors: bool = False) -> list[Executed]:
    """Execute the notebooks the jupyter-cache at ``cache_path`` has no match for, and cache them.

    Returns what was executed; failed notebooks are not cached.
    """
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(cache_path))
    pending = []
    for path in notebooks:
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            pending.append(path)
    executed = execute_notebooks(pending, timeout, allow_errors)
    for run in executed:
        if run.error is None:
            bundle = CacheBundleIn(run.notebook, str(run.path), data={"execution_seconds": run.seconds})
            cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
    return executed
