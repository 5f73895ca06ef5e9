"""Rules for ``data/readings.csv`` and ``data/reading_changes.csv``: each alternative reading changes
cells that exist, to values their columns allow.

:mod:`peerwork_review.model.readings` applies the alternatives these rules admit.
"""

from __future__ import annotations

from peerwork_review.errors import Problem
from peerwork_review.reading.csvfile import INVALID
from peerwork_review.reading.descriptor import Resource
from peerwork_review.reading.fields import CellError

JOIN = " | "  # joins the fields of a composite primary key in reading_changes.csv
NOT_CHANGED = {"sources", "readings", "reading_changes", "published_figures", "figure_checks"}


def _key(record: dict, fields: list[str]) -> str:
    return JOIN.join("" if record[f] is None else str(record[f]) for f in fields)


def check_readings(tables: dict, resources: dict[str, Resource]) -> list[Problem]:
    readings, changes = tables.get("readings"), tables.get("reading_changes")
    if readings is None or changes is None or not (readings.readable and changes.readable):
        return []
    problems = []
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
            problems.append(
                Problem(
                    readings.file,
                    first_row,
                    "chosen",
                    f"reading {reading_id!r} needs exactly one alternative with chosen 'yes'; it has {len(picked)}",
                )
            )
        chosen |= {(reading_id, r["alternative_id"]) for r, _ in picked}
        if len(items) < 2:
            problems.append(
                Problem(
                    readings.file,
                    first_row,
                    "alternative_id",
                    f"reading {reading_id!r} needs at least two alternatives",
                )
            )
        for record, row in items:
            if record["question"] != items[0][0]["question"]:
                problems.append(
                    Problem(
                        readings.file,
                        row,
                        "question",
                        f"every row of reading {reading_id!r} must ask the same question as row {first_row}",
                    )
                )
            matched = (record.get("chosen_to_match") or "").split()
            if matched and record["chosen"] != "yes":
                problems.append(
                    Problem(
                        readings.file,
                        row,
                        "chosen_to_match",
                        "only the chosen alternative can have been chosen to match figures",
                    )
                )
            for figure_id in matched:
                if figure_id not in figures:
                    problems.append(
                        Problem(
                            readings.file,
                            row,
                            "chosen_to_match",
                            f"{figure_id!r} is not a figure_id in data/published_figures.csv",
                        )
                    )
    # Rows an alternative adds ('copy study') can be linked to by its other changes.
    added: dict[tuple, set] = {}
    for record, _ in edits:
        if record["action"] == "copy study":
            added.setdefault((record["reading_id"], record["alternative_id"], record["table"]), set()).add(
                record["value"]
            )
    changed = set()
    for record, row in edits:
        alternative = (record["reading_id"], record["alternative_id"])
        changed.add(alternative)
        if alternative in chosen:
            problems.append(
                Problem(
                    changes.file,
                    row,
                    "alternative_id",
                    "the chosen alternative is the data as stored; it has no changes",
                )
            )
        problems += _check_change(record, row, changes.file, tables, resources, added)
    complete = len(edits) == len(changes.records)  # with a broken change row, "changes nothing" may be untrue
    for record, row in alternatives:
        alternative = (record["reading_id"], record["alternative_id"])
        if complete and record["chosen"] == "no" and alternative not in changed:
            problems.append(
                Problem(
                    readings.file,
                    row,
                    "alternative_id",
                    f"alternative {alternative[1]!r} changes nothing; list its changes in data/reading_changes.csv",
                )
            )
    return problems


def _check_change(
    record: dict, row: int, file: str, tables: dict, resources: dict[str, Resource], added: dict[tuple, set]
) -> list[Problem]:
    table_name = record["table"]
    if table_name not in resources or table_name in NOT_CHANGED:
        allowed = ", ".join(n for n in resources if n not in NOT_CHANGED)
        return [Problem(file, row, "table", f"{table_name!r} is not a table an alternative can change ({allowed})")]
    target, resource = tables[table_name], resources[table_name]
    if not target.readable:
        return []
    keys = {_key(r, resource.primary_key) for r in target.records}
    if record["action"] == "copy study":
        problems = []
        if table_name != "studies":
            problems.append(Problem(file, row, "table", "'copy study' copies a row of studies; set table to studies"))
        elif record["key"] not in keys:
            problems.append(Problem(file, row, "key", f"{record['key']!r} is not a study_id in data/studies.csv"))
        new = record["value"] or ""
        if not new or new in keys:
            problems.append(
                Problem(
                    file, row, "value", "'copy study' needs the new study's study_id in value, one no study has yet"
                )
            )
        return problems
    if record["key"] not in keys:
        shown = JOIN.join(resource.primary_key)
        return [
            Problem(file, row, "key", f"no row of {target.file} has the key {record['key']!r} (written as {shown})")
        ]
    column = record["column"]
    if column not in [spec.name for spec in resource.fields]:
        return [Problem(file, row, "column", f"{column!r} is not a column of {target.file}")]
    alternative = (record["reading_id"], record["alternative_id"])
    return _check_value(record["value"] or "", row, file, column, resource, tables, alternative, added)


def _check_value(
    value: str, row: int, file: str, column: str, resource: Resource, tables: dict, alternative, added
) -> list[Problem]:
    """The value a change sets must be one the column itself could hold: its type, constraints and links."""
    where = f"(the value it sets in column {column} of {resource.file})"
    try:
        typed = resource.field(column).read(value)
    except CellError as error:
        message = "the column is required, so it cannot be made unknown" if not value else error.message
        return [Problem(file, row, "value", f"{message} {where}", error.fix)]
    for fk in resource.foreign_keys:
        target = tables.get(fk.resource)
        if fk.fields != (column,) or typed is None or target is None or not target.readable:
            continue
        if typed not in {r[fk.reference[0]] for r in target.records} | added.get((*alternative, fk.resource), set()):
            return [Problem(file, row, "value", f"{value!r} is not a {fk.reference[0]} in {target.file} {where}")]
    return []
