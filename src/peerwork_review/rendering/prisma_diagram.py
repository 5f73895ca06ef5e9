"""Drawing the PRISMA 2020 flow diagram: boxes sized to the text they hold.

The layout works in points (one data unit of the axes is one point of the figure), so
text measured with matplotlib's renderer can be placed exactly: every line is wrapped
to its column's width, every box is as tall as its text, every row as tall as its
tallest box. Text therefore always fits its box, whatever the numbers or the reasons
for exclusion say. "(n = …)" is never split across lines.

Sizes are chosen for the web page: on a 1,400 px screen the book shows the figure
``DISPLAY_WIDTH_PX`` wide (it uses the full content width; tests/test_browser.py checks),
so ``FONT_PT`` points of text show at ``FONT_PT * DISPLAY_WIDTH_PX / width_pt`` px: at
least 11 px for both layouts (tests/test_figures.py checks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

DISPLAY_WIDTH_PX = 1040
FONT = "DejaVu Sans"
FONT_PT = 10.0
HEADER_PT = 10.0
LINE_SPACING = 1.25  # matplotlib's line height, in font sizes
PAD = 6.0  # inside a box, points
ROW_GAP = 20.0  # between rows, room for the arrows
COL_GAP = 24.0
MARGIN = 6.0
BAND_WIDTH = 22.0
# Column widths in points: main boxes, exclusion boxes beside them, other methods, previous review.
WIDTHS = {"prev": 132.0, "db": 150.0, "db_side": 178.0, "om": 134.0, "om_side": 134.0}
EDGE = "#333333"
FILLS = {"box": "#ffffff", "included": "#eef5e9", "total": "#dcecd2", "header": "#f6d77b", "band": "#cfe2f3"}
EDGES = {"header": "#b8962e", "band": "#5b7fa6"}

_UNBREAKABLE = re.compile(r"\(n [^)]*\)|\S+")


@dataclass
class _Box:
    name: str
    lines: list[str]
    width: float
    height: float = 0.0
    x: float = 0.0
    y: float = 0.0  # bottom
    fill: str = FILLS["box"]
    edge: str = EDGE
    size: float = FONT_PT
    weight: str = "normal"

    @property
    def top(self) -> float:
        return self.y + self.height

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2


class _Measure:
    """Text widths in points, from the Agg renderer."""

    def __init__(self):
        from matplotlib.backends.backend_agg import RendererAgg

        self.renderer = RendererAgg(100, 100, 72)  # 72 dpi: one pixel is one point

    def width(self, text: str, size: float, weight: str = "normal") -> float:
        from matplotlib.font_manager import FontProperties

        prop = FontProperties(family=FONT, size=size, weight=weight)
        return self.renderer.get_text_width_height_descent(text, prop, ismath=False)[0]


def wrap(text: str, width: float, measure: _Measure, size: float = FONT_PT, weight: str = "normal") -> list[str]:
    """Lines of ``text`` no wider than ``width`` points; a line's leading spaces indent its continuations."""
    out = []
    for paragraph in text.split("\n"):
        indent = paragraph[: len(paragraph) - len(paragraph.lstrip(" "))]
        hanging = indent + "  " if indent else ""
        line = indent
        for token in _UNBREAKABLE.findall(paragraph):
            candidate = f"{line} {token}" if line.strip() else line + token
            if measure.width(candidate, size, weight) <= width or not line.strip():
                line = candidate
            else:
                out.append(line)
                line = hanging + token
            # a single word wider than the box is cut into pieces that fit
            while measure.width(line, size, weight) > width and len(line.strip()) > 1:
                cut = len(line)
                while cut > 1 and measure.width(line[:cut], size, weight) > width:
                    cut -= 1
                out.append(line[:cut])
                line = hanging + line[cut:]
        out.append(line)
    return out


def _keep_indent(line: str) -> str:
    """Leading spaces as no-break spaces, which SVG viewers do not collapse."""
    stripped = line.lstrip(" ")
    return "\u00a0" * (len(line) - len(stripped)) + stripped


