"""What every notebook does first, and how it hands values to the book.

Values the prose takes are glued as finished text ("10,491", "not available"), so a page
never formats a number itself and a value the data do not give reads as such instead of
breaking the build. Each glued value carries a label in words, which ``make refresh``
uses to say what changed. Figures are glued as SVG (what the book shows; compared by
nbval) with a PNG beside it, and tables meant for download as CSV; the book build copies
both out of the stored outputs, so nothing is drawn or computed twice.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from peerwork_review.model.review import Review, load

GLUE_PREFIX = "application/papermill.record/"  # myst-nb's prefix for glued, undisplayed outputs
LABEL_KEY = "peerwork_review"


def setup() -> Review:
    """Configure deterministic figure output and pandas display, then load the validated data."""
    import pandas as pd

    from peerwork_review.rendering.prisma_flow import configure_matplotlib

    configure_matplotlib()
    pd.set_option("display.max_colwidth", None)
    return load()


def _publish(name: str, bundle: Mapping[str, object], label: str, extra: dict | None = None) -> None:
    from IPython.display import publish_display_data

    metadata = {"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX}, LABEL_KEY: {"label": label, **(extra or {})}}
    publish_display_data({GLUE_PREFIX + mime: value for mime, value in bundle.items()}, metadata=metadata)


def glue(name: str, value: object, label: str) -> None:
    """Glue ``value`` as plain text for ``{glue:text}`` (None reads "not available")."""
    from peerwork_review.rendering.render import plain_text

    _publish(name, {"text/plain": plain_text(value)}, label)


def glue_markdown(name: str, markdown: str, label: str) -> None:
    """Glue MyST markdown for ``{glue:md}`` (a sentence or table whose shape depends on the data)."""
    _publish(name, {"text/markdown": str(markdown), "text/plain": str(markdown)}, label)


def glue_figure(name: str, figure, label: str, png: bool = False) -> None:
    """Glue a matplotlib figure as SVG (and PNG, for a figure offered as a PNG download), then close it."""
    import base64

    import matplotlib.pyplot as plt

    from peerwork_review.rendering.prisma_flow import SAVE_METADATA

    rendered = {}
    for fmt in ("svg", "png") if png else ("svg",):
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, metadata=SAVE_METADATA[fmt], bbox_inches="tight")
        rendered[fmt] = buffer.getvalue()
    plt.close(figure)
    bundle = {"image/svg+xml": rendered["svg"].decode("utf-8"), "text/plain": f"<figure: {label}>"}
    if png:
        bundle["image/png"] = base64.b64encode(rendered["png"]).decode("ascii")
    _publish(name, bundle, label)


def glue_download(name: str, frame, label: str) -> None:
    """Glue a table as CSV; the book build writes it out as ``<name>.csv`` for readers to download."""
    # A spreadsheet runs a cell that starts like a formula: such text is quoted as text (OWASP's advice on CSV injection).
    safe = frame.map(lambda v: f"'{v}" if isinstance(v, str) and v.startswith(("=", "+", "-", "@", "\t", "\r")) else v)
    text = safe.to_csv(index=False, lineterminator="\n")
    _publish(
        name,
        {"text/csv": text, "text/plain": f"<table: {label}, {len(frame)} rows>"},
        label,
        {"download": f"{name}.csv"},
    )
