"""The proof that the tests check the software and not the shipped values: in a copy of the repository, correct a
value of an original study as an author would, refresh, and run the whole suite on that copy.

The value is the book's own first cell wanted, Gates et al. 2010's country, filled in with a clearly labelled
test value: no public source gives it (``/work/shared/source/included-studies.md`` calls the United States an
unverified recollection). The run takes as long as ``make test`` itself, so it runs on demand and weekly
(``pytest -m whole_suite``), never inside ``make test``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from peerwork_review import paths
from peerwork_review.model.review import load
from tests.helpers import ROOT, cli
from tests.scenarios import correct

pytestmark = pytest.mark.whole_suite

REASON = "test value: tests/test_corrected_copy.py fills in the first cell wanted, which no public source gives"


def repository_copy(target: Path) -> Path:
    """Every file git tracks, as the working tree has it (no .venv, no _build)."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for name in filter(None, files.split("\0")):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


def test_the_whole_suite_passes_on_a_copy_with_a_correction(tmp_path):
    root = repository_copy(tmp_path / "repository")
    current = load(root).latest_run
    correct(root, "study_countries.csv", {"study_id": "gates2010"}, "country", "United States", current, REASON)
    assert cli(root, "validate").returncode == 0
    refreshed = cli(root, "refresh")
    assert refreshed.returncode == 0, refreshed.stderr[-3000:]
    assert "Studies conducted in the United States" in refreshed.stdout  # the correction changed what the book says
    suite = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "auto",
            "--dist",
            "loadscope",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            "tests/nbval-sanitize.cfg",
            "-m",
            "not fuzz_long and not whole_suite",
            # the one test that must fail here: the copy carries a labelled test value on purpose
            "--deselect",
            "tests/test_data.py::test_no_test_data_is_shipped",
            "tests",
            "notebooks",
        ],
        cwd=root,
        env={**os.environ, paths.ROOT_VARIABLE: str(root)},
        capture_output=True,
        text=True,
    )
    assert suite.returncode == 0, suite.stdout[-6000:]
