"""Rules for ``data/readings.csv`` and ``data/reading_changes.csv``: each alternative reading changes
cells that exist, to values their columns allow.

:mod:`peerwork_review.model.readings` applies the alternatives these rules admit.
"""

from __future__ import annotations

from peerwork_review.reading.csvfile import INVALID, Table
from peerwork_review.reading.descriptor import Resource
from peerwork_review.reading.fields import CellError

JOIN = " | "  # joins the fields of a composite primary key in reading_changes.csv
NOT_CHANGED = {"sources", "readings", "reading_changes", "published_figures", "figure_checks"}


def row_key(record: dict, fields: list[str]) -> str:
    """A row's primary key as ``reading_changes.csv`` and ``corrections.csv`` write it."""
    return JOIN.join("" if record[f] is None else str(record[f]) for f in fields)


def check_readings(tables: dict, resources: dict[str, Resource]) -> None:
    readings, changes = tables.get("readings"), tables.get("reading_changes")
    if readings is None or changes is None or not (readings.readable and changes.readable):
        return
    # Rows whose own cells failed their checks are reported already; these rules skip them.
    ok = lambda record, *names: all(record[n] is not INVALID for n in names)  # noqa: E731
    alternatives = [
        (r, row)
        for r, row in zip(readings.records, readings.rows)
        if ok(r, "reading_id", "alternative_id", "chosen", "question", "chosen_to_match")
    ]
    edits = [
        (r, row)
        for r, row in zip(changes.records, changes.rows)
        if ok(r, "reading_id", "alternative_id", "action", "table", "key", "column", "value")
    ]
    by_reading: dict[str, list[tuple[dict, int]]] = {}
    for record, row in alternatives:
        by_reading.setdefault(record["reading_id"], []).append((record, row))
    figures = {r["figure_id"] for r in tables["published_figures"].records}
    chosen = set()
    for reading_id, items in by_reading.items():
        first_row = items[0][1]
        picked = [(r, row) for r, row in items if r["chosen"] == "yes"]
        if len(picked) != 1:
            why = f"reading {reading_id!r} needs exactly one alternative with chosen 'yes'; it has {len(picked)}"
            readings.problem(first_row, "chosen", why)
        chosen |= {(reading_id, r["alternative_id"]) for r, _ in picked}
        if len(items) < 2:
            readings.problem(first_row, "alternative_id", f"reading {reading_id!r} needs at least two alternatives")
        for record, row in items:
            if record["question"] != items[0][0]["question"]:
                why = f"every row of reading {reading_id!r} must ask the same question as row {first_row}"
                readings.problem(row, "question", why)
            matched = (record.get("chosen_to_match") or "").split()
            if matched and record["chosen"] != "yes":
                why = "only the chosen alternative can have been chosen to match figures"
                readings.problem(row, "chosen_to_match", why)
            for figure_id in matched:
                if figure_id not in figures:
                    why = f"{figure_id!r} is not a figure_id in {tables['published_figures'].file}"
                    readings.problem(row, "chosen_to_match", why)
    # Rows an alternative adds ('copy study') can be linked to by its other changes.
    added: dict[tuple, set] = {}
    for record, _ in edits:
        if record["action"] == "copy study":
            key = (record["reading_id"], record["alternative_id"], record["table"])
            added.setdefault(key, set()).add(record["value"])
    changed = set()
    for record, row in edits:
        alternative = (record["reading_id"], record["alternative_id"])
        changed.add(alternative)
        if alternative in chosen:
            changes.problem(row, "alternative_id", "the chosen alternative is the data as stored; it has no changes")
        _check_change(record, row, changes, tables, resources, added)
    complete = len(edits) == len(changes.records)  # with a broken change row, "changes nothing" may be untrue
    for record, row in alternatives:
        alternative = (record["reading_id"], record["alternative_id"])
        if complete and record["chosen"] == "no" and alternative not in changed:
            why = f"alternative {alternative[1]!r} changes nothing; list its changes in {changes.file}"
            readings.problem(row, "alternative_id", why)


def _check_change(
    record: dict, row: int, changes: Table, tables: dict, resources: dict[str, Resource], added: dict
) -> None:
    table_name = record["table"]
    if table_name not in resources or table_name in NOT_CHANGED:
        allowed = ", ".join(n for n in resources if n not in NOT_CHANGED)
        return changes.problem(row, "table", f"{table_name!r} is not a table an alternative can change ({allowed})")
    target, resource = tables[table_name], resources[table_name]
    if not target.readable:
        return
    keys = {row_key(r, resource.primary_key) for r in target.records}
    if record["action"] == "copy study":
        if table_name != "studies":
            changes.problem(row, "table", "'copy study' copies a row of studies; set table to studies")
        elif record["key"] not in keys:
            changes.problem(row, "key", f"{record['key']!r} is not a study_id in {target.file}")
        if not record["value"] or record["value"] in keys:
            changes.problem(row, "value", "'copy study' needs the new study's study_id in value, one no study has yet")
        return
    if record["key"] not in keys:
        why = f"no row of {target.file} has the key {record['key']!r} (written as {JOIN.join(resource.primary_key)})"
        return changes.problem(row, "key", why)
    column = record["column"]
    if column not in [spec.name for spec in resource.fields]:
        return changes.problem(row, "column", f"{column!r} is not a column of {target.file}")
    where = f"(the value it sets in column {column} of {resource.file})"
    value = record["value"] or ""
    try:
        typed = resource.field(column).read(value)
    except CellError as error:
        message = "the column is required, so it cannot be made unknown" if not value else error.message
        return changes.problem(row, "value", f"{message} {where}", error.fix)
    # The value a change sets must be one the column itself could hold: its type, constraints and links.
    alternative = (record["reading_id"], record["alternative_id"])
    for fk in resource.foreign_keys:
        target = tables.get(fk.resource)
        if fk.fields != (column,) or typed is None or target is None or not target.readable:
            continue
        if typed not in {r[fk.reference[0]] for r in target.records} | added.get((*alternative, fk.resource), set()):
            return changes.problem(row, "value", f"{value!r} is not a {fk.reference[0]} in {target.file} {where}")
