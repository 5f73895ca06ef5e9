"""Where things live, so that no module or notebook hard-codes ``../data``.

The project root is, in order: the ``PEERWORK_REVIEW_ROOT`` environment variable;
the nearest folder at or above the current working directory that holds
``data/datapackage.json`` (so a notebook run inside a copy of the repository reads
that copy's data); the repository this package was installed from.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_INSTALLED_ROOT = PACKAGE_DIR.parents[1]


def project_root(start: Path | None = None) -> Path:
    env = os.environ.get("PEERWORK_REVIEW_ROOT")
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


def outputs_dir(root: Path | None = None) -> Path:
    """Generated files (figures for download); inside ``_build`` so a clean build removes them."""
    return (root or project_root()) / "_build" / "outputs"


UPDATES = "updates"


def slug(run_id: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", run_id.lower()).strip("-") or "run"


def update_page(run_id: str) -> str:
    """Where the page of a later search run lives, relative to ``notebooks/``."""
    return f"{UPDATES}/{slug(run_id)}.ipynb"
