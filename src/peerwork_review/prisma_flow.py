"""The PRISMA 2020 flow diagram: numbers derived from the data, then drawn with matplotlib.

With one search run the diagram takes the template for new reviews (databases and
other methods). With several runs it takes the template for updated reviews: a
"previous studies" column for what earlier runs included, the latest run's flow, and
the total.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from .model import Review, rows

if TYPE_CHECKING:
    import pandas as pd

NOT_REPORTED = "not reported"


@dataclass(frozen=True)
class FlowNumbers:
    """Every number of one run's diagram; None where the data say 'not reported'."""

    run_id: str
    databases: tuple[str, ...]
    other_methods: str | None
    stages: dict[tuple[str, str], int | None]
    new_studies: int
    new_reports: int
    previous_studies: int | None = None  # None for a review with one run
    previous_reports: int | None = None
    sources: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def updated(self) -> bool:
        return self.previous_studies is not None

    @property
    def total_studies(self) -> int:
        return self.new_studies + (self.previous_studies or 0)

    @property
    def total_reports(self) -> int:
        return self.new_reports + (self.previous_reports or 0)


def _included(review: Review, run_ids: list[str]) -> tuple[int, int]:
    studies = review.studies[review.studies["first_search_run_id"].isin(run_ids)]
    reports = review.reports[review.reports["study_id"].isin(set(studies["study_id"]))]
    return len(studies), len(reports)


def flow_numbers(review: Review, run_id: str | None = None) -> FlowNumbers:
    """Numbers for the diagram of ``run_id`` (default: the latest run)."""
    run_id = run_id or review.latest_run
    runs = review.run_ids[: review.run_ids.index(run_id) + 1]
    figures = dict(zip(review.figures["figure_id"], review.figures["value"]))
    stages: dict[tuple[str, str], int | None] = {}
    sources: dict[tuple[str, str], str] = {}
    for row in rows(review.flow[review.flow["search_run_id"] == run_id]):
        key = (row["column"], row["stage"])
        if row["count"] is not None:
            stages[key] = int(row["count"])
        elif row["figure_id"] is not None:
            stages[key] = int(figures[row["figure_id"]])
        else:
            stages[key] = None
        sources[key] = row["source"]
    # search_run_id is unique (validated), so .loc gives one row.
    run = cast("pd.Series", review.runs.set_index("search_run_id").loc[run_id])
    databases = tuple(review.databases.loc[review.databases["search_run_id"] == run_id, "database"])
    new_studies, new_reports = _included(review, [run_id])
    previous: dict[str, int | None] = dict(previous_studies=None, previous_reports=None)
    if len(runs) > 1:
        previous_studies, previous_reports = _included(review, runs[:-1])
        previous = dict(previous_studies=previous_studies, previous_reports=previous_reports)
    return FlowNumbers(run_id, databases, run["other_methods"], stages, new_studies, new_reports, sources=sources, **previous)


def n(value: int | None) -> str:
    return f"(n = {value:,})" if value is not None else f"({NOT_REPORTED})"


def box_texts(flow: FlowNumbers) -> dict[str, str]:
    """The text of every box, keyed by box name; the diagram draws exactly these."""
    s = flow.stages.get
    new = "new " if flow.updated else ""
    texts = {
        "db_identified": f"Records identified from {len(flow.databases)} databases {n(s(('databases', 'identified')))}",
        "db_removed": "Records removed before screening:\n"
        f"  Duplicate records {n(s(('databases', 'removed_duplicates')))}\n"
        f"  Marked ineligible by automation tools {n(s(('databases', 'removed_automation')))}\n"
        f"  Removed for other reasons {n(s(('databases', 'removed_other')))}",
        "db_screened": f"Records screened {n(s(('databases', 'screened')))}",
        "db_excluded": f"Records excluded {n(s(('databases', 'excluded_screening')))}",
        "db_sought": f"Reports sought for retrieval {n(s(('databases', 'sought')))}",
        "db_not_retrieved": f"Reports not retrieved {n(s(('databases', 'not_retrieved')))}",
        "db_assessed": f"Reports assessed for eligibility {n(s(('databases', 'assessed')))}",
        "db_excluded_full": f"Reports excluded {n(s(('databases', 'excluded_full_text')))}\n(reasons {NOT_REPORTED})"
        if s(("databases", "excluded_full_text")) is None else f"Reports excluded {n(s(('databases', 'excluded_full_text')))}",
        "om_identified": f"Records identified from other methods {n(s(('other_methods', 'identified')))}",
        "om_sought": f"Reports sought for retrieval {n(s(('other_methods', 'sought')))}",
        "om_not_retrieved": f"Reports not retrieved {n(s(('other_methods', 'not_retrieved')))}",
        "om_assessed": f"Reports assessed for eligibility {n(s(('other_methods', 'assessed')))}",
        "om_excluded_full": f"Reports excluded {n(s(('other_methods', 'excluded_full_text')))}",
        "included": f"{'New studies' if flow.updated else 'Studies'} included in review {n(flow.new_studies)}\n"
        f"Reports of {new}included studies {n(flow.new_reports)}",
    }
    if flow.updated:
        texts["previous"] = (f"Studies included in previous version of review {n(flow.previous_studies)}\n"
                             f"Reports of studies included in previous version of review {n(flow.previous_reports)}")
        texts["total"] = (f"Total studies included in review {n(flow.total_studies)}\n"
                          f"Reports of total included studies {n(flow.total_reports)}")
    return texts


