"""``data/datapackage.json``: what this loader implements, the Data Package standard, and this project's own rules.

Three passes, each run only on a descriptor that passed the one before (a broken descriptor
would give follow-on errors in every file read through it):

1. :func:`_unsupported`: the descriptor asks for nothing this loader does not implement
   (properties, profiles, CSV dialects, field types, formats and constraints; one CSV file per
   resource, its schema written inline), in the shapes Frictionless needs to check the rest;
2. :mod:`.standard`: the Data Package, Tabular Data Resource and Table Schema profiles, by Frictionless;
3. :func:`_own_rules`, where the standard is silent: every file a CSV file inside ``data/`` (no
   link out), titles for the data dictionary, each field's provenance, constraints and patterns the
   cell readers can use, links to resources and fields that exist, and the resources and fields
   the package's code reads (:data:`CONTRACT`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import re2
from frictionless import Schema

from peerwork_review.domain.provenance import NON_SOURCE_PROVENANCE
from peerwork_review.errors import Problem
from peerwork_review.reading import cells, standard
from peerwork_review.reading.descriptor_json import DESCRIPTOR
from peerwork_review.reading.fields import TYPES, FieldSpec, field_problem
from peerwork_review.reading.textfile import FileProblems

RESOURCE_NAME = re.compile(r"^[a-z0-9_-]+$")  # safe in a page, a file name and a link
FIELD_NAME = re.compile(r"^[a-z0-9_]+$")
FILE_NAME = re.compile(r"^[a-z0-9_-]+\.csv$")  # the data dictionary writes it into a download link
BIBLIOGRAPHY = "../references.bib"  # the one bibliography the book reads

# What this loader implements: the properties it reads, each resource one CSV file in one dialect.
PACKAGE_KEYS = set(
    "$schema profile name id title description version created keywords licenses sources contributors bibliography "
    "resources".split()
)
RESOURCE_KEYS = set(
    "name path profile title description format mediatype encoding dialect schema sources licenses".split()
)
SCHEMA_KEYS = {"fields", "primaryKey", "foreignKeys", "missingValues"}
FIELD_KEYS = set(
    "name type format title description example constraints provenance rdfType trueValues falseValues".split()
)
VALUES = {"profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8"}
DIALECT: dict[str, list] = {"delimiter": [","], "quoteChar": ['"'], "header": [True], "doubleQuote": [True]}
DIALECT |= {"skipInitialSpace": [False], "lineTerminator": ["\n", "\r\n"]}
DIALECT_FIX = "files are comma-separated UTF-8 with a header row and double quotes"
_ORDERED = {"required", "unique", "minimum", "maximum"}
CONSTRAINTS = {kind: _ORDERED for kind in ("integer", "number", "date", "year", "yearmonth")}
CONSTRAINTS |= {"string": {"required", "unique", "enum", "minLength", "maxLength", "pattern"}}
CONSTRAINTS |= {"boolean": {"required", "unique"}}

# The resources and fields the package's code reads, with their types (string unless given); '*' marks the
# fields of the primary key, by which the code, the corrections and the alternative readings name a row.
CONTRACT = {
    "search_runs": "*search_run_id label date_start:yearmonth date_end:yearmonth date_start_source date_end_source "
    "other_methods other_methods_source released:date",
    "search_databases": "*search_run_id *database database_source records:integer records_source",
    "prisma_flow": "*search_run_id *column *stage count:integer figure_id source",
    "prisma_exclusion_reasons": "search_run_id column reason count:integer source",
    "search_records": "*search_run_id *record_id origin doi pmid title year:integer first_author journal record_source "
    "duplicate_of duplicate_rule removed screening retrieved full_text exclusion_reason report_id decision_source",
    "studies": "*study_id first_search_run_id design design_source methods methods_source setting setting_source "
    "sample_size:integer sample_size_source participants participants_source data_analysis "
    "data_analysis_source lived_experience_coauthorship lived_experience_coauthorship_source "
    "key_findings key_findings_source",
    "study_countries": "*study_id *country source",
    "quality_appraisal": "*study_id mmat_rating mmat_rating_source",
    "article_references": "*ref_number:integer bib_key source note note_source",
    "reports": "*report_id study_id role first_search_run_id article_ref_number:integer source",
    "themes": "*theme_id kind parent_theme_id position:integer name name_source placement_source description "
    "description_source",
    "findings": "*finding_id search_run_id theme_id position:integer statement locator",
    "finding_reports": "*finding_id *report_id",
    "withdrawals": "*study_id search_run_id reason source",
    "corrections": "*search_run_id *table *key *column value_before source_before reason",
    "published_figures": "*figure_id search_run_id topic description value_type value:integer value_text section quote note",
    "figure_checks": "*check_id figure_id expression description source",
    "sources": "*source_id url title gives read",
    "readings": "*reading_id *alternative_id chosen question alternative evidence source chosen_to_match",
    "reading_changes": "*reading_id *alternative_id *action *table *key *column value",
}


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference: tuple[str, ...]


@dataclass
class Resource:
    name: str
    path: str
    fields: list[FieldSpec]
    primary_key: list[str]
    foreign_keys: list[ForeignKey]
    raw: dict

    @property
    def file(self) -> str:
        return f"data/{self.path}"

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)


class _Collector(FileProblems):
    """The descriptor's problems, each said of the part it is in ('resource 'studies' field 'design'')."""

    def __call__(self, where: str, message: str, fix: str | None = None) -> None:
        self.problem(None, None, f"{where}: {message}", fix)


