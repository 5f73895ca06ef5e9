"""The PRISMA 2020 flow of every run adds up wherever its parts are known, and its full-text exclusion reasons
add up to the reports excluded.

A box's number is its ``count`` or, for the article's run, the published figure it names;
for a run with a record ledger it is counted from the records, and a typed number must agree.
Where every part of a stage is known the stage must equal them; where some are unknown,
no part can exceed the whole. Reports assessed minus reports excluded, over both columns,
is the number of reports the run included (``reports.csv``, role main or additional).
"""

from __future__ import annotations

from peerwork_review.domain import ledger
from peerwork_review.domain.prisma import INCLUDED_ROLES, STAGES, sums
from peerwork_review.errors import Problem
from peerwork_review.reading.csvfile import INVALID, Table
from peerwork_review.reading.integrity import usable
from peerwork_review.reading.ledger_rules import FILE as LEDGER
from peerwork_review.reading.ledger_rules import ledger_runs, run_databases
from peerwork_review.reading.rules import rows_of

COUNTED_FIX = "delete the run's rows here: its numbers are counted from its records"
REASONS_FIX = (
    "add one row per reason with its count, or one row with reason and count empty and a source saying why: "
    "'not found: …' and what was looked at, or 'not reported: …' where the report says they were not counted"
)


class Flow:
    """The number in every box, by (run, column, stage)."""

    def __init__(self, t: dict[str, Table]):
        self.table = t["prisma_flow"]
        figures = {r["figure_id"]: r for r in t["published_figures"].records if usable(r["figure_id"])}
        self.boxes: dict[tuple, tuple[int | None, int | None]] = {}
        self.problems: list[Problem] = []
        file = self.table.file
        for record, row in self.table.items():
            run, column, stage, count, figure_id = (
                record[k] for k in ("search_run_id", "column", "stage", "count", "figure_id")
            )
            if usable(column, stage) and stage not in STAGES.get(column, ()):
                self.problems.append(
                    Problem(
                        file,
                        row,
                        "stage",
                        f"{stage!r} is not a stage of the {column} column",
                        f"allowed: {', '.join(STAGES.get(column, []))}",
                    )
                )
            if usable(count, figure_id):
                self.problems.append(
                    Problem(file, row, "figure_id", "give either a count or a published figure, not both")
                )
            figure = figures.get(figure_id) if usable(figure_id) else None
            if figure is not None and usable(figure["search_run_id"], run) and figure["search_run_id"] != run:
                self.problems.append(
                    Problem(
                        file,
                        row,
                        "figure_id",
                        f"figure {figure_id!r} describes run {figure['search_run_id']!r}, not {run!r}",
                    )
                )
            if not usable(run, column, stage):
                continue
            value = count if usable(count) else None
            if value is None and count is not INVALID and figure is not None and usable(figure["value"]):
                value = figure["value"]
            self.boxes[(run, column, stage)] = (value, row)
        self.counted_runs = ledger_runs(t)
        self.reasons: dict[str, dict] = {}
        if not {"search_run_id", "origin", "duplicate_of", "duplicate_rule", *ledger.DECISION_FIELDS} & (
            t["search_records"].invalid | t["search_databases"].invalid
        ):
            self._count(t)

    def _count(self, t: dict[str, Table]) -> None:
        """Each box of a run with records counted from them; a typed number that differs is a problem."""
        databases = run_databases(t)
        for run in sorted(self.counted_runs):
            records = [r for r in t["search_records"].records if r["search_run_id"] == run]
            stages, self.reasons[run] = ledger.count(records, databases)
            for column, names in STAGES.items():
                for stage in names:
                    typed, row = self.boxes.get((run, column, stage), (None, None))
                    counted = stages[(column, stage)]
                    if row is not None and typed != counted:
                        self.problems.append(
                            Problem(
                                self.table.file,
                                row,
                                "count",
                                f"run {run!r}, {column}: {stage} is typed as {typed}, but the run's records "
                                f"in {LEDGER} count {counted}",
                                COUNTED_FIX,
                            )
                        )
                    self.boxes[(run, column, stage)] = (counted, row)

    def value(self, run: str, column: str, stage: str) -> int | None:
        return self.boxes.get((run, column, stage), (None, None))[0]

    def row(self, run: str, column: str, stage: str) -> int | None:
        return self.boxes.get((run, column, stage), (None, None))[1]


