"""The record ledger of later runs (``search_records.csv``): every record's fate complete and consistent.

A record comes from a database or another method of its run; a duplicate points to a kept
record of the same run; every record that stays in the flow has each decision its fate
asks for and no other; an included record became a report of its run, and every report of
a run with a ledger came from exactly one included record. Which boxes a fate counts in
is :mod:`peerwork_review.domain.ledger`'s.
"""

from __future__ import annotations

from peerwork_review.domain.ledger import DECISION_FIELDS, boxes, column, is_duplicate, other_methods
from peerwork_review.domain.prisma import INCLUDED_ROLES, LABELS
from peerwork_review.reading.csvfile import Table
from peerwork_review.reading.integrity import usable

FILE = "data/search_records.csv"
WANTED = {
    "removed": "removal before screening",
    "screening": "title and abstract decision (included or excluded)",
    "retrieved": "answer whether its report was retrieved (yes or no)",
    "full_text": "full-text decision (included or excluded)",
    "exclusion_reason": "reason for excluding it at full text",
    "report_id": "report_id: the report in data/reports.csv it became",
}
IMPORT_HINT = "give it in the screening export and run make import-records again, or fill it in here"


def ledger_runs(t: dict[str, Table]) -> set[str]:
    """Runs whose PRISMA flow is counted from their records."""
    return {r["search_run_id"] for r in t["search_records"].records if usable(r["search_run_id"])}


def run_databases(t: dict[str, Table]) -> set[tuple[str, str]]:
    """(run, database) for every database searched: what puts a record in the databases column."""
    return {(r["search_run_id"], r["database"]) for r in t["search_databases"].records}


def expected_decisions(record: dict, where: str) -> list[str]:
    """The decision fields the record's fate asks for, in order, up to the first one still missing."""
    if is_duplicate(record):
        return []
    if where == "databases" and record["removed"] is not None:
        return ["removed"]
    walk = (["screening"] if where == "databases" else []) + ["retrieved", "full_text"]
    wanted = []
    for field in walk:
        wanted.append(field)
        if record[field] is None or (field == "screening" and record[field] != "included"):
            return wanted
        if field == "retrieved" and record[field] != "yes":
            return wanted
    return wanted + ["exclusion_reason" if record["full_text"] == "excluded" else "report_id"]


def _origins(t: dict[str, Table], table: Table, databases: set) -> None:
    known = {r["search_run_id"]: other_methods(r["other_methods"]) for r in t["search_runs"].records}
    for r in t["search_databases"].records:
        known.setdefault(r["search_run_id"], []).insert(0, r["database"])
    counted: dict[tuple, int] = {}
    for record, row in table.items():
        run, origin = record["search_run_id"], record["origin"]
        if not usable(run, origin) or run not in known:
            continue
        if origin not in known[run]:
            choices = "; ".join(map(str, known[run])) or "none"
            why = f"{origin!r} is neither a database of run {run!r} (data/search_databases.csv) nor one of its other methods"
            table.problem(row, "origin", f"{why} (data/search_runs.csv)", f"use one of: {choices}")
        elif column(record, databases) == "databases":
            counted[(run, origin)] = counted.get((run, origin), 0) + 1
    searched, runs = t["search_databases"], ledger_runs(t)
    for record, row in searched.items():
        key = (record["search_run_id"], record["database"])
        if key[0] in runs and usable(record["records"]) and record["records"] != counted.get(key, 0):
            why = f"says {record['records']} records, but {FILE} has {counted.get(key, 0)} from {key[1]} in run {key[0]!r}"
            fix = f"leave records empty with a source 'not reported: counted in {FILE}', or correct it"
            searched.problem(row, "records", why, fix)


def _duplicates(table: Table, databases: set) -> None:
    by_key = {(r["search_run_id"], r["record_id"]): r for r in table.records}
    for record, row in table.items():
        target_id, rule = record["duplicate_of"], record["duplicate_rule"]
        if (target_id is None) != (rule is None):
            missing = "duplicate_rule" if rule is None else "duplicate_of"
            table.problem(row, missing, "duplicate_of and duplicate_rule are given together")
            continue
        target = by_key.get((record["search_run_id"], target_id))
        if target is None or not is_duplicate(record):
            continue  # a link to no record is the foreign key's error
        if target is record:
            table.problem(row, "duplicate_of", "a record cannot duplicate itself")
        elif is_duplicate(target):
            kept = target["duplicate_of"]
            why = f"{target_id!r} is itself a duplicate (of {kept!r})"
            table.problem(row, "duplicate_of", why, f"point to {kept!r}, the record that was kept")
        elif "other_methods" in (column(record, databases), column(target, databases)):
            why = "only database records are deduplicated (PRISMA 2020 has no such box for other methods)"
            fix = "leave out of the ledger an other-methods record that a database already found"
            table.problem(row, "duplicate_of", why, fix)


def _decisions(table: Table, databases: set) -> None:
    for record, row in table.items():
        where = column(record, databases)
        wanted = expected_decisions(record, where)
        missing = [field for field in wanted if record[field] is None]
        if missing:
            table.problem(row, missing[0], f"the record needs its {WANTED[missing[0]]}", IMPORT_HINT)
            continue
        end = LABELS[boxes(record, where)[-1]]
        for field in DECISION_FIELDS:
            if field not in wanted and record[field] is not None:
                table.problem(row, field, f"must be empty: the record ends under '{end}' ({where.replace('_', ' ')})")


def _reports(t: dict[str, Table], table: Table, runs: set[str]) -> None:
    reports = t["reports"]
    run_of = {r["report_id"]: r["first_search_run_id"] for r in reports.records if r["role"] in INCLUDED_ROLES}
    seen: dict[str, int] = {}
    for record, row in table.items():
        report_id, run = record["report_id"], record["search_run_id"]
        if not usable(report_id, run) or report_id not in {r["report_id"] for r in reports.records}:
            continue  # a missing report is the foreign key's error
        if run_of.get(report_id) != run:
            why = f"{report_id!r} is not a report of an included study first found by run {run!r} in {reports.file}"
            fix = "set its first_search_run_id to the run and its role to main or additional"
            table.problem(row, "report_id", why, fix)
        if report_id in seen:
            table.problem(row, "report_id", f"{report_id!r} is already the report of row {seen[report_id]}")
        seen.setdefault(report_id, row)
    for record, row in reports.items():
        run = record["first_search_run_id"]
        if run in runs and record["role"] in INCLUDED_ROLES and record["report_id"] not in seen:
            why = f"run {run!r} counts its flow from its records, but no included record of {FILE} became this report"
            fix = "give the record's report_id, or correct the report's first_search_run_id"
            reports.problem(row, "report_id", why, fix)


def check_ledger(t: dict[str, Table]) -> None:
    table = t["search_records"]
    if table.invalid & {"search_run_id", "record_id", "origin", "duplicate_of", "duplicate_rule", *DECISION_FIELDS}:
        return  # the cells' own errors come first
    if {"search_run_id", "database", "records"} & t["search_databases"].invalid:
        return
    databases = run_databases(t)
    _origins(t, table, databases)
    _duplicates(table, databases)
    _decisions(table, databases)
    if not {"report_id", "role", "first_search_run_id"} & t["reports"].invalid:
        _reports(t, table, ledger_runs(t))
