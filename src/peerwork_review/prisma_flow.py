"""The PRISMA 2020 flow diagram: numbers derived from the data, then drawn with matplotlib.

With one search run the diagram takes the template for new reviews (databases and
other methods). With several runs it takes the template for updated reviews: a
"previous studies" column for what earlier runs included, the latest run's flow, and
the total.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .model import Review, rows

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
    # column -> reasons full-text reports were excluded, each with its count (None: count not
    # reported); the column's value is None, or the column is absent, when no reasons are reported
    exclusion_reasons: dict[str, tuple[tuple[str, int | None], ...] | None] = field(default_factory=dict)

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
    run = review.runs.set_index("search_run_id").loc[run_id]
    assert isinstance(run, pd.Series)  # one row: search_run_id is the key of search_runs.csv
    databases = tuple(review.databases.loc[review.databases["search_run_id"] == run_id, "database"])
    new_studies, new_reports = _included(review, [run_id])
    previous: dict[str, int | None] = dict(previous_studies=None, previous_reports=None)
    if len(runs) > 1:
        previous_studies, previous_reports = _included(review, runs[:-1])
        previous = dict(previous_studies=previous_studies, previous_reports=previous_reports)
    reasons, reason_sources = _exclusion_reasons(review, run_id)
    return FlowNumbers(
        run_id,
        databases,
        run["other_methods"],
        stages,
        new_studies,
        new_reports,
        sources={**sources, **reason_sources},
        exclusion_reasons=reasons,
        **previous,
    )


def _exclusion_reasons(review: Review, run_id: str) -> tuple[dict, dict]:
    """Column -> its full-text exclusion reasons with their counts, or None where the run does not report them."""
    reasons: dict[str, tuple[tuple[str, int | None], ...] | None] = {}
    sources: dict[tuple[str, str], str] = {}
    for row in rows(review.exclusion_reasons[review.exclusion_reasons["search_run_id"] == run_id]):
        if row["reason"] is None:  # the one row saying the run gives no reasons
            reasons[row["column"]] = None
            sources[(row["column"], "exclusion reasons")] = row["source"]
            continue
        reasons[row["column"]] = (*(reasons.get(row["column"]) or ()), (row["reason"], row["count"]))
        sources[(row["column"], f"excluded: {row['reason']}")] = row["source"]
    return reasons, sources


def n(value: int | None) -> str:
    return f"(n = {value:,})" if value is not None else f"({NOT_REPORTED})"


def _excluded_full_text(flow: FlowNumbers, column: str) -> str:
    """'Reports excluded (n = 9)' and one line per reason, or a line saying the reasons are not reported."""
    count = flow.stages.get((column, "excluded_full_text"))
    text = f"Reports excluded {n(count)}"
    if count == 0:
        return text
    reasons = flow.exclusion_reasons.get(column)
    if not reasons:
        return f"{text}\n  reasons {NOT_REPORTED}"
    return text + "".join(f"\n  {reason} {n(value)}" for reason, value in reasons)


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
        "db_excluded_full": _excluded_full_text(flow, "databases"),
        "om_identified": f"Records identified from other methods {n(s(('other_methods', 'identified')))}",
        "om_sought": f"Reports sought for retrieval {n(s(('other_methods', 'sought')))}",
        "om_not_retrieved": f"Reports not retrieved {n(s(('other_methods', 'not_retrieved')))}",
        "om_assessed": f"Reports assessed for eligibility {n(s(('other_methods', 'assessed')))}",
        "om_excluded_full": _excluded_full_text(flow, "other_methods"),
        "included": f"{'New studies' if flow.updated else 'Studies'} included in review {n(flow.new_studies)}\n"
        f"Reports of {new}included studies {n(flow.new_reports)}",
    }
    if flow.updated:
        texts["previous"] = (
            f"Studies included in previous version of review {n(flow.previous_studies)}\n"
            f"Reports of studies included in previous version of review {n(flow.previous_reports)}"
        )
        texts["total"] = (
            f"Total studies included in review {n(flow.total_studies)}\n"
            f"Reports of total included studies {n(flow.total_reports)}"
        )
    return texts


# -- drawing --------------------------------------------------------------------


def configure_matplotlib() -> None:
    """Deterministic SVG output (fixed ids, no date) so stored notebook outputs stay comparable."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "peerwork-review",
            "svg.fonttype": "none",
            "font.family": "DejaVu Sans",
            "figure.dpi": 100,
            "savefig.dpi": 150,
            # Labels come from the data: a "$" in a theme name is text, not mathematics.
            "text.parse_math": False,
        }
    )


SAVE_METADATA = {"svg": {"Date": None, "Creator": None}, "png": {"Software": None}}


def draw(flow: FlowNumbers, title: str | None = None):
    """A matplotlib figure of the PRISMA 2020 diagram for ``flow``: the texts of :func:`box_texts`, each in its box."""
    from .prisma_diagram import draw as draw_boxes

    return draw_boxes(flow, box_texts(flow), title)


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
    from .load import FLOW_STAGES

    out = []
    for column, stages in FLOW_STAGES.items():
        for stage in stages:
            value = flow.stages.get((column, stage))
            out.append(
                {
                    "Column": COLUMN_LABELS[column],
                    "Box": STAGE_LABELS[stage],
                    "Number": f"{value:,}" if value is not None else NOT_REPORTED,
                    "Source": flow.sources.get((column, stage), ""),
                }
            )
            if stage == "excluded_full_text":
                out += _reason_rows(flow, column)
    derived = "derived: counted from data/studies.csv and data/reports.csv"
    out.append(
        {
            "Column": "Included",
            "Box": "Studies included" if not flow.updated else "New studies included",
            "Number": f"{flow.new_studies:,}",
            "Source": derived,
        }
    )
    out.append(
        {
            "Column": "Included",
            "Box": "Reports of included studies" if not flow.updated else "Reports of new included studies",
            "Number": f"{flow.new_reports:,}",
            "Source": derived,
        }
    )
    if flow.updated:
        out.append(
            {
                "Column": "Included",
                "Box": "Total studies included",
                "Number": f"{flow.total_studies:,}",
                "Source": derived,
            }
        )
    return pd.DataFrame(out)


def _reason_rows(flow: FlowNumbers, column: str) -> list[dict]:
    reasons = flow.exclusion_reasons.get(column, ())
    if reasons is None:
        return [
            {
                "Column": COLUMN_LABELS[column],
                "Box": "Reasons for excluding reports",
                "Number": NOT_REPORTED,
                "Source": flow.sources.get((column, "exclusion reasons"), ""),
            }
        ]
    return [
        {
            "Column": COLUMN_LABELS[column],
            "Box": f"Excluded: {reason}",
            "Number": f"{count:,}" if count is not None else NOT_REPORTED,
            "Source": flow.sources.get((column, f"excluded: {reason}"), ""),
        }
        for reason, count in reasons
    ]


def month_name(yearmonth: str) -> str:
    """'2023-11' -> 'November 2023'."""
    import calendar

    year, month = yearmonth.split("-")
    return f"{calendar.month_name[int(month)]} {year}"


def join_names(names: Iterable[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = list(names)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
