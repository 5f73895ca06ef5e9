"""Where every box of the PRISMA 2020 flow diagram goes: boxes sized to the text they hold.

The layout works in points (one data unit of the axes is one point of the figure), so
text measured with matplotlib's renderer can be placed exactly: every line is wrapped
to its column's width, every box is as tall as its text, every row as tall as its
tallest box. Text therefore always fits its box, whatever the numbers or the reasons
for exclusion say. "(n = …)" is never split across lines.

Sizes are chosen for the web page: on a 1,400 px screen the book shows the wide layout
``DISPLAY_WIDTH_PX`` wide (it uses the full content width; tests/test_browser.py checks),
so ``FONT_PT`` points of text show at ``FONT_PT * DISPLAY_WIDTH_PX / width_pt`` px: at
least 11 px for both forms of the diagram (tests/test_figures.py checks). Phones get the
narrow layout (:mod:`~peerwork_review.rendering.prisma_diagram` draws either).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DISPLAY_WIDTH_PX = 1040
FONT = "DejaVu Sans"
FONT_PT = 10.0
LINE_SPACING = 1.25  # matplotlib's line height, in font sizes
PAD = 6.0  # inside a box, points
ROW_GAP = 20.0  # between rows, room for the arrows
COL_GAP = 24.0
MARGIN = 6.0
BAND_WIDTH = 22.0
WITHDRAWN_INDENT = 20.0  # room on the left of the previous studies' column for the line past the withdrawn box
# Column widths in points: main boxes, exclusion boxes beside them, other methods, previous review.
WIDTHS = {"prev": 132.0, "db": 150.0, "db_side": 178.0, "om": 134.0, "om_side": 134.0}
# The narrow layout, for phones: 9.5 pt text in a figure about 340 pt wide shows at 9 px or
# more on a 390 px screen, where the book shows it 342 px wide (tests/test_figures.py checks).
NARROW_FONT_PT = 9.5
NARROW_WIDTHS = {"main": 176.0, "side": 126.0}
NARROW_GAP = 12.0
LANE = 8.0  # beside the boxes, for an arrow that passes them
PHONE_WIDTH_PX = 342
# The boxes below the headers and the column of each; the arrows down each column and out to the side.
BOX_COLUMNS = {
    "db_identified": "db",
    "db_removed": "db_side",
    "om_identified": "om",
    "db_screened": "db",
    "db_excluded": "db_side",
    "db_sought": "db",
    "db_not_retrieved": "db_side",
    "om_sought": "om",
    "om_not_retrieved": "om_side",
    "db_assessed": "db",
    "db_excluded_full": "db_side",
    "om_assessed": "om",
    "om_excluded_full": "om_side",
}
CHAINS = [
    ("db_identified", "db_screened"),
    ("db_screened", "db_sought"),
    ("db_sought", "db_assessed"),
    ("om_identified", "om_sought"),
    ("om_sought", "om_assessed"),
]
BESIDE = [
    ("db_identified", "db_removed"),
    ("db_screened", "db_excluded"),
    ("db_sought", "db_not_retrieved"),
    ("db_assessed", "db_excluded_full"),
    ("om_sought", "om_not_retrieved"),
    ("om_assessed", "om_excluded_full"),
]
EDGE = "#333333"
FILLS = {"box": "#ffffff", "included": "#eef5e9", "total": "#dcecd2", "header": "#f6d77b", "band": "#cfe2f3"}
EDGES = {"header": "#b8962e", "band": "#5b7fa6"}

_UNBREAKABLE = re.compile(r"\(n [^)]*\)|\S+")


@dataclass
class Box:
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


class Measure:
    """Text widths in points, from the Agg renderer."""

    def __init__(self):
        from matplotlib.backends.backend_agg import RendererAgg

        self.renderer = RendererAgg(100, 100, 72)  # 72 dpi: one pixel is one point

    def width(self, text: str, size: float, weight: str = "normal") -> float:
        from matplotlib.font_manager import FontProperties

        prop = FontProperties(family=FONT, size=size, weight=weight)
        return self.renderer.get_text_width_height_descent(text, prop, ismath=False)[0]


def wrap(text: str, width: float, measure: Measure, size: float = FONT_PT, weight: str = "normal") -> list[str]:
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


def keep_indent(line: str) -> str:
    """Leading spaces as no-break spaces, which SVG viewers do not collapse."""
    stripped = line.lstrip(" ")
    return "\u00a0" * (len(line) - len(stripped)) + stripped


def text_height(lines: int, size: float) -> float:
    return lines * size * LINE_SPACING


def _columns(updated: bool, narrow: bool) -> tuple[dict[str, tuple[float, float]], float]:
    """Each column's (x, width) in points, and the figure's width. The narrow layout has two
    columns, main and side, which every part of the diagram shares; a lane to their left
    per arrow that has to pass the boxes between its ends."""
    if narrow:
        main = MARGIN + LANE * (2 if updated else 1)
        side = main + NARROW_WIDTHS["main"] + NARROW_GAP
        columns = {"main": (main, NARROW_WIDTHS["main"]), "side": (side, NARROW_WIDTHS["side"])}
        shared = {"prev": "main", "db": "main", "db_side": "side", "om": "main", "om_side": "side"}
        return {name: columns[column] for name, column in shared.items()}, side + NARROW_WIDTHS["side"] + MARGIN
    x = MARGIN + BAND_WIDTH + COL_GAP / 2
    left: dict[str, float] = {}
    if updated:
        left["prev"] = x
        x += WIDTHS["prev"] + COL_GAP * 1.25
    left["db"] = x
    left["db_side"] = x + WIDTHS["db"] + COL_GAP
    left["om"] = left["db_side"] + WIDTHS["db_side"] + COL_GAP * 1.25
    left["om_side"] = left["om"] + WIDTHS["om"] + COL_GAP
    return {name: (x, WIDTHS[name]) for name, x in left.items()}, left["om_side"] + WIDTHS["om_side"] + MARGIN


def _rows(updated: bool, narrow: bool, withdrawn: bool) -> list[list[str]]:
    """The boxes row by row, top to bottom; the studies withdrawn beside the line from the previous studies."""
    beside_previous = ["withdrawn"] if withdrawn else []
    stages = [
        ["db_screened", "db_excluded"] + ([] if narrow else beside_previous),
        ["db_sought", "db_not_retrieved"] + ([] if narrow else ["om_sought", "om_not_retrieved"]),
        ["db_assessed", "db_excluded_full"] + ([] if narrow else ["om_assessed", "om_excluded_full"]),
    ]
    if not narrow:
        return [
            ["head_db", "head_om"] + (["head_prev"] if updated else []),
            ["db_identified", "db_removed", "om_identified"] + (["previous"] if updated else []),
            *stages,
            ["included"],
        ] + ([["total"]] if updated else [])
    return (
        ([["head_prev"], ["previous", *beside_previous]] if updated else [])
        + [["head_db"], ["db_identified", "db_removed"], *stages]
        + [["head_om"], ["om_identified"], ["om_sought", "om_not_retrieved"], ["om_assessed", "om_excluded_full"]]
        + [["included"]]
        + ([["total"]] if updated else [])
    )


def layout(flow, texts: dict[str, str], narrow: bool = False) -> tuple[dict[str, Box], list[list], float, float]:
    """Boxes with positions, arrows as lists of points (the last segment has the head) and the figure size."""
    measure = Measure()
    updated = flow.updated
    size = NARROW_FONT_PT if narrow else FONT_PT
    columns, width = _columns(updated, narrow)
    boxes: dict[str, Box] = {}

    def box(name, column, span=None, **style):
        x, box_width = columns[column]
        box_width = span if span is not None else box_width
        weight = style.get("weight", "normal")
        lines = wrap(texts[name], box_width - 2 * PAD, measure, size, weight)
        boxes[name] = Box(name, lines, box_width, text_height(len(lines), size) + 2 * PAD, x=x, size=size, **style)

    def span(first: str, last: str) -> float:
        return columns[last][0] + columns[last][1] - columns[first][0]

    new = "new " if updated else ""
    texts = dict(texts)
    texts.update(
        {
            "head_db": f"Identification of {new}studies via databases",
            "head_om": f"Identification of {new}studies via other methods",
            "head_prev": "Previous studies",
        }
    )
    header = dict(fill=FILLS["header"], edge=EDGES["header"], weight="bold")
    box("head_db", "db", span=span("db", "db_side"), **header)
    box("head_om", "om", span=span("om", "om_side"), **header)
    if updated:
        box("head_prev", "prev", span=span("prev", "db_side") if narrow else None, **header)
        box("previous", "prev")
    for name, column in BOX_COLUMNS.items():
        box(name, column)
    box("included", "db", fill=FILLS["included"])
    withdrawn = "withdrawn" in texts
    if withdrawn and narrow:
        box("withdrawn", "db_side")
    elif withdrawn:  # indented, so the line from the previous studies to the total passes it as an exclusion's does
        box("withdrawn", "prev", span=WIDTHS["prev"] - WITHDRAWN_INDENT)
        boxes["withdrawn"].x += WITHDRAWN_INDENT
    if updated:
        box("total", "prev", span=span("prev", "db"), fill=FILLS["total"])

    rows = _rows(updated, narrow, withdrawn)
    heights = [max(boxes[n].height for n in row) for row in rows]
    if not narrow:  # a phase band must hold its label turned on its side
        length = {
            name: measure.width(name, size, "bold") + 2 * PAD for name in ("Identification", "Screening", "Included")
        }
        heights[1] = max(heights[1], length["Identification"])
        heights[2] += max(0.0, length["Screening"] - (sum(heights[2:5]) + 2 * ROW_GAP))
        heights[5] += max(0.0, length["Included"] - (sum(heights[5:]) + ROW_GAP * (len(heights) - 6)))
    height = MARGIN * 2 + sum(heights) + ROW_GAP * (len(rows) - 1)
    top = height - MARGIN
    row_spans = []
    for row, row_height in zip(rows, heights):
        for name in row:  # boxes of one row are equally tall, so arrows between them run straight
            boxes[name].y, boxes[name].height = top - row_height, row_height
        row_spans.append((top - row_height, top))
        top -= row_height + ROW_GAP

    def mid_y(name: str) -> float:
        return boxes[name].y + boxes[name].height / 2

    def below(upper, lower):
        return [(boxes[upper].centre_x, boxes[upper].y), (boxes[upper].centre_x, boxes[lower].top)]

    def beside(left, right):
        return [(boxes[left].x + boxes[left].width, mid_y(left)), (boxes[right].x, mid_y(left))]

    def around(start, end, lane):  # out of the left side, down a lane, into the left side
        x = MARGIN + LANE * (lane - 0.5)
        return [(boxes[start].x, mid_y(start)), (x, mid_y(start)), (x, mid_y(end)), (boxes[end].x, mid_y(end))]

    arrows = [below(a, b) for a, b in CHAINS] + [beside(a, b) for a, b in BESIDE]
    if narrow:
        arrows += [below("om_assessed", "included"), around("db_assessed", "included", 2 if updated else 1)]
        arrows += [below("included", "total"), around("previous", "total", 1)] if updated else []
        arrows += [beside("previous", "withdrawn")] if withdrawn else []
    else:
        inc, om_x = boxes["included"], boxes["om_assessed"].centre_x  # down, then left
        arrows += [
            below("db_assessed", "included"),
            [(om_x, boxes["om_assessed"].y), (om_x, mid_y("included")), (inc.x + inc.width, mid_y("included"))],
        ]
        arrows += [below("included", "total")] if updated else []
        if withdrawn:
            x = boxes["previous"].x + WITHDRAWN_INDENT / 2
            arrows += [
                [(x, boxes["previous"].y), (x, boxes["total"].top)],
                [(x, mid_y("withdrawn")), (boxes["withdrawn"].x, mid_y("withdrawn"))],
            ]
        elif updated:
            arrows.append(below("previous", "total"))
        bands = [
            ("Identification", row_spans[1]),
            ("Screening", (row_spans[4][0], row_spans[2][1])),
            ("Included", (row_spans[-1][0], row_spans[5][1])),
        ]
        for label, (low, high) in bands:
            name = f"band_{label.lower()}"
            boxes[name] = Box(
                name,
                [label],
                BAND_WIDTH,
                high - low,
                x=MARGIN,
                y=low,
                fill=FILLS["band"],
                edge=EDGES["band"],
                weight="bold",
                size=size,
            )
    return boxes, arrows, width, height