def _equation(flow: Flow, run: str, column: str, total: str, parts: list[str], label: str) -> list[Problem]:
    file = flow.table.file
    whole, *rest = (flow.value(run, column, p) for p in parts)
    result = flow.value(run, column, total)
    where = f"run {run!r}, {column}"
    if whole is None:
        return []
    rest_known = [v for v in rest if v is not None]
    if result is not None and len(rest_known) == len(rest):
        expected = whole - sum(rest_known)
        if expected != result:
            return [
                Problem(
                    file,
                    flow.row(run, column, total),
                    "count",
                    f"{where}: {total} is {result} but {label} gives {expected}",
                )
            ]
        return []
    problems = []
    for name, value in [(total, result), *zip(parts[1:], rest)]:
        if value is not None and value > whole:
            problems.append(
                Problem(
                    file,
                    flow.row(run, column, name),
                    "count",
                    f"{where}: {name} ({value}) cannot be more than {parts[0]} ({whole})",
                )
            )
    known = [v for v in (result, *rest) if v is not None]
    if not problems and sum(known) > whole:
        problems.append(
            Problem(
                file,
                flow.row(run, column, total),
                "count",
                f"{where}: {' + '.join(n for n, v in zip([total, *parts[1:]], [result, *rest]) if v is not None)} "
                f"is {sum(known)}, more than {parts[0]} ({whole})",
            )
        )
    return problems


def _included_reports(flow: Flow, run: str, found: int) -> list[Problem]:
    """Reports assessed minus excluded, over both columns, are the reports the run included."""
    problems: list[Problem] = []
    included: list[int | None] = []
    row: int | None = None
    for column in STAGES:
        assessed, excluded = flow.value(run, column, "assessed"), flow.value(run, column, "excluded_full_text")
        if assessed is None or excluded is None:
            included.append(None)
            continue
        row = row or flow.row(run, column, "excluded_full_text")
        if excluded > assessed:
            problems.append(
                Problem(
                    flow.table.file,
                    flow.row(run, column, "excluded_full_text"),
                    "count",
                    f"run {run!r}, {column}: {excluded} reports excluded but only {assessed} assessed",
                )
            )
        included.append(assessed - excluded)
    known = [n for n in included if n is not None]
    if len(known) == len(included) and sum(known) != found:
        problems.append(
            Problem(
                flow.table.file,
                row,
                "count",
                f"run {run!r}: reports assessed minus excluded give {sum(known)} included reports, but "
                f"data/reports.csv has {found} (role main or additional) first found in this run",
            )
        )
    elif known and sum(known) > found:
        problems.append(
            Problem(
                flow.table.file,
                row,
                "count",
                f"run {run!r}: reports assessed minus excluded give at least {sum(known)} included reports, "
                f"but data/reports.csv has only {found} first found in this run",
            )
        )
    return problems


def _records_per_database(flow: Flow, run: str, records: list) -> list[Problem]:
    identified = flow.value(run, "databases", "identified")
    known = [n for n in records if usable(n)]
    if identified is None or not records:
        return []
    row = flow.row(run, "databases", "identified")
    if len(known) == len(records) and sum(known) != identified:
        return [
            Problem(
                flow.table.file,
                row,
                "count",
                f"run {run!r}: records identified ({identified}) differ "
                f"from the sum over data/search_databases.csv ({sum(known)})",
            )
        ]
    if sum(known) > identified:
        return [
            Problem(
                flow.table.file,
                row,
                "count",
                f"run {run!r}: records identified ({identified}) are "
                f"fewer than the known records per database in data/search_databases.csv ({sum(known)})",
            )
        ]
    return []


def check_flow(t: dict[str, Table]) -> tuple[Flow, list[Problem]]:
    flow = Flow(t)
    problems = list(flow.problems)
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
        for column, stages in STAGES.items():
            if keys_ok and run not in flow.counted_runs:
                problems += [
                    Problem(
                        flow.table.file,
                        None,
                        None,
                        f"run {run!r} has no row for stage {stage!r} of the {column} column",
                        "add it; if the number is unknown, leave count empty and say why in the source",
                    )
                    for stage in stages
                    if (run, column, stage) not in flow.boxes
                ]
            if run in flow.counted_runs:
                continue  # counted boxes add up; an incomplete record is the ledger's own error
            for stated in sums(column):
                problems += _equation(
                    flow, run, column, stated.total, [stated.first, *stated.minus], stated.description
                )
        if found is not None and run not in flow.counted_runs:  # the ledger links its reports record by record
            problems += _included_reports(flow, run, found.get(run, 0))
        if records is not None:
            problems += _records_per_database(flow, run, [r["records"] for r, _ in records.get(run, [])])
    return flow, problems


