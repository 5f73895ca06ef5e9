"""Shared fixtures: the repository, a validated review, throw-away copies, and one book build."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COPIED = ["data", "notebooks", "book", "references.bib", "_config.yml", "_toc.yml"]


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def copy_project(target: Path, parts=COPIED) -> Path:
    """A copy of the parts of the repository a build or a validation reads."""
    target.mkdir(parents=True, exist_ok=True)
    for name in parts:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, target / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        else:
            shutil.copy2(src, target / name)
    return target


def build_book(root: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PEERWORK_REVIEW_ROOT": str(root)}
    return subprocess.run(
        [str(BIN / "jupyter-book"), "build", str(root), "--builder", "html", "-W", "-n", "--keep-going", *extra],
        cwd=root, env=env, capture_output=True, text=True,
    )


def config_without_execution(root: Path) -> str:
    """A copy of ``root``'s _config.yml with notebook execution off; returns its path.

    The stored outputs render as they are: the Sphinx floor of the benchmarks.
    """
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    path = root / "_config_without_execution.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return str(path)


def cli(root: Path, command: str) -> subprocess.CompletedProcess:
    """``peerwork-review COMMAND`` on a copy."""
    env = {**os.environ, "PEERWORK_REVIEW_ROOT": str(root)}
    return subprocess.run([sys.executable, "-m", "peerwork_review.cli", "--root", str(root), command],
                          cwd=root, env=env, capture_output=True, text=True)


def run_nbval(root: Path, *notebooks: str) -> subprocess.CompletedProcess:
    """nbval over notebooks of a copy, reading that copy's data."""
    env = {**os.environ, "PEERWORK_REVIEW_ROOT": str(root)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env", "-q",
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval-sanitize.cfg"), *[str(root / "notebooks" / n) for n in notebooks]],
        cwd=root, env=env, capture_output=True, text=True,
    )


@pytest.fixture(scope="session")
def review():
    from peerwork_review.load import load

    return load(ROOT)


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """Data, bibliography and notebooks in a temporary folder, ready to be broken."""
    return copy_project(tmp_path / "project", ["data", "references.bib"])


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the repository's book once per test session (strict: warnings are errors).

    Also proves that a build leaves data/ untouched. Under pytest-xdist each worker that
    needs the book runs this; the lock makes them take turns on the one ``_build``, so
    the second finds the first's cache and its build is a no-op.
    """
    lock = ROOT / "_build" / ".tests.lock"
    lock.parent.mkdir(exist_ok=True)
    with lock.open("w") as handle:
        # fcntl is POSIX-only, like the project (Linux and macOS; Windows through WSL, see README).
        fcntl.flock(handle, fcntl.LOCK_EX)
        before = tree_hash(ROOT / "data")
        result = build_book(ROOT)
    assert result.returncode == 0, f"book build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    assert tree_hash(ROOT / "data") == before, "the build modified data/"
    return ROOT / "_build" / "html"
