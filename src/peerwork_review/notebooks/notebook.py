"""What every notebook does first, and how it hands values to the book: myst-nb's glue, displayed.

Each value is glued with ``myst_nb.glue(..., display=True)``, so the output that the book
pastes is also an ordinary output that Jupyter, nbconvert and Binder show where the
notebook runs. Values the prose takes are glued as finished text ("10,491", "not
available"), so a page never formats a number itself and a value the data do not give
reads as such instead of breaking the build. Each carries a label in words, which
``make refresh`` uses to say what changed. Figures are glued as SVG (what the book shows;
compared by nbval) with a PNG beside it where the book offers one, and tables meant for
download as CSV; the book build writes both out of the stored outputs, so nothing is
drawn or computed twice.
"""

from __future__ import annotations

import base64
import html
import os
import pickle
from dataclasses import dataclass

import pandas as pd
from myst_nb import glue as myst_glue

from peerwork_review.model.review import Review, load
from peerwork_review.paths import FEED, VALIDATED_REVIEW
from peerwork_review.rendering.prisma_flow import configure_matplotlib, image_bytes
from peerwork_review.rendering.render import value_text

LABEL_KEY = "peerwork_review"  # output metadata: {"label": what the value is, in words}


def setup() -> Review:
    """Configure deterministic figure output and pandas display, then load the validated data (under
    ``make refresh``, the review it validated once for all its notebooks)."""
    configure_matplotlib()
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_rows", 200)  # a reviewer's table whole, up to a length a page can still show
    validated = os.environ.get(VALIDATED_REVIEW)
    if validated:
        with open(validated, "rb") as handle:
            return pickle.load(handle)
    return load()


@dataclass(frozen=True)
class Glued:
    """What one glue call displays: the MIME bundle the book reads, with its label as output metadata."""

    bundle: dict[str, str]
    label: str

    def _repr_mimebundle_(self, include=None, exclude=None):
        return dict(self.bundle), {LABEL_KEY: {"label": self.label}}


def glue(name: str, value: object, label: str) -> None:
    """Glue ``value`` as text for ``{glue:text}`` (None reads "not available"); Jupyter shows it with its label."""
    text = value_text(value)
    shown = f"<p><code>{html.escape(name)}</code> = <strong>{html.escape(text)}</strong> ({html.escape(label)})</p>"
    # myst-nb reads text/plain with ast.literal_eval, which would turn "10,491" into a
    # tuple; a quoted string literal comes back unchanged.
    myst_glue(name, Glued({"text/plain": repr(text), "text/html": shown}, label))


def glue_markdown(name: str, markdown: str, label: str) -> None:
    """Glue MyST markdown (a sentence or list whose shape depends on the data); it shows as rendered markdown."""
    myst_glue(name, Glued({"text/markdown": str(markdown), "text/plain": str(markdown)}, label))


def glue_figure(name: str, figure, label: str, png: bool = False) -> None:
    """Glue a matplotlib figure as SVG (and PNG, for a figure offered as a PNG download), then close it."""
    # pyplot only here: the book build imports this module to read glued outputs and draws nothing.
    import matplotlib.pyplot as plt

    bundle = {"image/svg+xml": image_bytes(figure, "svg").decode("utf-8"), "text/plain": f"<figure: {label}>"}
    if png:
        bundle["image/png"] = base64.b64encode(image_bytes(figure, "png")).decode("ascii")
    plt.close(figure)  # or Jupyter's inline backend would show it a second time
    myst_glue(name, Glued(bundle, label))


def glue_download(name: str, frame: pd.DataFrame, label: str) -> None:
    """Glue a table as CSV; the book build writes it out as ``<name>.csv`` for readers to download."""
    # A spreadsheet runs a cell that starts like a formula: such text is quoted as text (OWASP's advice on CSV injection).
    safe = frame.map(lambda v: f"'{v}" if isinstance(v, str) and v.startswith(("=", "+", "-", "@", "\t", "\r")) else v)
    csv = safe.to_csv(index=False, lineterminator="\n")
    myst_glue(name, Glued({"text/csv": csv, "text/plain": f"<table {name}.csv: {label}, {len(frame)} rows>"}, label))


def glue_feed(xml: str, label: str) -> None:
    """Glue the Atom feed of editions; the book build writes it out as ``paths.FEED``, also at the book's root."""
    myst_glue(FEED.removesuffix(".atom"), Glued({"application/atom+xml": xml, "text/plain": f"<feed: {label}>"}, label))


def glued(notebook) -> dict[str, dict]:
    """Every glued output of a stored notebook, by name, with its data under plain MIME types."""
    found = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook", {})
            if "name" in scrapbook:
                prefix = scrapbook.get("mime_prefix", "")  # "" for displayed outputs; glue(display=False) hides them
                data = {mime.removeprefix(prefix): value for mime, value in output.get("data", {}).items()}
                found[scrapbook["name"]] = {**output, "data": data}
    return found