# -- drawing --------------------------------------------------------------------


def configure_matplotlib() -> None:
    """Deterministic SVG output (fixed ids, no date) so stored notebook outputs stay comparable."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({
        "svg.hashsalt": "peerwork-review",
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
        "figure.dpi": 100,
        "savefig.dpi": 150,
    })


SAVE_METADATA = {"svg": {"Date": None, "Creator": None}, "png": {"Software": None}}


def draw(flow: FlowNumbers, title: str | None = None):
    """A matplotlib figure of the PRISMA 2020 diagram for ``flow``."""
    import textwrap

    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    texts = box_texts(flow)
    shift = 18 if flow.updated else 0
    width = 100 + shift
    fig, ax = plt.subplots(figsize=(13 + shift * 0.13, 9.5))
    ax.set_xlim(0, width + 2)
    ax.set_ylim(0, 100)
    ax.axis("off")

    def box(name, x, y, w, h, fill="#ffffff", wrap=34):
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.3,rounding_size=0.8", fc=fill, ec="#333333", lw=1))
        lines = []
        for part in texts[name].split("\n"):
            lines += textwrap.wrap(part, wrap, subsequent_indent="  " if part.startswith("  ") else "") or [""]
        ax.text(x + w / 2, y + h / 2, "\n".join(lines), ha="center", va="center", fontsize=8.5, gid=f"box-{name}")

    def arrow(x1, y1, x2, y2):
        ax.annotate("", xy=(x2, y2), xytext=(x1, y1), arrowprops=dict(arrowstyle="-|>", color="#333333", lw=1))

    def band(label, y, h):
        ax.add_patch(FancyBboxPatch((0.5, y), 2.6, h, boxstyle="round,pad=0.2", fc="#cfe2f3", ec="#5b7fa6"))
        ax.text(1.8, y + h / 2, label, rotation=90, ha="center", va="center", fontsize=9, fontweight="bold")

    header_y = 94
    x0 = 5 + shift
    heads = [(x0, 51, "Identification of studies via databases"), (x0 + 55, 40, "Identification of studies via other methods")]
    if flow.updated:
        heads.insert(0, (5, shift - 2, "Previous studies"))
    for x, w, label in heads:
        ax.add_patch(FancyBboxPatch((x, header_y), w, 4, boxstyle="round,pad=0.2", fc="#f6d77b", ec="#b8962e"))
        ax.text(x + w / 2, header_y + 2, label, ha="center", va="center", fontsize=9.5, fontweight="bold")

    band("Identification", 72, 19)
    band("Screening", 22, 47)
    band("Included", 2, 17)

    # databases column: main boxes at x0, exclusion boxes to the right
    mw, ew = 24, 24
    ex = x0 + 27
    box("db_identified", x0, 76, mw, 14)
    box("db_removed", ex, 74, ew, 18, wrap=36)
    arrow(x0 + mw, 83, ex, 83)
    rows = [("db_screened", "db_excluded", 60), ("db_sought", "db_not_retrieved", 46), ("db_assessed", "db_excluded_full", 30)]
    previous_y = 76
    for main, side, y in rows:
        box(main, x0, y, mw, 8)
        box(side, ex, y, ew, 8 if side != "db_excluded_full" else 10)
        arrow(x0 + mw / 2, previous_y, x0 + mw / 2, y + 8)
        arrow(x0 + mw, y + 4, ex, y + 4)
        previous_y = y

    ox, oex, ow = x0 + 55, x0 + 77, 18
    box("om_identified", ox, 76, ow, 14, wrap=26)
    box("om_sought", ox, 46, ow, 8, wrap=26)
    box("om_not_retrieved", oex, 46, ow, 8, wrap=26)
    box("om_assessed", ox, 30, ow, 8, wrap=26)
    box("om_excluded_full", oex, 30, ow, 8, wrap=26)
    arrow(ox + ow / 2, 76, ox + ow / 2, 54)
    arrow(ox + ow / 2, 46, ox + ow / 2, 38)
    arrow(ox + ow, 50, oex, 50)
    arrow(ox + ow, 34, oex, 34)

    box("included", x0, 5 if not flow.updated else 12, mw + 4, 10, fill="#eef5e9", wrap=48)
    inc_top = 15 if not flow.updated else 22
    arrow(x0 + mw / 2, 30, x0 + mw / 2, inc_top)
    arrow(ox + ow / 2, 30, x0 + mw + 4, inc_top - 3)
    if flow.updated:
        box("previous", 5, 74, shift - 2, 18, wrap=22)
        box("total", 5, 1, x0 + mw - 1, 8, fill="#dcecd2", wrap=60)
        arrow(5 + (shift - 2) / 2, 74, 5 + (shift - 2) / 2, 9)
        arrow(x0 + mw / 2, 12, x0 + mw / 2, 9)
    if title:
        ax.set_title(title, fontsize=11)
    fig.tight_layout()
    return fig


def save(fig, stem) -> list:
    """Write ``stem``.svg and ``stem``.png with fixed metadata; returns the paths."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in ("svg", "png"):
        path = stem.with_suffix(f".{fmt}")
        # Written aside and renamed, so an interrupted build never leaves half a file.
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        fig.savefig(partial, format=fmt, metadata=SAVE_METADATA[fmt], bbox_inches="tight")
        partial.replace(path)
        written.append(path)
    return written


