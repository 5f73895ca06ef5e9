"""What must hold before the book is built: its notebooks' stored outputs are current, and
nothing it reads is a link out of the project. The build checks first, so its reason is
the first thing printed; the Sphinx extension checks for builds started otherwise."""

from __future__ import annotations

from pathlib import Path

from peerwork_review import paths
from peerwork_review.notebooks.plan import outdated_notebooks

# Projects whose outputs `peerwork-review build` checked before starting Sphinx in this process.
CHECKED: set[Path] = set()


def refusal(root: Path) -> str | None:
    """Why the book must not be built from what is in the project now, or None."""
    if linked := paths.links_out(root):
        lines = "\n".join(f"  - {path}: {why}" for path, why in linked)
        return f"The book would read files from outside the project:\n{lines}\nNothing was built."
    if problems := outdated_notebooks(root):
        lines = "\n".join(f"  - {p}" for p in problems)
        return (
            "Run `make refresh`, then build again: the stored notebook outputs are not up to date with data/, "
            "references.bib and the code, so the book would show stale numbers (`make refresh` re-executes "
            f"the notebooks and prints what changed):\n{lines}"
        )
    return None
