"""Rules across rows that the descriptor declares (unique values, primary and foreign keys) and the provenance rule.

The keys are checked here, not by Frictionless, which checks them only while it reads a whole
resource through its own row stream: every cell parsed and typed again (its validation of the
package takes some 13 times as long as all of :mod:`.load`), and the cells that failed this
project's stricter checks reported a second time. Here every rule skips those cells
(:data:`INVALID`), so one mistake gives one error, named by its cause, and a link to nothing
is told the value it was probably meant to be.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property

from peerwork_review.domain.editions import in_time_order
from peerwork_review.domain.provenance import NON_SOURCE_PROVENANCE, SOURCE_PREFIXES, UNKNOWN_PREFIXES
from peerwork_review.reading import cells
from peerwork_review.reading.csvfile import INVALID, Table
from peerwork_review.reading.descriptor import Resource

# Suggestions compare a value with every candidate; beyond this many misses in one
# column the first ones show the pattern well enough.
MAX_SUGGESTIONS = 20


def usable(*values) -> bool:
    """Whether every value is there and passed its own check."""
    return all(value is not None and value is not INVALID for value in values)


def check_unique(table: Table, primary_key: list[str]) -> None:
    single = [[spec.name] for spec in table.specs if spec.constraints.get("unique")]
    if len(primary_key) == 1 and primary_key not in single:
        single.append(primary_key)
    for key in single + ([primary_key] if len(primary_key) > 1 else []):
        seen: dict = {}
        for record, row in table.items():
            value = tuple(record[k] for k in key)
            if not usable(*value):
                continue
            if value in seen and len(key) == 1:
                why = f"duplicate value {value[0]!r} (first in row {seen[value]})"
                table.problem(row, key[0], why, "each row needs its own value")
            elif value in seen:
                why = f"duplicate row for ({', '.join(map(str, value))}) (first in row {seen[value]})"
                table.problem(row, key[0], why, "delete one of them")
            else:
                seen[value] = row


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


def check_foreign_keys(table: Table, resource: Resource, tables: dict[str, Table]) -> None:
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
                table.problems.append(replace(problem, fix=hint.suggestion(text)) if hint.closest(text) else problem)
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
            table.problem(row, fk.fields[0], message, fix)
    table.problems.extend(problem for items in pending.values() for problem, _ in items)


def _covered(table: Table) -> dict[str, list[str]]:
    """Source column -> the value columns it covers."""
    covered: dict[str, list[str]] = {}
    for spec in table.specs:
        if spec.provenance not in NON_SOURCE_PROVENANCE:
            covered.setdefault(spec.provenance, []).append(spec.name)
    return covered


def check_provenance(table: Table) -> None:
    """Every source is filled in with a known prefix; a value is empty exactly when its source says why."""
    covered = _covered(table)
    sources = [s.name for s in table.specs if s.provenance == "self" and s.name.endswith("source")]
    for record, row in table.items():
        for name in sources:
            text = record[name]
            values = [record[v] for v in covered.get(name, [])]
            if text is INVALID:
                continue
            if text is None:
                if any(v is not None for v in values):
                    table.problem(row, name, "a source is required for the value(s) it covers")
                continue
            if not text[:16].lower().startswith(SOURCE_PREFIXES):
                table.problem(row, name, "source must start with one of: " + ", ".join(SOURCE_PREFIXES))
                continue
            if not values or INVALID in values:  # the value's own error comes first
                continue
            says_unknown = text[:16].lower().startswith(UNKNOWN_PREFIXES)
            all_empty = all(v is None for v in values)
            if all_empty and not says_unknown:
                why = f"is empty, so {name} must say why ('not found: …' or 'not reported: …')"
                table.problem(row, covered[name][0], why)
            if not all_empty and says_unknown:
                table.problem(row, name, f"says the value is unknown, but {covered[name][0]} has a value")


def article_run(runs: Table) -> str | None:
    """The run the article reports: the earliest by end date, then id. None if the runs are not readable."""
    keys = [(r["date_end"], r["search_run_id"]) for r in runs.records]
    if not runs.readable or not keys or not all(usable(*k) for k in keys):
        return None
    return in_time_order(keys)[0]


def check_later_run_sources(t: dict[str, Table]) -> None:
    """A value found by a later search run cannot come from the article, which reports the first run only."""
    first = article_run(t["search_runs"])
    if first is None:
        return
    study_run = {r["study_id"]: r["first_search_run_id"] for r in t["studies"].records}
    of_run = dict.fromkeys(["search_runs", "search_databases", "prisma_flow", "prisma_exclusion_reasons", "findings"])
    run_of = {name: lambda r: r["search_run_id"] for name in of_run}
    run_of |= {name: lambda r: r["first_search_run_id"] for name in ("studies", "reports")}
    run_of |= {name: lambda r: study_run.get(r["study_id"]) for name in ("study_countries", "quality_appraisal")}
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
                    why = f"cites the article, but this row belongs to search run {found!r}; the article reports run {first!r} only"
                    table.problem(row, column, why, "write `extraction:` and where you found it")
