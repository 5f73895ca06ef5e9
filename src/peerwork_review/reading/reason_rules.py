"""The full-text exclusion reasons of every run (``prisma_exclusion_reasons.csv``) add up to the reports excluded.

A run gives one row per reason with its count, or one row with reason and count empty whose
source says where the report is silent. The reasons of a run with a record ledger are counted
from its records: typed ones must say the same.
"""

from __future__ import annotations

from peerwork_review.domain.prisma import STAGES
from peerwork_review.reading.csvfile import INVALID, Table
from peerwork_review.reading.flow_rules import COUNTED_FIX, Flow, mismatch
from peerwork_review.reading.integrity import usable
from peerwork_review.reading.ledger_rules import FILE as LEDGER

REASONS_FIX = (
    "add one row per reason with its count, or one row with reason and count empty and a source saying why: "
    "'not found: …' and what was looked at, or 'not reported: …' where the report says they were not counted"
)


def check_exclusion_reasons(t: dict[str, Table], flow: Flow) -> None:
    table = t["prisma_exclusion_reasons"]
    if {"search_run_id", "column", "reason"} & table.invalid:
        return
    groups: dict = {}
    for record, row in table.items():
        groups.setdefault((record["search_run_id"], record["column"]), []).append((record, row))
    for run in [r["search_run_id"] for r in t["search_runs"].records if usable(r["search_run_id"])]:
        for column in STAGES:
            items, where = groups.get((run, column), []), f"run {run!r}, {column}"
            if run in flow.counted_runs:
                _counted_reasons(table, items, dict(flow.reasons.get(run, {}).get(column, {})), where)
            elif not items and flow.value(run, column, "excluded_full_text") != 0:
                why = f"{where}: no row gives the reasons for excluding full-text reports"
                table.problem(None, None, why, REASONS_FIX)
            elif items:
                _typed_reasons(table, items, flow.value(run, column, "excluded_full_text"), where)


def _typed_reasons(table: Table, items: list, excluded: int | None, where: str) -> None:
    silent = [(r, row) for r, row in items if r["reason"] is None]
    listed = [(r, row) for r, row in items if r["reason"] is not None]
    if silent and listed:
        why = f"{where}: give either reasons or one row saying why they are not known, not both"
        table.problem(silent[0][1], "reason", why)
    elif len(silent) > 1:
        table.problem(silent[1][1], "reason", f"{where}: only one row can say why the reasons are not known")
    for record, row in silent:
        if record["count"] is not None:
            table.problem(row, "count", "a count needs its reason", "write the reason, or leave the count empty")
    seen: dict = {}
    for record, row in listed:
        reason = str(record["reason"]).lower()
        if usable(record["reason"]) and reason in seen:
            why = f"{where}: reason {record['reason']!r} is listed twice (first in row {seen[reason]})"
            table.problem(row, "reason", why, "add the counts up in one row")
        seen.setdefault(reason, row)
    counts = [r["count"] for r, _ in listed]
    if excluded is None or not listed or INVALID in counts or not (how := mismatch(counts, excluded)):
        return
    total = sum(c for c in counts if usable(c))
    if how == "differ":
        why = f"the reasons' counts add up to {total}, but {excluded} reports were excluded at full text (data/prisma_flow.csv)"
    else:
        why = f"the reasons' counts add up to at least {total}, more than the {excluded} reports excluded at full text"
    table.problem(listed[0][1], "count", f"{where}: {why}")


def _counted_reasons(table: Table, items: list, counted: dict[str, int], where: str) -> None:
    """Typed reasons of a run with records: each as its records count it, or none typed at all."""
    typed = {record["reason"]: (record["count"], row) for record, row in items}
    for reason, (count, row) in typed.items():
        if reason is None:
            table.problem(row, "reason", f"{where}: the reasons are counted from {LEDGER}", COUNTED_FIX)
        elif count != counted.get(reason):
            why = f"{where}: {reason!r} is typed with {count}, but the run's records in {LEDGER} count {counted.get(reason, 0)}"
            table.problem(row, "count", why, COUNTED_FIX)
    if typed and (missing := sorted(set(counted) - set(typed))):
        why = f"{where}: the records also give {', '.join(map(repr, missing))}"
        table.problem(items[0][1], "reason", why, COUNTED_FIX)
