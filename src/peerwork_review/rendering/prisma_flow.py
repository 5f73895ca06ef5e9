"""The PRISMA 2020 flow diagram: the text of each box, the table of its numbers, and the drawing.

The numbers come from :mod:`peerwork_review.derivation.flow`. With one search run the
diagram takes the template for new reviews (databases and
other methods). With several runs it takes the template for updated reviews: a
"previous studies" column for what earlier runs included (with the studies this run
withdraws beside it, where it withdraws any), the latest run's flow, and the total.
"""

from __future__ import annotations

import calendar
import io
from collections.abc import Iterable

import pandas as pd

from peerwork_review.derivation.flow import FlowNumbers
from peerwork_review.domain.prisma import COLUMN_NAMES, LABELS, STAGES
from peerwork_review.rendering import prisma_diagram

NOT_REPORTED = "not reported"
NOT_FOUND = "not found"


def missing(source: str | None) -> str:
    """What a box says for a number the data do not give: "not reported" only where its source
    says the number was not reported, otherwise "not found" (see domain.provenance)."""
    return NOT_REPORTED if (source or "").lower().startswith(f"{NOT_REPORTED}:") else NOT_FOUND


def n(value: int | None, source: str | None = None) -> str:
    return f"(n = {value:,})" if value is not None else f"(n {missing(source)})"


def _excluded_full_text(flow: FlowNumbers, column: str) -> str:
    """'Reports excluded (n = 9)' and one line per reason, or a line saying the reasons are not known."""
    count = flow.stages.get((column, "excluded_full_text"))
    text = f"{LABELS['excluded_full_text']} {n(count, flow.sources.get((column, 'excluded_full_text')))}"
    if count == 0:
        return text
    reasons = flow.exclusion_reasons.get(column)
    if not reasons:
        return f"{text}\n  reasons {missing(flow.sources.get((column, 'exclusion reasons')))}"
    return text + "".join(
        f"\n  {reason} {n(value, flow.sources.get((column, f'excluded: {reason}')))}" for reason, value in reasons
    )


# box name (after its column's prefix) -> the stage whose label and number it shows
SIMPLE_BOXES = {
    "databases": {
        "screened": "screened",
        "excluded": "excluded_screening",
        "sought": "sought",
        "not_retrieved": "not_retrieved",
        "assessed": "assessed",
    },
    "other_methods": {"sought": "sought", "not_retrieved": "not_retrieved", "assessed": "assessed"},
}