def check_exclusion_reasons(t: dict[str, Table], flow: Flow) -> list[Problem]:
    table = t["prisma_exclusion_reasons"]
    if {"search_run_id", "column", "reason"} & table.invalid:
        return []
    problems = []
    groups: dict = {}
    for record, row in table.items():
        groups.setdefault((record["search_run_id"], record["column"]), []).append((record, row))
    for run in [r["search_run_id"] for r in t["search_runs"].records if usable(r["search_run_id"])]:
        for column in STAGES:
            items = groups.get((run, column), [])
            excluded = flow.value(run, column, "excluded_full_text")
            where = f"run {run!r}, {column}"
            if run in flow.counted_runs:
                problems += _counted_reasons(table, items, dict(flow.reasons.get(run, {}).get(column, {})), where)
                continue
            if not items:
                if excluded != 0:
                    problems.append(
                        Problem(
                            table.file,
                            None,
                            None,
                            f"{where}: no row gives the reasons for excluding full-text reports",
                            REASONS_FIX,
                        )
                    )
                continue
            silent = [(r, row) for r, row in items if r["reason"] is None]
            listed = [(r, row) for r, row in items if r["reason"] is not None]
            if silent and listed:
                problems.append(
                    Problem(
                        table.file,
                        silent[0][1],
                        "reason",
                        f"{where}: give either reasons or one row saying why they are not known, not both",
                    )
                )
            elif len(silent) > 1:
                problems.append(
                    Problem(
                        table.file,
                        silent[1][1],
                        "reason",
                        f"{where}: only one row can say why the reasons are not known",
                    )
                )
            for record, row in silent:
                if record["count"] is not None:
                    problems.append(
                        Problem(
                            table.file,
                            row,
                            "count",
                            "a count needs its reason",
                            "write the reason, or leave the count empty",
                        )
                    )
            seen: dict = {}
            for record, row in listed:
                if usable(record["reason"]) and record["reason"].lower() in seen:
                    problems.append(
                        Problem(
                            table.file,
                            row,
                            "reason",
                            f"{where}: reason {record['reason']!r} is listed twice "
                            f"(first in row {seen[record['reason'].lower()]})",
                            "add the counts up in one row",
                        )
                    )
                seen.setdefault(str(record["reason"]).lower(), row)
            counts = [r["count"] for r, _ in listed]
            known = [c for c in counts if usable(c)]
            if excluded is None or not listed or INVALID in counts:
                continue
            if len(known) == len(counts) and sum(known) != excluded:
                problems.append(
                    Problem(
                        table.file,
                        listed[0][1],
                        "count",
                        f"{where}: the reasons' counts add up to {sum(known)}, but "
                        f"{excluded} reports were excluded at full text (data/prisma_flow.csv)",
                    )
                )
            elif sum(known) > excluded:
                problems.append(
                    Problem(
                        table.file,
                        listed[0][1],
                        "count",
                        f"{where}: the reasons' counts add up to at least "
                        f"{sum(known)}, more than the {excluded} reports excluded at full text",
                    )
                )
    return problems


def _counted_reasons(table: Table, items: list, counted: dict[str, int], where: str) -> list[Problem]:
    """Typed reasons of a run with records: each as its records count it, or none typed at all."""
    typed = {record["reason"]: (record["count"], row) for record, row in items}
    problems = []
    for reason, (count, row) in typed.items():
        if reason is None:
            problems.append(
                Problem(table.file, row, "reason", f"{where}: the reasons are counted from {LEDGER}", COUNTED_FIX)
            )
        elif count != counted.get(reason):
            problems.append(
                Problem(
                    table.file,
                    row,
                    "count",
                    f"{where}: {reason!r} is typed with {count}, but the run's records in {LEDGER} count "
                    f"{counted.get(reason, 0)}",
                    COUNTED_FIX,
                )
            )
    missing = sorted(set(counted) - set(typed))
    if typed and missing:
        problems.append(
            Problem(
                table.file,
                items[0][1],
                "reason",
                f"{where}: the records also give {', '.join(map(repr, missing))}",
                COUNTED_FIX,
            )
        )
    return problems
