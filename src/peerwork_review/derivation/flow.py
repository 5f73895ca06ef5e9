"""The numbers of one search run's PRISMA 2020 flow diagram, from the data.

Each box holds the run's own count, or the published figure it names, or nothing where
the data say why the number is unknown; a later run with a record ledger has its boxes
counted from its records (:mod:`.ledger_flow`). The studies and reports included are counted
from the review as of the run (``Review.as_of``): a report counts for the run that found
it, so a later run's follow-up report of an earlier study is one of that run's new
reports. For a later run, the review as of the run before it makes the "previous
version" box, and the studies the run withdraws leave the total.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from peerwork_review.derivation.ledger_flow import counted_flow
from peerwork_review.domain.prisma import INCLUDED_ROLES
from peerwork_review.model.review import Review, rows


@dataclass(frozen=True)
class FlowNumbers:
    """Every number of one run's diagram; None where the data do not give it (its source says why)."""

    run_id: str
    databases: tuple[str, ...]
    other_methods: str | None
    stages: dict[tuple[str, str], int | None]
    new_studies: int
    new_reports: int
    previous_studies: int | None = None  # None for a review with one run
    previous_reports: int | None = None
    withdrawn_studies: int = 0  # studies of the previous version this run withdraws, and their reports
    withdrawn_reports: int = 0
    withdrawal_reasons: tuple[tuple[str, int], ...] = ()  # each reason with its number of studies
    sources: dict[tuple[str, str], str] = field(default_factory=dict)
    # column -> reasons full-text reports were excluded, each with its count (None: count not
    # reported); the column's value is None, or the column is absent, when no reasons are reported
    exclusion_reasons: dict[str, tuple[tuple[str, int | None], ...] | None] = field(default_factory=dict)
    counted_from: int | None = None  # records the numbers are counted from; None where they are typed

    @property
    def updated(self) -> bool:
        return self.previous_studies is not None

    @property
    def total_studies(self) -> int:
        return self.new_studies + (self.previous_studies or 0) - self.withdrawn_studies

    @property
    def total_reports(self) -> int:
        return self.new_reports + (self.previous_reports or 0) - self.withdrawn_reports


def included_reports(review: Review) -> pd.DataFrame:
    """The reports of the review's included studies (roles main and additional)."""
    return review.reports[review.reports["role"].isin(INCLUDED_ROLES)]


def _withdrawn(before: Review, after: Review, run_id: str) -> dict:
    withdrawals = after.withdrawals[after.withdrawals["search_run_id"] == run_id]
    reasons = withdrawals.groupby("reason", sort=False).size()
    return dict(
        withdrawn_studies=len(withdrawals),
        withdrawn_reports=int(included_reports(before)["study_id"].isin(withdrawals["study_id"]).sum()),
        withdrawal_reasons=tuple((str(reason), int(n)) for reason, n in reasons.items()),
    )


def flow_numbers(review: Review, run_id: str | None = None) -> FlowNumbers:
    """Numbers for the diagram of ``run_id`` (default: the latest run)."""
    run_id = run_id or review.latest_run
    runs = review.run_ids[: review.run_ids.index(run_id) + 1]
    after = review.as_of(run_id)
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
    new_studies = int((after.studies["first_search_run_id"] == run_id).sum())
    new_reports = int((included_reports(after)["first_search_run_id"] == run_id).sum())
    previous: dict = {}
    if len(runs) > 1:
        before = review.as_of(runs[-2])
        previous = dict(
            previous_studies=len(before.studies),
            previous_reports=len(included_reports(before)),
            **_withdrawn(before, after, run_id),
        )
    reasons, reason_sources = _exclusion_reasons(review, run_id)
    counted = counted_flow(review, run_id)
    if counted is not None:
        stages, sources, reasons, reason_sources = counted.stages, counted.sources, counted.exclusion_reasons, {}
    return FlowNumbers(
        run_id,
        databases,
        run["other_methods"],
        stages,
        new_studies,
        new_reports,
        sources={**sources, **reason_sources},
        exclusion_reasons=reasons,
        counted_from=counted.records if counted else None,
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
