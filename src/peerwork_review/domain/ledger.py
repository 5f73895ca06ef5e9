"""A later search's record ledger: which PRISMA 2020 boxes each record counts in, and the flow counted from them.

One row of ``search_records.csv`` is one record a search found. Its fate is written in
its decision columns; this module is the one place that says which boxes of the diagram
a fate puts it in, so the validator (comparing typed numbers) and the diagram count alike.
A record of a database counts in the databases column; any other record in the column of
other methods, which PRISMA 2020 neither deduplicates nor screens: its reports are sought.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

# duplicate_rule values; every one but KEPT_APART removes the record as a duplicate
KEPT_APART = "kept apart by the author"
MARKED_BY_AUTHOR = "marked by the author"
DUPLICATE_RULES = (
    "same DOI",
    "same PMID",
    "same title, year and first author",
    "similar title, same year and first author",
    MARKED_BY_AUTHOR,
    KEPT_APART,
)
# removed: records taken out before screening, other than duplicates
REMOVED = {"automation": "removed_automation", "other reason": "removed_other"}
DECISIONS = ("included", "excluded")
# The decision columns in the order a record meets them.
DECISION_FIELDS = ("removed", "screening", "retrieved", "full_text", "exclusion_reason", "report_id")


def is_duplicate(record: dict) -> bool:
    return record.get("duplicate_of") is not None and record.get("duplicate_rule") != KEPT_APART


def boxes(record: dict, column: str) -> list[str]:
    """The stages of ``column`` that count ``record``, top to bottom; it stops where the record leaves the flow."""
    out = ["identified"]
    if column == "databases":
        if is_duplicate(record):
            return out + ["removed_duplicates"]
        if record.get("removed") in REMOVED:
            return out + [REMOVED[record["removed"]]]
        out.append("screened")
        if record.get("screening") != "included":
            return out + (["excluded_screening"] if record.get("screening") == "excluded" else [])
    out.append("sought")
    if record.get("retrieved") != "yes":
        return out + (["not_retrieved"] if record.get("retrieved") == "no" else [])
    out.append("assessed")
    return out + (["excluded_full_text"] if record.get("full_text") == "excluded" else [])


def column(record: dict, databases: set[tuple[str, str]]) -> str:
    """The record's PRISMA column: databases when its origin is a database of its run (``databases``: run, name)."""
    return "databases" if (record["search_run_id"], record["origin"]) in databases else "other_methods"


def count(records: Iterable[dict], databases: set[tuple[str, str]]) -> tuple[Counter, dict[str, Counter]]:
    """(column, stage) -> records counted there, and column -> full-text exclusion reason -> records."""
    stages: Counter = Counter()
    reasons: dict[str, Counter] = {}
    for record in records:
        where = column(record, databases)
        for stage in boxes(record, where):
            stages[(where, stage)] += 1
        if record.get("full_text") == "excluded" and record.get("exclusion_reason"):
            reasons.setdefault(where, Counter())[record["exclusion_reason"]] += 1
    return stages, reasons


def other_methods(text: str | None) -> list[str]:
    """The other methods a run names in search_runs.csv, separated by semicolons."""
    return [part.strip() for part in (text or "").split(";") if part.strip()]
