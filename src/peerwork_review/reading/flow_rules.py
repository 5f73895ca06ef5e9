"""The PRISMA 2020 flow of every run adds up wherever its parts are known.

A box's number is its ``count`` or, for the article's run, the published figure it names;
for a run with a record ledger it is counted from the records, and a typed number must agree.
Where every part of a stage is known the stage must equal them; where some are unknown,
no part can exceed the whole. Reports assessed minus reports excluded, over both columns,
is the number of reports the run included (``reports.csv``, role main or additional).
"""

from __future__ import annotations

from peerwork_review.domain import ledger
from peerwork_review.domain.prisma import INCLUDED_ROLES, STAGES, sums
from peerwork_review.reading.csvfile import INVALID, Table
from peerwork_review.reading.integrity import usable
from peerwork_review.reading.ledger_rules import FILE as LEDGER
from peerwork_review.reading.ledger_rules import ledger_runs, run_databases
from peerwork_review.reading.rules import rows_of

COUNTED_FIX = "delete the run's rows here: its numbers are counted from its records"
MISSING_FIX = "add it; if the number is unknown, leave count empty and say why in the source"


def mismatch(parts: list, whole: int) -> str | None:
    """'differ' when every part is known and they do not add up to ``whole``; 'exceed' when the known
    ones already add up to more; else None."""
    known = [part for part in parts if usable(part)]
    if len(known) == len(parts):
        return "differ" if sum(known) != whole else None
    return "exceed" if sum(known) > whole else None


class Flow:
    """The number in every box, by (run, column, stage), and the row of ``prisma_flow.csv`` that gives it."""

    def __init__(self, t: dict[str, Table]):
        self.table = table = t["prisma_flow"]
        figures = {r["figure_id"]: r for r in t["published_figures"].records if usable(r["figure_id"])}
        self.boxes: dict[tuple, tuple[int | None, int | None]] = {}
        for record, row in table.items():
            run, column, stage, count = record["search_run_id"], record["column"], record["stage"], record["count"]
            figure_id = record["figure_id"]
            if usable(column, stage) and stage not in STAGES.get(column, ()):
                allowed = f"allowed: {', '.join(STAGES.get(column, []))}"
                table.problem(row, "stage", f"{stage!r} is not a stage of the {column} column", allowed)
            if usable(count, figure_id):
                table.problem(row, "figure_id", "give either a count or a published figure, not both")
            figure = figures.get(figure_id) if usable(figure_id) else None
            if figure is not None and usable(figure["search_run_id"], run) and figure["search_run_id"] != run:
                why = f"figure {figure_id!r} describes run {figure['search_run_id']!r}, not {run!r}"
                table.problem(row, "figure_id", why)
            if usable(run, column, stage):
                value = count if usable(count) else None
                if value is None and count is not INVALID and figure is not None and usable(figure["value"]):
                    value = figure["value"]
                self.boxes[(run, column, stage)] = (value, row)
        self.counted_runs = ledger_runs(t)
        self.reasons: dict[str, dict] = {}
        read = t["search_records"].invalid | t["search_databases"].invalid
        if not {"search_run_id", "origin", "duplicate_of", "duplicate_rule", *ledger.DECISION_FIELDS} & read:
            self._count(t)

    def _count(self, t: dict[str, Table]) -> None:
        """Each box of a run with records counted from them; a typed number that differs is a problem."""
        databases = run_databases(t)
        for run in sorted(self.counted_runs):
            records = [r for r in t["search_records"].records if r["search_run_id"] == run]
            stages, self.reasons[run] = ledger.count(records, databases)
            for column, stage in ((column, stage) for column, names in STAGES.items() for stage in names):
                (typed, row), counted = self.boxes.get((run, column, stage), (None, None)), stages[(column, stage)]
                if row is not None and typed != counted:
                    why = f"run {run!r}, {column}: {stage} is typed as {typed}, but the run's records in {LEDGER} count {counted}"
                    self.table.problem(row, "count", why, COUNTED_FIX)
                self.boxes[(run, column, stage)] = (counted, row)

    def value(self, run: str, column: str, stage: str) -> int | None:
        return self.boxes.get((run, column, stage), (None, None))[0]

    def row(self, run: str, column: str, stage: str) -> int | None:
        return self.boxes.get((run, column, stage), (None, None))[1]


