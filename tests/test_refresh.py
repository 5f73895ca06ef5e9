"""``make refresh``: a failing notebook is named and changes nothing; an interruption stops every
process it started and changes nothing.

Everything happens in temporary copies; the repository is never touched.
"""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

from tests.helpers import PYTHON, alive, children, cli, copy_project, start_make, tree_hash, wait_gone

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def failing_copy(tmp_path_factory):
    """A copy whose quality-appraisal notebook fails on a value the data define."""
    import nbformat

    root = copy_project(tmp_path_factory.mktemp("failing") / "project")
    path = root / "notebooks" / "03-quality-appraisal.ipynb"
    notebook = nbformat.read(path, as_version=4)
    first = next(cell for cell in notebook.cells if cell.cell_type == "code")
    first.source += '\nraise KeyError("berry2011")  # deliberate failure from tests/test_refresh.py'
    nbformat.write(notebook, path)
    return root


def test_a_failing_notebook_is_named_with_where_to_look_and_nothing_is_written(failing_copy):
    before = tree_hash(failing_copy / "notebooks")
    result = cli(failing_copy, "refresh")
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith("notebooks/03-quality-appraisal.ipynb failed: KeyError"), result.stderr
    assert "look at data/studies.csv, row " in result.stderr and "'berry2011'" in result.stderr
    assert "No notebook was changed. The full traceback is in _build/logs/refresh.log." in result.stderr
    log = (failing_copy / "_build/logs/refresh.log").read_text()
    assert "deliberate failure from tests/test_refresh.py" in log and "KeyError" in log
    assert tree_hash(failing_copy / "notebooks") == before


def _wait_for_kernels(process: subprocess.Popen, parent: int, timeout: float = 60) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kernels = (
            {c for c in children(parent) if "ipykernel" in open(f"/proc/{c}/cmdline").read()}
            if alive(parent)
            else set()
        )
        if len(kernels) >= 2:
            return kernels
        assert process.poll() is None, process.communicate()
        time.sleep(0.1)
    raise AssertionError("no kernels started")


def test_sigterm_stops_the_refresh_and_its_kernels_and_changes_nothing(tmp_path):
    root = copy_project(tmp_path / "project")
    before = tree_hash(root / "notebooks")
    process = subprocess.Popen(
        [PYTHON, "-m", "peerwork_review.cli", "--root", str(root), "refresh"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    kernels = _wait_for_kernels(process, process.pid)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=15)
    assert process.returncode == 130, err
    assert "Interrupted: no notebook was changed." in err
    assert wait_gone(kernels) == []
    assert tree_hash(root / "notebooks") == before


def test_terminating_make_stops_the_refresh_it_started(tmp_path):
    """GNU make does not pass SIGTERM on; the refresh notices that make has gone."""
    root = copy_project(tmp_path / "project")
    before = tree_hash(root / "notebooks")
    make = start_make(tmp_path, root, "refresh", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not (refresh := children(make.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    (refresh_pid,) = refresh
    kernels = _wait_for_kernels(make, refresh_pid)
    make.send_signal(signal.SIGTERM)
    make.wait(timeout=10)
    assert wait_gone({refresh_pid, *kernels}) == []
    assert tree_hash(root / "notebooks") == before