def _text_height(lines: int, size: float) -> float:
    return lines * size * LINE_SPACING


def _layout(flow, texts: dict[str, str]) -> tuple[dict[str, _Box], list[tuple], float, float]:
    """Boxes with positions, arrows as (x1, y1, x2, y2[, via]) and the figure size in points."""
    measure = _Measure()
    updated = flow.updated
    w = WIDTHS
    x = MARGIN + BAND_WIDTH + COL_GAP / 2
    columns = {}
    if updated:
        columns["prev"] = x
        x += w["prev"] + COL_GAP * 1.25
    columns["db"] = x
    columns["db_side"] = x + w["db"] + COL_GAP
    columns["om"] = columns["db_side"] + w["db_side"] + COL_GAP * 1.25
    columns["om_side"] = columns["om"] + w["om"] + COL_GAP
    width = columns["om_side"] + w["om_side"] + MARGIN

    boxes: dict[str, _Box] = {}

    def box(name, column, span=None, **style):
        box_width = span if span is not None else w[column]
        size, weight = style.get("size", FONT_PT), style.get("weight", "normal")
        lines = wrap(texts[name], box_width - 2 * PAD, measure, size, weight)
        boxes[name] = _Box(name, lines, box_width, _text_height(len(lines), size) + 2 * PAD, x=columns[column], **style)

    new = "new " if updated else ""
    texts = dict(texts)
    texts.update(
        {
            "head_db": f"Identification of {new}studies via databases",
            "head_om": f"Identification of {new}studies via other methods",
            "head_prev": "Previous studies",
        }
    )
    header = dict(fill=FILLS["header"], edge=EDGES["header"], size=HEADER_PT, weight="bold")
    box("head_db", "db", span=columns["db_side"] + w["db_side"] - columns["db"], **header)
    box("head_om", "om", span=columns["om_side"] + w["om_side"] - columns["om"], **header)
    if updated:
        box("head_prev", "prev", **header)
        box("previous", "prev")
    for name, column in [
        ("db_identified", "db"),
        ("db_removed", "db_side"),
        ("om_identified", "om"),
        ("db_screened", "db"),
        ("db_excluded", "db_side"),
        ("db_sought", "db"),
        ("db_not_retrieved", "db_side"),
        ("om_sought", "om"),
        ("om_not_retrieved", "om_side"),
        ("db_assessed", "db"),
        ("db_excluded_full", "db_side"),
        ("om_assessed", "om"),
        ("om_excluded_full", "om_side"),
    ]:
        box(name, column)
    box("included", "db", fill=FILLS["included"])
    if updated:
        box("total", "prev", span=columns["db"] + w["db"] - columns["prev"], fill=FILLS["total"])

    rows = [
        ["head_db", "head_om"] + (["head_prev"] if updated else []),
        ["db_identified", "db_removed", "om_identified"] + (["previous"] if updated else []),
        ["db_screened", "db_excluded"],
        ["db_sought", "db_not_retrieved", "om_sought", "om_not_retrieved"],
        ["db_assessed", "db_excluded_full", "om_assessed", "om_excluded_full"],
        ["included"],
    ]
    if updated:
        rows.append(["total"])
    heights = [max(boxes[n].height for n in row) for row in rows]
    # a phase band must hold its label turned on its side
    label_length = {
        name: measure.width(name, FONT_PT, "bold") + 2 * PAD for name in ("Identification", "Screening", "Included")
    }
    heights[1] = max(heights[1], label_length["Identification"])
    heights[2] += max(0.0, label_length["Screening"] - (sum(heights[2:5]) + 2 * ROW_GAP))
    heights[5] += max(0.0, label_length["Included"] - (sum(heights[5:]) + ROW_GAP * (len(heights) - 6)))
    height = MARGIN * 2 + sum(heights) + ROW_GAP * (len(rows) - 1)
    top = height - MARGIN
    row_spans = []
    for row, row_height in zip(rows, heights):
        for name in row:  # boxes of one row are equally tall, so arrows between them run straight
            boxes[name].y, boxes[name].height = top - row_height, row_height
        row_spans.append((top - row_height, top))
        top -= row_height + ROW_GAP

    def below(upper, lower):
        return (boxes[upper].centre_x, boxes[upper].y, boxes[upper].centre_x, boxes[lower].top)

    def beside(left, right):
        y = boxes[left].y + boxes[left].height / 2
        return (boxes[left].x + boxes[left].width, y, boxes[right].x, y)

    arrows = [
        below("db_identified", "db_screened"),
        below("db_screened", "db_sought"),
        below("db_sought", "db_assessed"),
        below("db_assessed", "included"),
        below("om_identified", "om_sought"),
        below("om_sought", "om_assessed"),
        beside("db_identified", "db_removed"),
        beside("db_screened", "db_excluded"),
        beside("db_sought", "db_not_retrieved"),
        beside("db_assessed", "db_excluded_full"),
        beside("om_sought", "om_not_retrieved"),
        beside("om_assessed", "om_excluded_full"),
    ]
    inc = boxes["included"]
    om_x = boxes["om_assessed"].centre_x
    y_inc = inc.y + inc.height / 2
    arrows.append((om_x, boxes["om_assessed"].y, inc.x + inc.width, y_inc, (om_x, y_inc)))  # down, then left
    if updated:
        arrows += [below("previous", "total"), below("included", "total")]

    bands = [
        ("Identification", row_spans[1]),
        ("Screening", (row_spans[4][0], row_spans[2][1])),
        ("Included", (row_spans[-1][0], row_spans[5][1])),
    ]
    for label, (low, high) in bands:
        name = f"band_{label.lower()}"
        boxes[name] = _Box(
            name,
            [label],
            BAND_WIDTH,
            high - low,
            x=MARGIN,
            y=low,
            fill=FILLS["band"],
            edge=EDGES["band"],
            weight="bold",
        )
    return boxes, arrows, width, height


