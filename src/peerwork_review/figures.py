"""Charts for the study characteristics and the evidence map. Each returns a matplotlib figure."""

from __future__ import annotations

import pandas as pd

from . import derive
from .tables import CITED, VIA_SUBTHEME

UNKNOWN_COLOUR = "#c8c8c8"
KNOWN_COLOUR = "#3b6ea5"


def _bars(ax, counts: pd.DataFrame, label: str, title: str) -> None:
    colours = [UNKNOWN_COLOUR if v == derive.NOT_KNOWN else KNOWN_COLOUR for v in counts[label]]
    ax.barh(counts[label][::-1], counts["Studies"][::-1], color=colours[::-1])
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_xlabel("Studies")
    ax.xaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def characteristics_figure(panels: dict[str, tuple[pd.DataFrame, str]]):
    """One horizontal bar chart per characteristic; unknown values in grey."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(10, 6.5))
    for ax, (title, (counts, label)) in zip(axes.flat, panels.items()):
        _bars(ax, counts, label, title)
    fig.tight_layout()
    return fig


def evidence_map(matrix: pd.DataFrame, theme_names: dict[str, str]):
    """Heatmap of studies (rows) by themes (columns): dark cited, light cited under a subtheme."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    themes = [c for c in matrix.columns if c in theme_names]
    codes = matrix[themes].replace({CITED: 2, VIA_SUBTHEME: 1, "": 0}).astype(int).to_numpy()
    fig, ax = plt.subplots(figsize=(9, 7))
    ax.imshow(codes, cmap=ListedColormap(["#f4f4f4", "#a9c6e8", "#1f4e85"]), vmin=0, vmax=2, aspect="auto")
    ax.set_xticks(range(len(themes)), [theme_names[t] for t in themes], rotation=40, ha="right", fontsize=8.5)
    ax.set_yticks(range(len(matrix)), matrix["Study"], fontsize=8.5)
    ax.set_xticks([x - 0.5 for x in range(1, len(themes))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(matrix))], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color="#1f4e85", label="cited in this section"), Patch(color="#a9c6e8", label="cited under a subtheme"),
                       Patch(color="#f4f4f4", label="not cited (support unknown)")],
              loc="upper center", bbox_to_anchor=(0.5, -0.32), ncol=3, frameon=False, fontsize=8.5)
    fig.tight_layout()
    return fig