def _equation(flow: Flow, run: str, column: str, total: str, parts: list[str], label: str) -> None:
    whole, *rest = (flow.value(run, column, p) for p in parts)
    result, where = flow.value(run, column, total), f"run {run!r}, {column}"
    if whole is None:
        return
    if result is not None and len(known := [v for v in rest if v is not None]) == len(rest):
        if (expected := whole - sum(known)) != result:
            why = f"{where}: {total} is {result} but {label} gives {expected}"
            flow.table.problem(flow.row(run, column, total), "count", why)
        return
    named = [(name, value) for name, value in [(total, result), *zip(parts[1:], rest)] if value is not None]
    larger = [(name, value) for name, value in named if value > whole]
    for name, value in larger:
        why = f"{where}: {name} ({value}) cannot be more than {parts[0]} ({whole})"
        flow.table.problem(flow.row(run, column, name), "count", why)
    if not larger and (added := sum(v for _, v in named)) > whole:
        why = f"{where}: {' + '.join(n for n, _ in named)} is {added}, more than {parts[0]} ({whole})"
        flow.table.problem(flow.row(run, column, total), "count", why)


def _included_reports(flow: Flow, run: str, found: int) -> None:
    """Reports assessed minus excluded, over both columns, are the reports the run included."""
    included: list[int | None] = []
    row: int | None = None
    for column in STAGES:
        assessed, excluded = flow.value(run, column, "assessed"), flow.value(run, column, "excluded_full_text")
        if assessed is None or excluded is None:
            included.append(None)
            continue
        row = row or flow.row(run, column, "excluded_full_text")
        if excluded > assessed:
            why = f"run {run!r}, {column}: {excluded} reports excluded but only {assessed} assessed"
            flow.table.problem(flow.row(run, column, "excluded_full_text"), "count", why)
        included.append(assessed - excluded)
    total = sum(n for n in included if n is not None)
    if (how := mismatch(included, found)) == "differ":
        why = f"run {run!r}: reports assessed minus excluded give {total} included reports, but data/reports.csv has {found}"
        flow.table.problem(row, "count", f"{why} (role main or additional) first found in this run")
    elif how == "exceed":
        why = f"run {run!r}: reports assessed minus excluded give at least {total} included reports"
        flow.table.problem(row, "count", f"{why}, but data/reports.csv has only {found} first found in this run")


def _records_per_database(flow: Flow, run: str, records: list) -> None:
    identified, row = flow.value(run, "databases", "identified"), flow.row(run, "databases", "identified")
    total = sum(n for n in records if usable(n))
    if identified is None or not records or not (how := mismatch(records, identified)):
        return
    what = "differ from the sum over" if how == "differ" else "are fewer than the known records per database in"
    why = f"run {run!r}: records identified ({identified}) {what} data/search_databases.csv ({total})"
    flow.table.problem(row, "count", why)


def check_flow(t: dict[str, Table]) -> Flow:
    flow = Flow(t)
    runs = [r["search_run_id"] for r in t["search_runs"].records if usable(r["search_run_id"])]
    keys_ok = not ({"search_run_id", "column", "stage"} & flow.table.invalid)
    reports, databases = t["reports"], t["search_databases"]
    found: dict | None = None  # included reports by the run that first found them
    if not ({"role", "first_search_run_id"} & reports.invalid):
        found = {}
        for record in reports.records:
            if record["role"] in INCLUDED_ROLES and usable(record["first_search_run_id"]):
                found[record["first_search_run_id"]] = found.get(record["first_search_run_id"], 0) + 1
    records = rows_of(databases, "search_run_id") if not ({"search_run_id", "records"} & databases.invalid) else None
    for run in runs:
        for column, stages in STAGES.items() if run not in flow.counted_runs else []:
            # counted boxes add up; an incomplete record is the ledger's own error
            for stage in stages if keys_ok else []:
                if (run, column, stage) not in flow.boxes:
                    why = f"run {run!r} has no row for stage {stage!r} of the {column} column"
                    flow.table.problem(None, None, why, MISSING_FIX)
            for stated in sums(column):
                _equation(flow, run, column, stated.total, [stated.first, *stated.minus], stated.description)
        if found is not None and run not in flow.counted_runs:  # the ledger links its reports record by record
            _included_reports(flow, run, found.get(run, 0))
        if records is not None:
            _records_per_database(flow, run, [r["records"] for r, _ in records.get(run, [])])
    return flow