def box_texts(flow: FlowNumbers) -> dict[str, str]:
    """The text of every box, keyed by box name; the diagram draws exactly these."""
    s = flow.stages.get
    new = "new " if flow.updated else ""

    def box(column: str, stage: str) -> str:
        return f"{LABELS[stage]} {n(s((column, stage)), flow.sources.get((column, stage)))}"

    texts = {
        "db_identified": f"{LABELS['identified']} from {len(flow.databases)} databases "
        f"{n(s(('databases', 'identified')), flow.sources.get(('databases', 'identified')))}",
        "db_removed": "Records removed before screening:\n"
        + "\n".join(
            f"  {box('databases', stage)}" for stage in ("removed_duplicates", "removed_automation", "removed_other")
        ),
        **{f"db_{key}": box("databases", stage) for key, stage in SIMPLE_BOXES["databases"].items()},
        "db_excluded_full": _excluded_full_text(flow, "databases"),
        "om_identified": f"{LABELS['identified']} from other methods "
        f"{n(s(('other_methods', 'identified')), flow.sources.get(('other_methods', 'identified')))}",
        **{f"om_{key}": box("other_methods", stage) for key, stage in SIMPLE_BOXES["other_methods"].items()},
        "om_excluded_full": _excluded_full_text(flow, "other_methods"),
        "included": f"{'New studies' if flow.updated else 'Studies'} included in review {n(flow.new_studies)}\n"
        f"Reports of {new}included studies {n(flow.new_reports)}",
    }
    if flow.updated:
        texts["previous"] = (
            f"Studies included in previous version of review {n(flow.previous_studies)}\n"
            f"Reports of studies included in previous version of review {n(flow.previous_reports)}"
        )
        if flow.withdrawn_studies:
            texts["withdrawn"] = (
                f"Studies withdrawn from the review {n(flow.withdrawn_studies)}\n"
                f"Reports of withdrawn studies {n(flow.withdrawn_reports)}"
                + "".join(f"\n  {reason} {n(count)}" for reason, count in flow.withdrawal_reasons)
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


def draw(flow: FlowNumbers, title: str | None = None, narrow: bool = False):
    """A matplotlib figure of the PRISMA 2020 diagram for ``flow``: the texts of :func:`box_texts`, each in its box;
    ``narrow``: laid out for a phone."""
    return prisma_diagram.draw(flow, box_texts(flow), title, narrow)


def image_bytes(fig, fmt: str) -> bytes:
    """The figure as ``svg`` or ``png`` bytes, with fixed metadata so that stored outputs stay comparable."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, metadata=SAVE_METADATA[fmt], bbox_inches="tight")
    return buffer.getvalue()


def flow_table(flow: FlowNumbers) -> pd.DataFrame:
    """The numbers behind the diagram, in diagram order, each with its source."""
    out = []
    for column, stages in STAGES.items():
        for stage in stages:
            value, source = flow.stages.get((column, stage)), flow.sources.get((column, stage), "")
            out.append(
                {
                    "Column": COLUMN_NAMES[column],
                    "Box": LABELS[stage],
                    "Number": f"{value:,}" if value is not None else missing(source),
                    "Source": source,
                }
            )
            if stage == "excluded_full_text":
                out += _reason_rows(flow, column)
    return pd.DataFrame(
        out
        + [{"Column": "Included", "Box": b, "Number": f"{v:,}", "Source": src} for b, v, src in _included_rows(flow)]
    )


def _included_rows(flow: FlowNumbers) -> list[tuple[str, int | None, str]]:
    """(box, number, source) of the included studies and reports, as the diagram counts them."""
    counted = "derived: counted from the included studies and their reports in this edition's data"
    if not flow.updated:
        return [
            ("Studies included", flow.new_studies, counted),
            ("Reports of included studies", flow.new_reports, counted),
        ]
    withdrawn = "derived: counted from the withdrawn studies and their reports in this edition's data"
    return [
        ("Studies included in the previous version", flow.previous_studies, counted),
        ("Reports of studies included in the previous version", flow.previous_reports, counted),
        ("New studies included", flow.new_studies, counted),
        ("Reports of new included studies", flow.new_reports, counted),
        *(
            [
                ("Studies withdrawn", flow.withdrawn_studies, withdrawn),
                ("Reports of withdrawn studies", flow.withdrawn_reports, withdrawn),
            ]
            if flow.withdrawn_studies
            else []
        ),
        ("Total studies included", flow.total_studies, counted),
        ("Reports of total included studies", flow.total_reports, counted),
    ]


def _reason_rows(flow: FlowNumbers, column: str) -> list[dict]:
    reasons = flow.exclusion_reasons.get(column, ())
    if reasons is None:
        source = flow.sources.get((column, "exclusion reasons"), "")
        return [
            {
                "Column": COLUMN_NAMES[column],
                "Box": "Reasons for excluding reports",
                "Number": missing(source),
                "Source": source,
            }
        ]
    rows = []
    for reason, count in reasons:
        source = flow.sources.get((column, f"excluded: {reason}"), "")
        rows.append(
            {
                "Column": COLUMN_NAMES[column],
                "Box": f"Excluded: {reason}",
                "Number": f"{count:,}" if count is not None else missing(source),
                "Source": source,
            }
        )
    return rows


def month_name(yearmonth: str) -> str:
    """'2023-11' -> 'November 2023'."""
    year, month = yearmonth.split("-")
    return f"{calendar.month_name[int(month)]} {year}"


def join_names(names: Iterable[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = list(names)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
