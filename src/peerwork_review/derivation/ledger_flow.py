"""The PRISMA 2020 numbers of a later run counted from its record ledger (``search_records.csv``).

Which boxes each record counts in is :mod:`peerwork_review.domain.ledger`'s; the validator
has already refused typed numbers of the run that differ, so these replace them.
"""

from __future__ import annotations

from typing import NamedTuple

from peerwork_review.domain import ledger
from peerwork_review.domain.prisma import STAGES
from peerwork_review.model.review import Review, rows


class Counted(NamedTuple):
    """What :class:`~peerwork_review.derivation.flow.FlowNumbers` takes from the records."""

    stages: dict[tuple[str, str], int | None]
    sources: dict[tuple[str, str], str]
    exclusion_reasons: dict[str, tuple[tuple[str, int | None], ...] | None]
    records: int


def run_records(review: Review, run_id: str) -> list[dict]:
    return rows(review.records[review.records["search_run_id"] == run_id])


def run_databases(review: Review, run_id: str) -> set[tuple[str, str]]:
    return {(run_id, name) for name in review.databases.loc[review.databases["search_run_id"] == run_id, "database"]}


def counted_flow(review: Review, run_id: str) -> Counted | None:
    """The run's boxes and full-text exclusion reasons counted from its records; None for a run without records."""
    records = run_records(review, run_id)
    if not records:
        return None
    stages, reasons = ledger.count(records, run_databases(review, run_id))
    source = f"counted from the {len(records):,} records of this search in data/search_records.csv"
    keys = [(column, stage) for column, names in STAGES.items() for stage in names]
    # most frequent reason first, as PRISMA diagrams list them
    by_column = {
        column: tuple(sorted(c.items(), key=lambda item: (-item[1], item[0]))) for column, c in reasons.items()
    }
    sources = {key: source for key in keys}
    sources.update(
        {(column, f"excluded: {reason}"): source for column, items in by_column.items() for reason, _ in items}
    )
    return Counted({key: stages[key] for key in keys}, sources, dict(by_column), len(records))
