"""Rules of time: every report, withdrawal and correction belongs to a search run, and the runs come in order.

- A report is found no earlier than its study, and a study's main report by the study's own run (a
  paper found later is an additional report).
- A study is withdrawn by a run later than the one that found it; no report of it is found, and no
  finding cites it, from the withdrawing run on.
- A correction names a value column (one with a source) of a row that exists, by the row's key as the
  file holds it after the correction; the value before it is one the column allows and differs from the
  value after it. Corrections are checked newest first, each undone before the next, as
  :func:`peerwork_review.model.editions.as_released` undoes them.
"""

from __future__ import annotations

from peerwork_review.domain.editions import in_time_order
from peerwork_review.domain.provenance import NON_SOURCE_PROVENANCE
from peerwork_review.reading.csvfile import Table
from peerwork_review.reading.descriptor import Resource
from peerwork_review.reading.fields import CellError
from peerwork_review.reading.integrity import usable
from peerwork_review.reading.reading_rules import JOIN, row_key


def run_order(tables: dict[str, Table]) -> dict[str, int]:
    """Run id -> its place in time, for the runs whose id and end date passed their own checks."""
    runs = [(r["date_end"], r["search_run_id"]) for r in tables["search_runs"].records]
    return {run: i for i, run in enumerate(in_time_order(r for r in runs if usable(*r)))}


def check_report_runs(tables: dict[str, Table], order: dict[str, int]) -> None:
    reports = tables["reports"]
    study_run = {r["study_id"]: r["first_search_run_id"] for r in tables["studies"].records}
    for record, row in reports.items():
        own, study = record["first_search_run_id"], study_run.get(record["study_id"])
        if own not in order or study not in order:
            continue
        if order[own] < order[study]:
            why = f"run {own!r} is earlier than run {study!r}, which found the report's study {record['study_id']!r}"
            reports.problem(row, "first_search_run_id", why, "a report is found by its study's run or a later one")
        elif record["role"] == "main" and own != study:
            why = (
                f"the main report of {record['study_id']!r} must be found by the study's own run {study!r}, not {own!r}"
            )
            fix = "a paper a later run found about an earlier study has role 'additional'"
            reports.problem(row, "role", why, fix)


def check_withdrawals(tables: dict[str, Table], order: dict[str, int]) -> None:
    withdrawals, reports = tables["withdrawals"], tables["reports"]
    study_run = {r["study_id"]: r["first_search_run_id"] for r in tables["studies"].records}
    withdrawn: dict[str, str] = {}
    for record, row in withdrawals.items():
        study, run = record["study_id"], record["search_run_id"]
        found = study_run.get(study)
        if run not in order or found not in order:
            continue
        if order[run] <= order[found]:
            why = f"study {study!r} was found by run {found!r}; only a later run can withdraw it"
            fix = "a study the same run would have found and withdrawn is simply not included: delete its rows"
            withdrawals.problem(row, "search_run_id", why, fix)
        else:
            withdrawn[study] = run
    study_of: dict[str, str] = {}
    for record, row in reports.items():
        study_of[record["report_id"]] = record["study_id"]
        run, by = record["first_search_run_id"], withdrawn.get(record["study_id"])
        if by is not None and run in order and order[run] >= order[by]:
            why = f"study {record['study_id']!r} was withdrawn by run {by!r}, so no report of it can be found by run {run!r}"
            reports.problem(row, "first_search_run_id", why)
    finding_run = {r["finding_id"]: r["search_run_id"] for r in tables["findings"].records}
    links = tables["finding_reports"]
    for record, row in links.items():
        run, by = finding_run.get(record["finding_id"]), withdrawn.get(study_of.get(record["report_id"], ""))
        if by is not None and run in order and order[run] >= order[by]:
            why = f"{record['report_id']!r} is a report of {study_of[record['report_id']]!r}, which run {by!r} withdrew"
            links.problem(row, "report_id", f"{why}, so finding {record['finding_id']!r} of run {run!r} cannot cite it")


def check_corrections(tables: dict[str, Table], resources: dict[str, Resource], order: dict[str, int]) -> None:
    corrections = tables["corrections"]
    if {"search_run_id", "table", "key", "column"} & corrections.invalid:
        return
    # each corrected table as its rows' values, undone correction by correction, newest first
    states: dict[str, list[dict] | None] = {}
    newest_first = sorted(
        (c for c in corrections.items() if c[0]["search_run_id"] in order),
        key=lambda c: (order[c[0]["search_run_id"]], c[1]),
        reverse=True,
    )
    for record, row in newest_first:
        name, column = record["table"], record["column"]
        if name not in states:
            target = tables.get(name)
            states[name] = [dict(r) for r in target.records] if target is not None and target.readable else None
        state = states[name]
        if state is None:
            continue
        resource = resources[name]
        values = [f.name for f in resource.fields if f.provenance not in NON_SOURCE_PROVENANCE]
        if column not in values:
            why = f"{column!r} is not a value with a source in {resource.file}"
            corrections.problem(row, "column", why, f"a correction changes one of: {', '.join(values)}")
            continue
        matches = [r for r in state if row_key(r, resource.primary_key) == record["key"]]
        if len(matches) != 1:
            why = f"no row of {resource.file} has the key {record['key']!r} (written as {JOIN.join(resource.primary_key)})"
            fix = "give the row's key as the file holds it after this correction"
            corrections.problem(row, "key", f"{why} once the corrections of later rows are undone", fix)
            continue
        before = record["value_before"] or ""
        try:
            typed = resource.field(column).read(before)  # a value the column itself could hold
        except CellError as error:
            message = "the column is required, so it cannot have been unknown" if not before else error.message
            corrections.problem(row, "value_before", f"{message} (column {column} of {resource.file})")
            continue
        if typed == matches[0][column]:
            why = f"{before!r} is the value after the correction too: nothing was corrected"
            corrections.problem(row, "value_before", why, f"give the value {resource.file} held before you changed it")
        matches[0][column] = typed


def check_editions(tables: dict[str, Table], resources: dict[str, Resource]) -> None:
    order = run_order(tables)
    check_report_runs(tables, order)
    check_withdrawals(tables, order)
    check_corrections(tables, resources, order)