def _unknown(item: dict, known: set[str], where: str, report: _Collector, what: str = "property") -> None:
    for key in sorted(set(item) - known):
        report(where, f"{what} {key!r} is not supported by this package's loader", "remove it")


def _unsupported(descriptor: dict, report: _Collector) -> None:
    _unknown(descriptor, PACKAGE_KEYS, "the package", report)
    if descriptor.get("profile", "data-package") not in ("data-package", "tabular-data-package"):
        report("the package", f"profile {descriptor['profile']!r} is not supported (only 'tabular-data-package')")
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return report("the package", "needs a non-empty list 'resources'")
    for index, raw in enumerate(resources):
        where = standard.label("", "resources", index, raw if isinstance(raw, dict) else {})
        if not isinstance(raw, dict):
            report(where, "must be a JSON object")
            continue
        if not isinstance(raw.get("name"), str) or not RESOURCE_NAME.fullmatch(raw["name"]):
            report(where, f"name {raw.get('name')!r} must be lower-case letters, digits, '_' and '-' only")
        _unknown(raw, RESOURCE_KEYS, where, report)
        for key, value in VALUES.items():
            if key in raw and str(raw[key]).lower() != value:
                report(where, f"{key} {raw[key]!r} is not supported (only {value!r})")
        dialect = raw.get("dialect", {})
        if not isinstance(dialect, dict):
            report(where, "'dialect' must be a JSON object", DIALECT_FIX)
        for key, value in dialect.items() if isinstance(dialect, dict) else []:
            if value not in DIALECT.get(key, []):
                report(where, f"CSV dialect {key}={value!r} is not supported", DIALECT_FIX)
        if not isinstance(raw.get("path"), str) or not raw["path"]:
            report(where, "needs a 'path': the name of its CSV file in data/")
        schema = raw.get("schema")
        if not isinstance(schema, dict):
            report(where, "needs a 'schema' written as a JSON object in datapackage.json")
            continue
        _unknown(schema, SCHEMA_KEYS, where, report, "schema property")
        fields, links = schema.get("fields"), schema.get("foreignKeys", [])
        if not isinstance(fields, list) or not fields or not all(isinstance(f, dict) for f in fields):
            report(where, "schema 'fields' must be a non-empty list of field objects")
            continue
        if not isinstance(links, list) or not all(
            isinstance(k, dict) and isinstance(k.get("reference"), dict) for k in links
        ):
            report(where, "'foreignKeys' must be a list of objects, each with 'fields' and a 'reference' object")
        for number, field in enumerate(fields):
            _unsupported_field(field, standard.label(where, "fields", number, field), report)


def _unsupported_field(raw: dict, where: str, report: _Collector) -> None:
    if not isinstance(raw.get("name"), str) or not FIELD_NAME.fullmatch(raw["name"]):
        report(where, f"field name {raw.get('name')!r} must be lower-case letters, digits and underscores")
    _unknown(raw, FIELD_KEYS, where, report)
    kind = raw.get("type")
    if kind not in TYPES:
        return report(where, f"type {kind!r} is not supported (supported: {', '.join(TYPES)})")
    if raw.get("format", "default") != "default":
        report(where, f"format {raw['format']!r} is not supported (only 'default')")
    if kind != "boolean" and {"trueValues", "falseValues"} & set(raw):
        report(where, "'trueValues' and 'falseValues' belong to a boolean field only")
    constraints = raw.get("constraints", {})
    for key in sorted(set(constraints) - CONSTRAINTS[kind]) if isinstance(constraints, dict) else []:
        supported = ", ".join(sorted(CONSTRAINTS[kind]))
        report(where, f"constraint {key!r} is not supported for a {kind} field (supported: {supported})")