def draw(flow, texts: dict[str, str], title: str | None = None):
    """A matplotlib figure drawing ``texts`` (from ``box_texts``) in the PRISMA 2020 layout."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    boxes, arrows, width, height = _layout(flow, texts)
    title_space = FONT_PT * 2.5 if title else 0.0
    fig = plt.figure(figsize=(width / 72, (height + title_space) / 72))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height + title_space)
    ax.axis("off")
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
        if b.name.startswith("band_"):
            ax.text(
                b.centre_x,
                b.y + b.height / 2,
                b.lines[0],
                rotation=90,
                ha="center",
                va="center",
                fontsize=b.size,
                fontweight=b.weight,
                family=FONT,
                parse_math=False,
                gid=f"box-{b.name}",
            )
        else:
            ax.text(
                b.x + PAD,
                b.top - PAD,
                "\n".join(map(_keep_indent, b.lines)),
                ha="left",
                va="top",
                fontsize=b.size,
                fontweight=b.weight,
                family=FONT,
                linespacing=LINE_SPACING,
                parse_math=False,
                gid=f"box-{b.name}",
            )
    style: dict[str, Any] = dict(arrowstyle="-|>", mutation_scale=10, color=EDGE, lw=1, shrinkA=0, shrinkB=0)
    for arrow in arrows:
        x1, y1, x2, y2 = arrow[:4]
        if len(arrow) == 5:  # an elbow: a plain line to the corner, then the arrow
            (cx, cy) = arrow[4]
            ax.plot([x1, cx], [y1, cy], color=EDGE, lw=1, solid_capstyle="butt")
            x1, y1 = cx, cy
        ax.add_patch(FancyArrowPatch((x1, y1), (x2, y2), **style))
    if title:
        ax.text(
            width / 2,
            height + title_space / 2,
            title,
            ha="center",
            va="center",
            fontsize=FONT_PT * 1.1,
            family=FONT,
            parse_math=False,
        )
    return fig
