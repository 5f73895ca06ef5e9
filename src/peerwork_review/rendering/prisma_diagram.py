"""Drawing the PRISMA 2020 flow diagram laid out by :mod:`~peerwork_review.rendering.prisma_layout`:
the wide layout for desktops and paper, the narrow one for phones."""

from __future__ import annotations

from typing import Any

from peerwork_review.rendering.prisma_layout import (
    EDGE,
    FONT,
    FONT_PT,
    LINE_SPACING,
    MARGIN,
    NARROW_FONT_PT,
    PAD,
    Measure,
    keep_indent,
    layout,
    text_height,
    wrap,
)


def draw(flow, texts: dict[str, str], title: str | None = None, narrow: bool = False):
    """A matplotlib figure drawing ``texts`` (from ``box_texts``) in the PRISMA 2020 layout, with
    ``title`` above it, or in the narrow layout for phones (``narrow``): the same boxes, the parts
    of the diagram one above another."""
    # Here, not at the top: the build imports this module (through rendering.editions) and draws
    # nothing, and pyplot takes most of a second to import.
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    boxes, arrows, width, height = layout(flow, texts, narrow)
    size = (NARROW_FONT_PT if narrow else FONT_PT) * 1.1
    heading = wrap(title, width - 2 * MARGIN, Measure(), size) if title else []
    title_space = text_height(len(heading), size) + size * 1.25 if title else 0.0
    fig = plt.figure(figsize=(width / 72, (height + title_space) / 72))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height + title_space)
    ax.axis("off")
    if heading:
        ax.text(
            width / 2,
            height + title_space / 2,
            "\n".join(heading),
            ha="center",
            va="center",
            fontsize=size,
            family=FONT,
            linespacing=LINE_SPACING,
            parse_math=False,
        )
    for b in boxes.values():
        ax.add_patch(
            FancyBboxPatch(
                (b.x, b.y),
                b.width,
                b.height,
                boxstyle="round,pad=0,rounding_size=4",
                fc=b.fill,
                ec=b.edge,
                lw=1,
                gid=f"frame-{b.name}",
            )
        )
        band = b.name.startswith("band_")
        ax.text(
            b.centre_x if band else b.x + PAD,
            b.y + b.height / 2 if band else b.top - PAD,
            b.lines[0] if band else "\n".join(map(keep_indent, b.lines)),
            rotation=90 if band else 0,
            ha="center" if band else "left",
            va="center" if band else "top",
            fontsize=b.size,
            fontweight=b.weight,
            family=FONT,
            linespacing=LINE_SPACING,
            parse_math=False,
            gid=f"box-{b.name}",
        )
    style: dict[str, Any] = dict(arrowstyle="-|>", mutation_scale=10, color=EDGE, lw=1, shrinkA=0, shrinkB=0)
    for points in arrows:  # plain lines to the last corner, then the arrow
        if len(points) > 2:
            ax.plot(*zip(*points[:-1]), color=EDGE, lw=1, solid_capstyle="butt", solid_joinstyle="miter")
        ax.add_patch(FancyArrowPatch(points[-2], points[-1], **style))
    return fig
