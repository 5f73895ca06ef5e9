"""What every notebook does first, so the notebooks stay thin and their outputs deterministic."""

from __future__ import annotations

from pathlib import Path

from . import paths
from .load import load
from .model import Review


def setup() -> Review:
    """Configure deterministic figure output and pandas display, then load the validated data."""
    import pandas as pd

    from .prisma_flow import configure_matplotlib

    configure_matplotlib()
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        # SVG for the book; the date and creator are dropped so stored outputs do not drift.
        set_matplotlib_formats("svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    except ImportError:  # not running under IPython
        pass
    pd.set_option("display.max_colwidth", None)
    return load()


def figure_path(name: str) -> Path:
    """Where a notebook saves a figure for download (inside ``_build``, never in ``data/``)."""
    return paths.outputs_dir() / "figures" / name
