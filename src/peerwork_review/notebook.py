"""What every notebook does first, so the notebooks stay thin and their outputs deterministic."""

from __future__ import annotations

import sys

from .load import load
from .model import Review


def setup() -> Review:
    """Configure deterministic figure output and pandas display, then load the validated data."""
    _skip_iri_format_checker()
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


def _skip_iri_format_checker() -> None:
    """Spare each kernel the ~0.7 s that ``rfc3987_syntax`` takes to import.

    ``glue`` imports nbformat, hence jsonschema, whose format checker imports
    ``rfc3987_syntax`` if it is installed (jupyter-events asks for it), and that module
    compiles its IRI grammar at import (python-jsonschema/jsonschema#1428). No notebook
    validates IRIs, so marking the module absent only makes jsonschema skip that check.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)

