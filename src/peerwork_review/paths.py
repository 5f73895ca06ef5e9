"""Where things live, so that no module or notebook hard-codes ``../data``.

The project root is, in order: the ``PEERWORK_REVIEW_ROOT`` environment variable;
the nearest folder at or above the current working directory that holds
``data/datapackage.json`` (so a notebook run inside a copy of the repository reads
that copy's data); the repository this package was installed from.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_INSTALLED_ROOT = PACKAGE_DIR.parents[1]
ROOT_VARIABLE = "PEERWORK_REVIEW_ROOT"  # the project root, where set (see project_root)
# Set by make refresh for its kernels: a file holding the review it validated, pickled, which
# each notebook's setup reads instead of validating data/ again (a notebook opened in Jupyter
# has no such file and validates data/ itself).
VALIDATED_REVIEW = "PEERWORK_REVIEW_VALIDATED"


def project_root(start: Path | None = None) -> Path:
    env = os.environ.get(ROOT_VARIABLE)
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "datapackage.json").is_file():
            return folder
    return _INSTALLED_ROOT


def data_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "data"


def bibliography(root: Path | None = None) -> Path:
    return (root or project_root()) / "references.bib"


def citation_file(root: Path | None = None) -> Path:
    return (root or project_root()) / "CITATION.cff"


def notebooks_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "notebooks"


def stored_notebooks(root: Path | None = None) -> list[Path]:
    """Every notebook in notebooks/, sorted; Jupyter's checkpoint copies are not the book's."""
    return sorted(p for p in notebooks_dir(root).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def outputs_dir(root: Path | None = None) -> Path:
    """Generated files (figures for download); inside ``_build`` so a clean build removes them."""
    return (root or project_root()) / "_build" / "outputs"


def write_whole(path: Path, content: bytes | str) -> None:
    """Write ``path`` aside, then rename it into place: no reader sees half a file, whatever interrupts the write."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    partial.replace(path)


# What a build reads from the project (besides the package's own code).
BOOK_SOURCES = ("_config.yml", "_toc.yml", "references.bib", "data", "book", "notebooks")


def _escape(path: Path, root: str) -> str | None:
    """Why ``path`` cannot be read as a file of the project whose real path is ``root``, or None."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a link that leads back to itself (a loop)"
    real = os.path.realpath(path)
    if os.path.commonpath([real, root]) != root:
        return "is a link to a file outside the project: copy the file into the project instead"
    return None


def links_out(root: Path, names=BOOK_SOURCES) -> list[tuple[str, str]]:
    """(path relative to ``root``, why) for every link under ``names`` that resolves outside
    ``root`` or into a loop; a folder a link leads to inside the project is searched too."""
    real_root = os.path.realpath(root)
    found, seen = [], set()
    pending = [Path(real_root) / name for name in reversed(names)]
    while pending:
        path = pending.pop()
        why = _escape(path, real_root) if path.is_symlink() else None
        if why:
            found.append((path.relative_to(real_root).as_posix(), why))
        elif path.is_dir() and (real := os.path.realpath(path)) not in seen:
            seen.add(real)
            pending += sorted(Path(real).iterdir(), reverse=True)
    return found


UPDATES = "updates"
FEED = "editions.atom"  # the Atom feed of editions, at the root of the HTML book


def slug(run_id: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", run_id.lower()).strip("-") or "run"


def update_page(run_id: str) -> str:
    """Where the page of a later search run lives, relative to ``notebooks/``."""
    return f"{UPDATES}/{slug(run_id)}.ipynb"
