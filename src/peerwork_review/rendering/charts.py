"""Charts for the study characteristics and the evidence map. Each returns a matplotlib figure.

Each comes in two layouts: the wide one for desktops and paper, and a ``narrow`` one for
phones, NARROW_WIDTH_IN wide with text of at least NARROW_FONT_PT, which a 390 px screen
shows at 9 px or more (tests/test_figures.py checks).

matplotlib is imported where a chart is drawn: a notebook imports this module in the cell
whose ``notebook.setup()`` then chooses the Agg backend, which must come before pyplot loads.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from peerwork_review.derivation import derive
from peerwork_review.model.review import Review

UNKNOWN_COLOUR = "#c8c8c8"
KNOWN_COLOUR = "#3b6ea5"
NARROW_WIDTH_IN = 4.4
NARROW_FONT_PT = 9.0


def _bars(ax, counts: pd.DataFrame, label: str, title: str) -> None:
    colours = [UNKNOWN_COLOUR if v == derive.NOT_KNOWN else KNOWN_COLOUR for v in counts[label]]
    ax.barh(counts[label][::-1], counts["Studies"][::-1], color=colours[::-1])
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_xlabel("Studies")
    ax.xaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def characteristics_figure(panels: dict[str, tuple[pd.DataFrame, str]], narrow: bool = False):
    """One horizontal bar chart per characteristic, unknown values in grey: two by two, or one
    above another (``narrow``), each as tall as its bars need."""
    import matplotlib.pyplot as plt

    if narrow:
        bars = [len(counts) + 2.5 for counts, _ in panels.values()]
        fig, axes = plt.subplots(
            len(panels), 1, figsize=(NARROW_WIDTH_IN, 0.26 * sum(bars)), gridspec_kw={"height_ratios": bars}
        )
    else:
        fig, axes = plt.subplots(2, 2, figsize=(10, 6.5))
    for ax, (title, (counts, label)) in zip(axes.flat, panels.items()):
        _bars(ax, counts, label, title)
    fig.tight_layout()
    return fig


# Beyond this many rows or columns the labels overlap; the axis then says how many there are.
MAX_LABELS = 60
# A heatmap's cells go into the SVG as one pixel each, which the browser scales up without
# smoothing ("pixelated"); "nearest" would resample them at savefig's dpi first, which for
# a phone's map of a large review (hundreds of inches long) takes seconds.
CELLS = "none"


def evidence_codes(review: Review) -> tuple[np.ndarray, list[str], list[str]]:
    """Studies (Table 1 order) by themes (reading order): 2 cited, 1 cited under a subtheme, 0 not cited."""
    studies = review.study_order()
    themes = list(derive.ordered_themes(review)["theme_id"])
    row = {sid: i for i, sid in enumerate(studies)}
    column = {tid: j for j, tid in enumerate(themes)}
    codes = np.zeros((len(studies), len(themes)), dtype=np.int8)
    support = derive.theme_support(review)
    for theme_id, study_id, how in zip(support["theme_id"], support["study_id"], support["how"]):
        codes[row[study_id], column[theme_id]] = 2 if how == "cited" else 1
    return codes, studies, themes


def _label_axis(ax, axis: str, labels: list[str], noun: str, narrow: bool = False) -> None:
    set_ticks = ax.set_xticks if axis == "x" else ax.set_yticks
    if len(labels) > MAX_LABELS:
        set_ticks([])
        (ax.set_xlabel if axis == "x" else ax.set_ylabel)(f"{len(labels):,} {noun}")
        return
    extra = ({"rotation": 90} if narrow else {"rotation": 40, "ha": "right"}) if axis == "x" else {}
    set_ticks(range(len(labels)), labels, fontsize=NARROW_FONT_PT if narrow else 8.5, **extra)
    set_ticks([i - 0.5 for i in range(1, len(labels))], minor=True)


def evidence_counts(review: Review) -> tuple[np.ndarray, list[str], list[str]]:
    """Studies (Table 1 order) by themes (reading order): how many of the section's findings cite the study."""
    studies = review.study_order()
    themes = list(derive.ordered_themes(review)["theme_id"])
    row = {sid: i for i, sid in enumerate(studies)}
    column = {tid: j for j, tid in enumerate(themes)}
    counts = np.zeros((len(studies), len(themes)), dtype=np.int32)
    for study_id, theme_id in zip(*[derive.study_findings(review)[c] for c in ("study_id", "theme_id")]):
        counts[row[study_id], column[theme_id]] += 1
    return counts, studies, themes