def _own_rules(descriptor: dict, resources: dict[str, Resource], report: _Collector) -> None:
    if descriptor.get("bibliography", BIBLIOGRAPHY) != BIBLIOGRAPHY:
        why = f"bibliography {descriptor['bibliography']!r} must be {BIBLIOGRAPHY!r}, the file the book reads"
        report("the package", why)
    for key in ("licenses", "sources", "contributors"):
        for item in descriptor.get(key, []):
            if "path" in item and not cells.WEB_ADDRESS.fullmatch(item["path"]):
                report("the package", f"{key} path {item['path']!r} must be a web address (https://…)")
    paths: dict[str, str] = {}
    for resource in resources.values():
        where = f"resource {resource.name!r}"
        for key in ("title", "description"):
            if not isinstance(resource.raw.get(key), str) or not resource.raw[key].strip():
                report(where, f"needs a {key} (the data dictionary shows it)")
        if not FILE_NAME.fullmatch(resource.path):  # Frictionless has refused absolute paths and '..'
            why = f"path {resource.path!r} must be the name of a .csv file in data/"
            report(where, f"{why}, of lower-case letters, digits, '_' and '-'")
        elif resource.path in paths:
            report(where, f"path {resource.path!r} is used by another resource ({paths[resource.path]!r})")
        paths.setdefault(resource.path, resource.name)
        names = {spec.name: spec for spec in resource.fields}
        for spec in resource.fields:
            source = names.get(spec.provenance)
            if spec.provenance not in NON_SOURCE_PROVENANCE and (source in (None, spec) or source.provenance != "self"):
                report(f"{where} field {spec.name!r}", f"provenance {spec.provenance!r} must be {PROVENANCES}")
        for fk in resource.foreign_keys:
            target = resources.get(fk.resource)
            if target is None:
                report(where, f"foreign key points to resource {fk.resource!r}, which datapackage.json does not list")
                continue
            for key in sorted(set(fk.reference) - {f.name for f in target.fields}):
                report(where, f"foreign key points to field {key!r}, which resource {target.name!r} does not have")
    for name, expected in CONTRACT.items():
        if name not in resources:
            report(f"resource {name!r}", "is missing: the book needs it")
            continue
        have = {spec.name: spec.type for spec in resources[name].fields}
        primary = [item[1:].partition(":")[0] for item in expected.split() if item.startswith("*")]
        if primary and resources[name].primary_key != primary:
            report(f"resource {name!r}", f"needs 'primaryKey': {json.dumps(primary)} (the book names its rows by it)")
        for item in expected.split():
            field_name, _, kind = item.lstrip("*").partition(":")
            if field_name not in have:
                report(f"resource {name!r}", f"needs a field {field_name!r} (the book reads it)")
            elif have[field_name] != (kind := kind or "string"):
                report(f"resource {name!r} field {field_name!r}", f"must have type {kind!r}, not {have[field_name]!r}")


PROVENANCES = "'key', 'editorial', 'self' or the name of the source field that covers it"


def _resource(raw: dict, schema: Schema, report: _Collector) -> Resource:
    """The resource, its fields read by Frictionless's fields behind this project's checks (see fields.py)."""
    keys = {key for fk in schema.foreign_keys for key in fk["fields"]} | set(schema.primary_key)
    specs = []
    for field_raw, field in zip(raw["schema"]["fields"], schema.fields):
        where = f"resource {raw['name']!r} field {field.name!r}"
        if not isinstance(field_raw.get("provenance"), str) or not field_raw["provenance"]:
            report(where, f"needs a 'provenance': {PROVENANCES}")
            continue
        if problem := field_problem(field):
            report(where, problem)
            continue
        try:
            specs.append(FieldSpec(field_raw, field, schema.missing_values, field.name in keys))
        except re2.error:
            pattern = field_raw["constraints"]["pattern"]
            report(where, f"pattern {pattern!r} is not a valid regular expression", PATTERN_FIX)
    foreign = [
        ForeignKey(tuple(fk["fields"]), fk["reference"]["resource"] or raw["name"], tuple(fk["reference"]["fields"]))
        for fk in schema.foreign_keys
    ]
    return Resource(raw["name"], raw["path"], specs, list(schema.primary_key), foreign, raw)


PATTERN_FIX = "Table Schema patterns have no back-references or look-arounds"
# How to mend the standard's errors whose remedy is obvious, by how Frictionless's note ends.
STANDARD_FIXES = {
    "is not safe": "a path is the name of a CSV file in data/, such as studies.csv",
    'to be "tabular-data-resource"': 'give each resource "profile": "tabular-data-resource"',
}


def parse(descriptor: dict, data: Path) -> tuple[dict[str, Resource], list[Problem]]:
    """The resources of a descriptor, checked against what the loader implements, the standard and the code's needs."""
    resources, problems = _parse(json.dumps(descriptor))
    report = _Collector(DESCRIPTOR, problems=list(problems))
    for resource in resources.values() if not problems else []:
        if not (data / resource.path).resolve().is_relative_to(data.resolve()):
            report(f"resource {resource.name!r}", f"path {resource.path!r} leads outside data/ (through a link)")
    return resources, report.problems


@lru_cache(maxsize=4)  # a process that reads the data again (a notebook, the fuzz test) checks one descriptor once
def _parse(text: str) -> tuple[dict[str, Resource], tuple[Problem, ...]]:
    """Everything :func:`parse` checks but what the file system says (shared resources: read them, never change them)."""
    descriptor = json.loads(text)
    report = _Collector(DESCRIPTOR)
    _unsupported(descriptor, report)
    if report.problems:
        return {}, tuple(report.problems)
    schemas, errors = standard.check(descriptor)
    for where, note in errors:
        report(where, note, next((fix for end, fix in STANDARD_FIXES.items() if note.endswith(end)), None))
    if report.problems:
        return {}, tuple(report.problems)
    resources = {raw["name"]: _resource(raw, schemas[raw["name"]], report) for raw in descriptor["resources"]}
    if not report.problems:  # a field that could not be read would make every rule about it look broken
        _own_rules(descriptor, resources, report)
    return resources, tuple(report.problems)
