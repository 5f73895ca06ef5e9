"""Rules across rows that the descriptor declares (unique values, primary and foreign keys) and the provenance rule.

Every rule skips cells that already failed their own check (:data:`INVALID`), so one
mistake gives one error, named by its cause.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property

from peerwork_review.domain.editions import in_time_order
from peerwork_review.domain.provenance import NON_SOURCE_PROVENANCE, SOURCE_PREFIXES, UNKNOWN_PREFIXES
from peerwork_review.errors import Problem
from peerwork_review.reading import cells
from peerwork_review.reading.csvfile import INVALID, Table
from peerwork_review.reading.descriptor import Resource

# Suggestions compare a value with every candidate; beyond this many misses in one
# column the first ones show the pattern well enough.
MAX_SUGGESTIONS = 20


def usable(*values) -> bool:
    for value in values:
        if value is None or value is INVALID:
            return False
    return True


def check_unique(table: Table, primary_key: list[str]) -> list[Problem]:
    problems = []
    single = [[spec.name] for spec in table.specs if spec.constraints.get("unique")]
    if len(primary_key) == 1 and primary_key not in single:
        single.append(primary_key)
    for key in single + ([primary_key] if len(primary_key) > 1 else []):
        seen: dict = {}
        for record, row in table.items():
            value = tuple(record[k] for k in key)
            if not usable(*value):
                continue
            if value in seen:
                shown = repr(value[0]) if len(key) == 1 else "(" + ", ".join(map(str, value)) + ")"
                what = f"duplicate value {shown}" if len(key) == 1 else f"duplicate row for {shown}"
                problems.append(
                    Problem(
                        table.file,
                        row,
                        key[0],
                        f"{what} (first in row {seen[value]})",
                        "each row needs its own value" if len(key) == 1 else "delete one of them",
                    )
                )
            else:
                seen[value] = row
    return problems


class _Hint:
    """What a link was probably meant to say: the target's values, and its rows' names as the book shows them.

    Gathered on first use, since most links are right.
    """

    def __init__(self, target: Table, column: str):
        self.target, self.column = target, column

    @cached_property
    def candidates(self) -> list[str]:
        return sorted({str(r[self.column]) for r in self.target.records if usable(r[self.column])})

    @cached_property
    def labels(self) -> dict[str, str]:
        if "name" not in {spec.name for spec in self.target.specs}:
            return {}
        return {r["name"].lower(): r[self.column] for r in self.target.records if usable(r["name"], r[self.column])}

    def closest(self, text: str) -> str | None:
        return cells.closest(text, self.candidates, self.labels)

    def suggestion(self, text: str) -> str:
        return cells.suggestion(text, self.candidates, self.labels, long_list=f"see {self.target.file}")


def check_foreign_keys(table: Table, resource: Resource, tables: dict[str, Table]) -> list[Problem]:
    problems = []
    pending: dict[str | None, list] = {}  # links that failed their pattern, waiting for a suggestion
    for problem, text in table.deferred:
        pending.setdefault(problem.column, []).append((problem, text))
    for fk in resource.foreign_keys:
        target = tables.get(fk.resource)
        # An unreadable target, or one whose key cells are wrong, is reported by itself.
        if target is None or not target.readable or any(k in target.invalid for k in fk.reference):
            continue
        wanted = {tuple(r[k] for k in fk.reference) for r in target.records}
        hint = _Hint(target, fk.reference[0]) if len(fk.fields) == 1 else None
        if hint is not None:
            for problem, text in pending.pop(fk.fields[0], []):
                problems.append(replace(problem, fix=hint.suggestion(text)) if hint.closest(text) else problem)
        misses = 0
        for record, row in table.items():
            value = tuple(record[k] for k in fk.fields)
            if not usable(*value) or value in wanted:
                continue
            misses += 1
            if hint:
                message = f"{value[0]!r} is not a {fk.reference[0]} in {target.file}"
                fix = hint.suggestion(str(value[0])) if misses <= MAX_SUGGESTIONS else None
            else:
                pairs = ", ".join(f"{a}={v!r}" for a, v in zip(fk.reference, value))
                message, fix = f"no row of {target.file} has {pairs}", None
            problems.append(Problem(table.file, row, fk.fields[0], message, fix))
    return problems + [problem for items in pending.values() for problem, _ in items]


def source_columns(table: Table) -> dict[str, list[str]]:
    """Source column -> the value columns it covers."""
    covered: dict[str, list[str]] = {}
    for spec in table.specs:
        if spec.provenance not in NON_SOURCE_PROVENANCE:
            covered.setdefault(spec.provenance, []).append(spec.name)
    return covered


def check_provenance(table: Table) -> list[Problem]:
    """Every source is filled in with a known prefix; a value is empty exactly when its source says why."""
    problems = []
    covered = source_columns(table)
    sources = [s.name for s in table.specs if s.provenance == "self" and s.name.endswith("source")]
    for record, row in table.items():
        for name in sources:
            text = record[name]
            values = [record[v] for v in covered.get(name, [])]
            if text is INVALID:
                continue
            if text is None:
                if any(v is not None for v in values):
                    problems.append(Problem(table.file, row, name, "a source is required for the value(s) it covers"))
                continue
            if not text[:16].lower().startswith(SOURCE_PREFIXES):
                problems.append(
                    Problem(table.file, row, name, "source must start with one of: " + ", ".join(SOURCE_PREFIXES))
                )
                continue
            if not values or INVALID in values:  # the value's own error comes first
                continue
            says_unknown = text[:16].lower().startswith(UNKNOWN_PREFIXES)
            all_empty = all(v is None for v in values)
            if all_empty and not says_unknown:
                problems.append(
                    Problem(
                        table.file,
                        row,
                        covered[name][0],
                        f"is empty, so {name} must say why ('not found: …' or 'not reported: …')",
                    )
                )
            if not all_empty and says_unknown:
                problems.append(
                    Problem(table.file, row, name, f"says the value is unknown, but {covered[name][0]} has a value")
                )
    return problems


def article_run(runs: Table) -> str | None:
    """The run the article reports: the earliest by end date, then id. None if the runs are not readable."""
    keys = [(r["date_end"], r["search_run_id"]) for r in runs.records]
    if not runs.readable or not keys or not all(usable(*k) for k in keys):
        return None
    return in_time_order(keys)[0]


def check_later_run_sources(t: dict[str, Table]) -> list[Problem]:
    """A value found by a later search run cannot come from the article, which reports the first run only."""
    first = article_run(t["search_runs"])
    if first is None:
        return []
    study_run = {r["study_id"]: r["first_search_run_id"] for r in t["studies"].records}
    run_of = {
        "search_runs": lambda r: r["search_run_id"],
        "search_databases": lambda r: r["search_run_id"],
        "prisma_flow": lambda r: r["search_run_id"],
        "prisma_exclusion_reasons": lambda r: r["search_run_id"],
        "studies": lambda r: r["first_search_run_id"],
        "study_countries": lambda r: study_run.get(r["study_id"]),
        "quality_appraisal": lambda r: study_run.get(r["study_id"]),
        "reports": lambda r: r["first_search_run_id"],
        "findings": lambda r: r["search_run_id"],
    }
    problems = []
    for name, run in run_of.items():
        table = t[name]
        sources = [s.name for s in table.specs if s.provenance == "self"]
        for record, row in table.items():
            found = run(record)
            if not usable(found) or found == first:
                continue
            for column in sources:
                text = record[column]
                if usable(text) and text.lower().startswith("article:"):
                    problems.append(
                        Problem(
                            table.file,
                            row,
                            column,
                            f"cites the article, but this row belongs to search run {found!r}; the article reports run {first!r} only",
                            "write `extraction:` and where you found it",
                        )
                    )
    return problems