def write_downloads(review, stem) -> list:
    """The review's diagram as ``stem``.svg and ``stem``.png, for readers to download."""
    import matplotlib.pyplot as plt

    configure_matplotlib()
    figure = draw(flow_numbers(review))
    try:
        return save(figure, stem)
    finally:
        plt.close(figure)


STAGE_LABELS = {
    "identified": "Records identified",
    "removed_duplicates": "Duplicate records removed",
    "removed_automation": "Records marked ineligible by automation tools",
    "removed_other": "Records removed for other reasons",
    "screened": "Records screened",
    "excluded_screening": "Records excluded at screening",
    "sought": "Reports sought for retrieval",
    "not_retrieved": "Reports not retrieved",
    "assessed": "Reports assessed for eligibility",
    "excluded_full_text": "Reports excluded after full-text assessment",
}
COLUMN_LABELS = {"databases": "Databases", "other_methods": "Other methods"}


def flow_table(flow: FlowNumbers) -> pd.DataFrame:
    """The numbers behind the diagram, in diagram order, each with its source."""
    import pandas as pd

    from .load import FLOW_STAGES

    out = []
    for column, stages in FLOW_STAGES.items():
        for stage in stages:
            value = flow.stages.get((column, stage))
            out.append({
                "Column": COLUMN_LABELS[column],
                "Box": STAGE_LABELS[stage],
                "Number": f"{value:,}" if value is not None else NOT_REPORTED,
                "Source": flow.sources.get((column, stage), ""),
            })
    derived = "derived: counted from data/studies.csv and data/reports.csv"
    out.append({"Column": "Included", "Box": "Studies included" if not flow.updated else "New studies included", "Number": f"{flow.new_studies:,}", "Source": derived})
    out.append({"Column": "Included", "Box": "Reports of included studies" if not flow.updated else "Reports of new included studies", "Number": f"{flow.new_reports:,}", "Source": derived})
    if flow.updated:
        out.append({"Column": "Included", "Box": "Total studies included", "Number": f"{flow.total_studies:,}", "Source": derived})
    return pd.DataFrame(out)


def month_name(yearmonth: str) -> str:
    """'2023-11' -> 'November 2023'."""
    import calendar

    year, month = yearmonth.split("-")
    return f"{calendar.month_name[int(month)]} {year}"


def glue_values(review: Review, flow: FlowNumbers) -> dict[str, object]:
    """Numbers and phrases the book's prose takes from this notebook."""
    run = cast("pd.Series", review.runs.set_index("search_run_id").loc[flow.run_id])
    first: pd.Series = review.runs.iloc[0]
    names = list(flow.databases)
    return {
        "search_run": flow.run_id,
        "search_runs": len(review.runs),
        "first_search_window": f"{month_name(first['date_start'])} to {month_name(first['date_end'])}",
        "search_window": f"{month_name(run['date_start'])} to {month_name(run['date_end'])}",
        "search_end": month_name(run["date_end"]),
        "database_count": len(names),
        "database_list": ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names),
        "other_methods": run["other_methods"] or NOT_REPORTED,
        "records_databases": flow.stages.get(("databases", "identified")),
        "records_other": flow.stages.get(("other_methods", "identified")),
        "duplicates_removed": flow.stages.get(("databases", "removed_duplicates")),
        "records_screened": flow.stages.get(("databases", "screened")),
        "reports_assessed": flow.stages.get(("databases", "assessed")),
        "studies_included": flow.total_studies,
        "reports_included": flow.total_reports,
        "new_studies": flow.new_studies,
    }
