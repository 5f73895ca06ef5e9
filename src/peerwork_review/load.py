"""Read ``data/`` as described by ``data/datapackage.json``, validate it, return tidy tables.

Validation covers the Table Schema rules the package uses (types, required, unique,
enum, minimum, pattern, primary and foreign keys), the encoding and shape of each CSV
file, the provenance rule (every value has a source; an empty value says why it is
unknown), bibliography keys, and PRISMA arithmetic wherever every part of a stage is
known. All problems are collected and raised together as one :class:`DataError`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import figure_values, paths, readings, sources
from .bibliography import BibEntry, read_bibliography
from .errors import DataError, Problem

UNKNOWN_PREFIXES = ("not found:", "not reported:")
KNOWN_PREFIXES = ("article:", "fact sheet:", "inferred:", "extraction:", "test data:")
SOURCE_PREFIXES = KNOWN_PREFIXES + UNKNOWN_PREFIXES
NON_SOURCE_PROVENANCE = {"key", "editorial", "self"}

_INTEGER = re.compile(r"^-?[0-9]+$")
# Stands in for a cell that failed its type check, so later checks neither treat it as
# empty nor report it again.
INVALID = type("Invalid", (), {"__repr__": lambda self: "<invalid>"})()
_YEARMONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


@dataclass
class Table:
    """One CSV file after parsing: typed records plus the row number of each."""

    name: str
    file: str
    fields: list[dict]
    records: list[dict] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    readable: bool = False


# ---------------------------------------------------------------------------
# Reading one file


def _decode(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    if not raw.strip():
        return None, [Problem(file, None, None, "file is empty: it needs at least the header row")]
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, [Problem(file, 1, None, "file starts with a byte order mark (BOM); save it as UTF-8 without BOM")]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(file, 1, None, "file is UTF-16 encoded; save it as UTF-8")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.start + 1].hex()
        return None, [Problem(file, line, None, f"file is not valid UTF-8 (byte 0x{bad}); save it as UTF-8")]
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    return text, []


def _check_header(header: list[str], names: list[str], file: str) -> list[Problem]:
    problems = []
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        sep = "semicolons" if ";" in header[0] else "tabs"
        return [Problem(file, 1, None, f"the header is separated by {sep}; fields must be separated by commas")]
    for name in header:
        if name != name.strip():
            problems.append(Problem(file, 1, name.strip(), "column name has leading or trailing spaces"))
        elif name not in names:
            problems.append(Problem(file, 1, name, "unexpected column (not in datapackage.json)"))
    for name in names:
        if name not in [h.strip() for h in header]:
            problems.append(Problem(file, 1, name, "missing column"))
    seen = set()
    for name in header:
        if name in seen:
            problems.append(Problem(file, 1, name, "column appears twice"))
        seen.add(name)
    return problems


def _cast(value: str, spec: dict, file: str, row: int) -> tuple[object, list[Problem]]:
    name, kind = spec["name"], spec["type"]
    constraints = spec.get("constraints", {})
    if value == "":
        if constraints.get("required"):
            return None, [Problem(file, row, name, "a value is required")]
        return None, []
    if value != value.strip():
        return None, [Problem(file, row, name, f"{value!r} has leading or trailing spaces")]
    problems = []
    if kind == "integer":
        if not _INTEGER.match(value):
            return None, [Problem(file, row, name, f"{value!r} is not a whole number")]
        typed: object = int(value)
    elif kind == "yearmonth":
        if not _YEARMONTH.match(value):
            return None, [Problem(file, row, name, f"{value!r} is not a year and month written YYYY-MM")]
        typed = value
    else:
        typed = value
    if "enum" in constraints and typed not in constraints["enum"]:
        allowed = constraints["enum"]
        listed = ", ".join(allowed) if len(allowed) <= 12 else "the list in datapackage.json"
        problems.append(Problem(file, row, name, f"{value!r} is not an allowed value ({listed})"))
    if "minimum" in constraints and isinstance(typed, int) and typed < constraints["minimum"]:
        problems.append(Problem(file, row, name, f"{typed} is below the minimum of {constraints['minimum']}"))
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], value):
        problems.append(Problem(file, row, name, f"{value!r} does not match the pattern {constraints['pattern']}"))
    return typed, problems


def read_table(data: Path, resource: dict) -> tuple[Table, list[Problem]]:
    file = f"data/{resource['path']}"
    fields = resource["schema"]["fields"]
    table = Table(resource["name"], file, fields)
    path = data / resource["path"]
    if not path.is_file():
        return table, [Problem(file, None, None, "file is missing (datapackage.json lists it)")]
    text, problems = _decode(path.read_bytes(), file)
    if text is None:
        return table, problems
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        lines = list(reader)
    except csv.Error as exc:
        return table, [Problem(file, reader.line_num, None, f"the file is not valid CSV: {exc}")]
    header, body = lines[0], lines[1:]
    names = [f["name"] for f in fields]
    problems = _check_header(header, names, file)
    if problems:
        return table, problems
    for index, cells in enumerate(body):
        row = index + 2
        if not any(c.strip() for c in cells):
            problems.append(Problem(file, row, None, "blank row"))
            continue
        if len(cells) != len(header):
            problems.append(Problem(file, row, None, f"has {len(cells)} fields but the header has {len(header)}"))
            continue
        record = {}
        for name, value in zip(header, cells):
            typed, cell_problems = _cast(value, fields[names.index(name)], file, row)
            record[name] = INVALID if cell_problems and typed is None and value != "" else typed
            problems += cell_problems
        table.records.append(record)
        table.rows.append(row)
    table.readable = True
    return table, problems


# ---------------------------------------------------------------------------
# Rules across rows and files


def _check_unique(table: Table) -> list[Problem]:
    problems = []
    schema_keys = [[f["name"]] for f in table.fields if f.get("constraints", {}).get("unique")]
    for key in schema_keys:
        seen: dict = {}
        for record, row in zip(table.records, table.rows):
            value = tuple(record[k] for k in key)
            if None in value or INVALID in value:
                continue
            if value in seen:
                shown = value[0] if len(value) == 1 else value
                problems.append(Problem(table.file, row, key[0], f"duplicate value {shown!r} (first in row {seen[value]})"))
            else:
                seen[value] = row
    return problems


def _check_primary_key(table: Table, key: list[str]) -> list[Problem]:
    if len(key) == 1:  # single-field keys are declared unique and reported by _check_unique
        return []
    problems, seen = [], {}
    for record, row in zip(table.records, table.rows):
        value = tuple(record[k] for k in key)
        if value in seen:
            problems.append(Problem(table.file, row, key[0], f"duplicate row for ({', '.join(map(str, value))}) (first in row {seen[value]})"))
        else:
            seen[value] = row
    return problems


def _check_foreign_keys(table: Table, resource: dict, tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for fk in resource["schema"].get("foreignKeys", []):
        target = tables.get(fk["reference"]["resource"])
        if target is None or not target.readable:
            continue
        wanted = {tuple(r[k] for k in fk["reference"]["fields"]) for r in target.records}
        for record, row in zip(table.records, table.rows):
            value = tuple(record[k] for k in fk["fields"])
            if None in value or INVALID in value or value in wanted:
                continue
            if len(value) == 1:
                message = f"{value[0]!r} is not a {fk['reference']['fields'][0]} in {target.file}"
            else:
                pairs = ", ".join(f"{a}={v!r}" for a, v in zip(fk["reference"]["fields"], value))
                message = f"no row of {target.file} has {pairs}"
            problems.append(Problem(table.file, row, fk["fields"][0], message))
    return problems


def _check_provenance(table: Table) -> list[Problem]:
    """Every source is filled in with a known prefix; a value is empty exactly when its source says why."""
    problems = []
    covered: dict[str, list[str]] = {}
    for spec in table.fields:
        prov = spec.get("provenance")
        if prov not in NON_SOURCE_PROVENANCE:
            covered.setdefault(prov, []).append(spec["name"])
    source_fields = [f["name"] for f in table.fields if f.get("provenance") == "self" and f["name"].endswith("source")]
    for record, row in zip(table.records, table.rows):
        for name in source_fields:
            text = record[name]
            values = [record[v] for v in covered.get(name, [])]
            if text is None:
                if any(v is not None for v in values):
                    problems.append(Problem(table.file, row, name, "a source is required for the value(s) it covers"))
                continue
            if not text.lower().startswith(SOURCE_PREFIXES):
                problems.append(Problem(table.file, row, name, f"source must start with one of: {', '.join(SOURCE_PREFIXES)}"))
                continue
            if not values:
                continue
            says_unknown = text.lower().startswith(UNKNOWN_PREFIXES)
            all_empty = all(v is None for v in values)
            if all_empty and not says_unknown:
                problems.append(Problem(table.file, row, covered[name][0], f"is empty, so {name} must say why ('not found: …' or 'not reported: …')"))
            if not all_empty and says_unknown:
                problems.append(Problem(table.file, row, name, f"says the value is unknown, but {covered[name][0]} has a value"))
    return problems


def _index(table: Table, *key: str) -> dict:
    return {tuple(r[k] for k in key) if len(key) > 1 else r[key[0]]: (r, row) for r, row in zip(table.records, table.rows)}


def _check_bibliography(t: dict[str, Table], bib: dict[str, BibEntry]) -> list[Problem]:
    problems = []
    for name, column in (("article_references", "bib_key"), ("reports", "report_id")):
        table = t[name]
        for record, row in zip(table.records, table.rows):
            key = record[column]
            if key is not None and key not in bib:
                problems.append(Problem(table.file, row, column, f"{key!r} is not a key in references.bib"))
    refs = t["article_references"]
    numbers = sorted(r["ref_number"] for r in refs.records if r["ref_number"] is not None)
    if numbers and numbers != list(range(1, numbers[-1] + 1)):
        missing = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))
        problems.append(Problem(refs.file, None, "ref_number", f"reference numbers must run from 1 without gaps; missing {missing}"))
    return problems


def _check_studies_and_reports(t: dict[str, Table]) -> list[Problem]:
    problems = []
    reports, studies = t["reports"], t["studies"]
    main_reports: dict[str, list[int]] = {}
    for record, row in zip(reports.records, reports.rows):
        if record["role"] == "not included":
            if record["study_id"] is not None:
                problems.append(Problem(reports.file, row, "study_id", "a report with role 'not included' belongs to no study; leave study_id empty"))
            continue
        for column in ("study_id", "first_search_run_id"):
            if record[column] is None:
                problems.append(Problem(reports.file, row, column, f"a report with role {record['role']!r} needs a {column}"))
        if record["role"] == "main" and record["study_id"] is not None:
            main_reports.setdefault(record["study_id"], []).append(row)
    for record, row in zip(studies.records, studies.rows):
        sid = record["study_id"]
        found = main_reports.get(sid, [])
        if len(found) != 1:
            what = "no report" if not found else f"{len(found)} reports (rows {', '.join(map(str, found))})"
            problems.append(Problem(studies.file, row, "study_id", f"study {sid!r} needs exactly one report with role 'main' in data/reports.csv; it has {what}"))
    for name in ("quality_appraisal", "study_countries"):
        table = t[name]
        present = {r["study_id"] for r in table.records}
        for record, row in zip(studies.records, studies.rows):
            if record["study_id"] not in present:
                problems.append(Problem(studies.file, row, "study_id", f"study {record['study_id']!r} has no row in {table.file}"))
    countries = t["study_countries"]
    by_study: dict[str, list[tuple[dict, int]]] = {}
    for record, row in zip(countries.records, countries.rows):
        by_study.setdefault(record["study_id"], []).append((record, row))
    for sid, items in by_study.items():
        if len(items) > 1 and any(r["country"] is None for r, _ in items):
            row = next(row for r, row in items if r["country"] is None)
            problems.append(Problem(countries.file, row, "country", f"study {sid!r} has countries, so it cannot also have a row with an unknown country"))
    return problems


def _check_themes(t: dict[str, Table]) -> list[Problem]:
    problems = []
    themes = t["themes"]
    kinds = {r["theme_id"]: r["kind"] for r in themes.records}
    for record, row in zip(themes.records, themes.rows):
        parent = record["parent_theme_id"]
        if record["kind"] == "theme" and parent is not None:
            problems.append(Problem(themes.file, row, "parent_theme_id", "a theme has no parent; only subthemes do"))
        if record["kind"] == "subtheme":
            if parent is None:
                problems.append(Problem(themes.file, row, "parent_theme_id", "a subtheme needs the theme it belongs to"))
            elif kinds.get(parent) == "subtheme":
                problems.append(Problem(themes.file, row, "parent_theme_id", f"{parent!r} is a subtheme; a subtheme's parent must be a theme"))
    return problems


FLOW_STAGES = {
    "databases": ["identified", "removed_duplicates", "removed_automation", "removed_other", "screened",
                  "excluded_screening", "sought", "not_retrieved", "assessed", "excluded_full_text"],
    "other_methods": ["identified", "sought", "not_retrieved", "assessed", "excluded_full_text"],
}


def _check_flow(t: dict[str, Table]) -> list[Problem]:
    """Every stage present once; a count or a figure, not both; arithmetic where all parts are known."""
    problems = []
    flow, figures = t["prisma_flow"], _index(t["published_figures"], "figure_id")
    stages = _index(flow, "search_run_id", "column", "stage")
    for record, row in zip(flow.records, flow.rows):
        if record["stage"] not in FLOW_STAGES[record["column"]]:
            problems.append(Problem(flow.file, row, "stage", f"{record['stage']!r} is not a stage of the {record['column']} column"))
        if record["count"] is not None and record["figure_id"] is not None:
            problems.append(Problem(flow.file, row, "figure_id", "give either a count or a published figure, not both"))
        fig = figures.get(record["figure_id"])
        if fig and fig[0]["search_run_id"] != record["search_run_id"]:
            problems.append(Problem(flow.file, row, "figure_id", f"figure {record['figure_id']!r} describes run {fig[0]['search_run_id']!r}, not {record['search_run_id']!r}"))
    for run in (r["search_run_id"] for r in t["search_runs"].records):
        for column, names in FLOW_STAGES.items():
            for stage in names:
                if (run, column, stage) not in stages:
                    problems.append(Problem(flow.file, None, "stage", f"run {run!r} has no row for stage {stage!r} of the {column} column"))

    def value(run, column, stage):
        entry = stages.get((run, column, stage))
        if entry is None:
            return None, None
        record, row = entry
        if record["count"] is not None:
            return record["count"], row
        fig = figures.get(record["figure_id"])
        return (fig[0]["value"] if fig else None), row

    def equation(run, column, total, parts, label):
        total_value, row = value(run, column, total)
        values = [value(run, column, s)[0] for s, _ in parts]
        if total_value is None or None in values:
            return
        expected = sum(sign * v for (_, sign), v in zip(parts, values))
        if expected != total_value:
            problems.append(Problem(flow.file, row, "count", f"run {run!r}, {column}: {total} is {total_value} but {label} gives {expected}"))

    databases = t["search_databases"]
    for run in (r["search_run_id"] for r in t["search_runs"].records):
        equation(run, "databases", "screened", [("identified", 1), ("removed_duplicates", -1), ("removed_automation", -1), ("removed_other", -1)],
                 "identified minus records removed before screening")
        equation(run, "databases", "sought", [("screened", 1), ("excluded_screening", -1)], "screened minus excluded")
        for column in FLOW_STAGES:
            equation(run, column, "assessed", [("sought", 1), ("not_retrieved", -1)], "sought minus not retrieved")
        per_database = [r["records"] for r in databases.records if r["search_run_id"] == run]
        identified, row = value(run, "databases", "identified")
        if per_database and None not in per_database and identified is not None and sum(per_database) != identified:
            problems.append(Problem(flow.file, row, "count", f"run {run!r}: records identified ({identified}) differ from the sum over data/search_databases.csv ({sum(per_database)})"))
    return problems


_TERM = re.compile(r"\s*([+-])?\s*([a-z0-9_]+)")


def parse_expression(text: str) -> list[tuple[int, str]]:
    """``'a + b - c'`` -> ``[(1, 'a'), (1, 'b'), (-1, 'c')]``."""
    return [(-1 if sign == "-" else 1, name) for sign, name in _TERM.findall(text)]


def _check_figure_checks(t: dict[str, Table]) -> list[Problem]:
    problems = []
    figures = _index(t["published_figures"], "figure_id")
    checks = t["figure_checks"]
    for record, row in zip(checks.records, checks.rows):
        if record["expression"] is None:
            continue
        for _, name in parse_expression(record["expression"]):
            if name not in figures:
                problems.append(Problem(checks.file, row, "expression", f"{name!r} is not a figure_id in data/published_figures.csv"))
    return problems


# ---------------------------------------------------------------------------
# Entry points


def read_descriptor(data: Path) -> dict:
    path = data / "datapackage.json"
    if not path.is_file():
        raise DataError([Problem("data/datapackage.json", None, None, "file is missing")])
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError([Problem("data/datapackage.json", getattr(exc, "lineno", None), None, f"not valid JSON: {exc}")]) from None


def read_and_validate(root: Path | None = None) -> tuple[dict[str, Table], dict[str, BibEntry]]:
    """Read every resource and the bibliography; raise :class:`DataError` listing all problems."""
    root = root or paths.project_root()
    data = paths.data_dir(root)
    descriptor = read_descriptor(data)
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    resources = {r["name"]: r for r in descriptor["resources"]}
    for name, resource in resources.items():
        tables[name], found = read_table(data, resource)
        problems += found
    bib, bib_problems = read_bibliography(paths.bibliography(root))
    problems += bib_problems
    for name, table in tables.items():
        if not table.readable:
            continue
        problems += _check_unique(table)
        problems += _check_primary_key(table, resources[name]["schema"].get("primaryKey", []))
        problems += _check_foreign_keys(table, resources[name], tables)
        problems += _check_provenance(table)
    if all(t.readable for t in tables.values()):
        problems += _check_bibliography(tables, bib)
        problems += _check_studies_and_reports(tables)
        problems += _check_themes(tables)
        problems += _check_flow(tables)
        problems += _check_figure_checks(tables)
        problems += sources.check_sources(tables) + readings.check_readings(tables, resources) + figure_values.check_figure_values(tables)
    if problems:
        raise DataError(problems)
    return tables, bib


def load(root: Path | None = None):
    """Validated dataset as a :class:`peerwork_review.model.Review` of pandas tables."""
    from .model import Review

    root = (root or paths.project_root()).resolve()
    tables, bib = read_and_validate(root)
    return Review.from_tables(root, tables, bib)