EVIDENCE = ("citations", "findings")


def evidence_map(review: Review, by: str = "citations", narrow: bool = False):
    """Heatmap of studies (rows) by themes (columns), or themes by studies (``narrow``, for phones).

    ``by="citations"``: dark cited in the section, light cited under a subtheme.
    ``by="findings"``: the number of the section's findings that cite the study, written in the cell.
    """
    import matplotlib.pyplot as plt

    if by not in EVIDENCE:
        raise ValueError(f"by must be one of {', '.join(EVIDENCE)}, not {by!r}")
    values, studies, themes = (evidence_codes if by == "citations" else evidence_counts)(review)
    names = dict(zip(review.themes["theme_id"], review.themes["name"]))
    theme_labels = [textwrap.fill(names[t], 26) if narrow else names[t] for t in themes]
    study_labels = [review.study_label(s) for s in studies]
    fig, ax = plt.subplots(figsize=(NARROW_WIDTH_IN, 2.4 + 0.36 * len(themes)) if narrow else (9, 7))
    (_draw_codes if by == "citations" else _draw_counts)(fig, ax, values.T if narrow else values, narrow)
    _label_axis(
        ax, "x", study_labels if narrow else theme_labels, "studies" if narrow else "themes and subthemes", narrow
    )
    _label_axis(
        ax, "y", theme_labels if narrow else study_labels, "themes and subthemes" if narrow else "studies", narrow
    )
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    fig.tight_layout()
    return fig


def _draw_codes(fig, ax, codes: np.ndarray, narrow: bool) -> None:
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    colours = ["#f4f4f4", "#a9c6e8", "#1f4e85"]
    ax.imshow(codes, cmap=ListedColormap(colours), vmin=0, vmax=2, aspect="auto", interpolation=CELLS)
    ax.legend(
        handles=[
            Patch(color=colours[2], label="cited in this section"),
            Patch(color=colours[1], label="cited under a subtheme"),
            Patch(color=colours[0], label="not cited (support unknown)"),
        ],
        loc="lower left",
        bbox_to_anchor=(0, 1.01),
        ncol=1 if narrow else 3,
        frameon=False,
        fontsize=NARROW_FONT_PT if narrow else 8.5,
    )


def _draw_counts(fig, ax, counts: np.ndarray, narrow: bool) -> None:
    from matplotlib import colormaps
    from matplotlib.colors import BoundaryNorm, ListedColormap

    top = max(int(counts.max()), 1)
    # Zero keeps the pale grey of "not cited"; one step of blue per finding above it.
    blues = colormaps["Blues"](np.linspace(0.3, 1.0, top))
    cmap = ListedColormap(np.vstack([[0.957, 0.957, 0.957, 1.0], blues]))
    norm = BoundaryNorm(np.arange(-0.5, top + 1), cmap.N)
    image = ax.imshow(counts, cmap=cmap, norm=norm, aspect="auto", interpolation=CELLS)
    if max(counts.shape) <= MAX_LABELS:
        for (i, j), value in np.ndenumerate(counts):
            if value:
                ax.text(
                    j,
                    i,
                    str(value),
                    ha="center",
                    va="center",
                    fontsize=NARROW_FONT_PT if narrow else 8,
                    color="white" if value > top / 2 else "black",
                )
    where = dict(location="top", fraction=0.05, pad=0.03) if narrow else dict(fraction=0.03, pad=0.02)
    bar = fig.colorbar(image, ax=ax, ticks=range(0, top + 1), **where)
    bar.set_label("findings of the section citing the study", fontsize=NARROW_FONT_PT if narrow else 8.5)
    bar.ax.tick_params(labelsize=NARROW_FONT_PT if narrow else 10)
