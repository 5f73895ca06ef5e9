"""What a later run's page shows of its record ledger: where the records came from, and every merge.

A run without records (its numbers typed in ``prisma_flow.csv``) gets a sentence saying so.
"""

from __future__ import annotations

import pandas as pd

from peerwork_review.derivation.ledger_flow import run_databases, run_records
from peerwork_review.domain import ledger
from peerwork_review.model.review import Review
from peerwork_review.rendering import render
from peerwork_review.rendering.render import Markup, escape

SOURCE_COLUMNS = ["Source", "Records", "Duplicates removed", "Screened", "Reports assessed", "Included"]
MERGE_COLUMNS = ["Record", "Title", "Duplicate of", "Its title", "Rule"]


def records_sentence(review: Review, run_id: str) -> Markup:
    records = run_records(review, run_id)
    if not records:
        return Markup(
            "This search has no record ledger: the numbers of its diagram are typed in `prisma_flow.csv`, each with "
            "its source."
        )
    merged = sum(ledger.is_duplicate(r) for r in records)
    return Markup(
        f"Every number of this search's diagram is counted from its {escape(render.number(len(records)))} records "
        "(`search_records.csv`), which hold each record's source, its deduplication and every screening decision. "
        f"{escape(render.number(merged))} record{'s were' if merged != 1 else ' was'} removed as "
        f"duplicate{'s' if merged != 1 else ''}, each by a rule listed in the table of merges (download below)."
    )


def by_source(review: Review, run_id: str) -> pd.DataFrame:
    """Per database or other method: its records and how far they went."""
    databases = run_databases(review, run_id)
    out: dict[str, dict[str, int]] = {}
    for record in run_records(review, run_id):
        counts = out.setdefault(record["origin"], dict.fromkeys(SOURCE_COLUMNS[1:], 0))
        stages = ledger.boxes(record, ledger.column(record, databases))
        counts["Records"] += 1
        counts["Duplicates removed"] += "removed_duplicates" in stages
        counts["Screened"] += "screened" in stages
        counts["Reports assessed"] += "assessed" in stages
        counts["Included"] += record["full_text"] == "included"
    rows = [{"Source": origin, **{k: render.number(v) for k, v in counts.items()}} for origin, counts in out.items()]
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS)


def by_source_table(review: Review, run_id: str, name: str) -> render.MystOutput:
    return render.table(
        by_source(review, run_id),
        caption="The records of this search by where they were found, and how far they went.",
        name=name,
        widths=[34, 12, 14, 12, 14, 14],
    )


def merges(review: Review, run_id: str) -> pd.DataFrame:
    """Every duplicate and every match an author kept apart, beside the record it was matched with."""
    records = run_records(review, run_id)
    titles = {r["record_id"]: r["title"] for r in records}
    rows = [
        [r["record_id"], r["title"], r["duplicate_of"], titles.get(r["duplicate_of"], ""), r["duplicate_rule"]]
        for r in records
        if r["duplicate_of"] is not None
    ]
    return pd.DataFrame(rows, columns=MERGE_COLUMNS)
