"""``data/datapackage.json``: read, checked against what the loader implements and what the code reads.

Resource names are safe to print in a page, every file lives inside ``data/`` (no
absolute path, no ``..``, no link out), every foreign key names fields that exist, and
the resources and fields the package's code reads (:data:`CONTRACT`) are declared
with the types it expects. The checks of each field are :func:`schema.parse_field`'s.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from peerwork_review.domain.provenance import NON_SOURCE_PROVENANCE
from peerwork_review.errors import Problem
from peerwork_review.reading import cells
from peerwork_review.reading.descriptor_json import DESCRIPTOR
from peerwork_review.reading.fields import FieldSpec, parse_field

RESOURCE_NAME = re.compile(r"^[a-z0-9_-]+$")
FILE_NAME = re.compile(r"^[a-z0-9_-]+\.csv$")

PACKAGE_KEYS = {
    "$schema",
    "profile",
    "name",
    "id",
    "title",
    "description",
    "version",
    "created",
    "keywords",
    "licenses",
    "sources",
    "contributors",
    "bibliography",
    "resources",
}
BIBLIOGRAPHY = "../references.bib"  # the one bibliography the book reads
SCHEMA_KEYS = {"fields", "primaryKey", "foreignKeys", "missingValues"}
RESOURCE_KEYS = {
    "name",
    "path",
    "profile",
    "title",
    "description",
    "format",
    "mediatype",
    "encoding",
    "dialect",
    "schema",
    "sources",
    "licenses",
}
RESOURCE_VALUES = {"profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8"}
DIALECT = {
    "delimiter": ",",
    "quoteChar": '"',
    "header": True,
    "doubleQuote": True,
    "skipInitialSpace": False,
    "lineTerminator": None,
}

# The resources and fields the package's code reads, with their types (string unless given).
CONTRACT = {
    "search_runs": "search_run_id label date_start:yearmonth date_end:yearmonth date_start_source date_end_source "
    "other_methods other_methods_source released:date",
    "search_databases": "search_run_id database database_source records:integer records_source",
    "prisma_flow": "search_run_id column stage count:integer figure_id source",
    "prisma_exclusion_reasons": "search_run_id column reason count:integer source",
    "search_records": "search_run_id record_id origin doi pmid title year:integer first_author journal record_source "
    "duplicate_of duplicate_rule removed screening retrieved full_text exclusion_reason report_id decision_source",
    "studies": "study_id first_search_run_id design design_source methods methods_source setting setting_source "
    "sample_size:integer sample_size_source participants participants_source data_analysis "
    "data_analysis_source lived_experience_coauthorship lived_experience_coauthorship_source "
    "key_findings key_findings_source",
    "study_countries": "study_id country source",
    "quality_appraisal": "study_id mmat_rating mmat_rating_source",
    "article_references": "ref_number:integer bib_key source note note_source",
    "reports": "report_id study_id role first_search_run_id article_ref_number:integer source",
    "themes": "theme_id kind parent_theme_id position:integer name name_source placement_source description "
    "description_source",
    "findings": "finding_id search_run_id theme_id position:integer statement locator",
    "finding_reports": "finding_id report_id",
    "withdrawals": "study_id search_run_id reason source",
    "corrections": "search_run_id table key column value_before source_before reason",
    "published_figures": "figure_id search_run_id topic description value_type value:integer value_text section quote note",
    "figure_checks": "check_id figure_id expression description source",
    "sources": "source_id url title gives read",
    "readings": "reading_id alternative_id chosen question alternative evidence source chosen_to_match",
    "reading_changes": "reading_id alternative_id action table key column value",
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
    title: str
    description: str
    fields: list[FieldSpec]
    primary_key: list[str]
    foreign_keys: list[ForeignKey]
    raw: dict

    @property
    def file(self) -> str:
        return f"data/{self.path}"

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)


# -- reading the descriptor ------------------------------------------------------------


def _names(value) -> list[str] | None:
    """A field list as Table Schema allows it (one name or a list of names); None if malformed."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _path_problem(path, data: Path) -> str | None:
    if not isinstance(path, str) or not path:
        return "needs a 'path': the name of its CSV file in data/"
    if "://" in path or "\\" in path or path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return f"path {path!r} must be a file name relative to data/"
    if ".." in PurePosixPath(path).parts:
        return f"path {path!r} must not contain '..': every file lives in data/"
    if not FILE_NAME.fullmatch(path):  # the data dictionary writes it into a download link
        return f"path {path!r} must be a .csv file name of lower-case letters, digits, '_' and '-'"
    if not (data / path).resolve().is_relative_to(data.resolve()):
        return f"path {path!r} leads outside data/ (through a link)"
    return None


class _Collector:
    def __init__(self):
        self.problems: list[Problem] = []

    def __call__(self, where: str, message: str, fix: str | None = None) -> None:
        self.problems.append(Problem(DESCRIPTOR, None, None, f"{where}: {message}", fix))


def _parse_resource(raw, index: int, data: Path, report: _Collector) -> Resource | None:
    if not isinstance(raw, dict):
        report(f"resource {index + 1}", "must be a JSON object")
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not RESOURCE_NAME.fullmatch(name):
        report(f"resource {index + 1}", f"name {name!r} must be lower-case letters, digits, '_' and '-' only")
        return None
    where = f"resource {name!r}"
    count = len(report.problems)
    for key in sorted(set(raw) - RESOURCE_KEYS):
        report(where, f"property {key!r} is not supported by this package's loader", "remove it")
    for key, value in RESOURCE_VALUES.items():
        if key in raw and str(raw[key]).lower() != value:
            report(where, f"{key} {raw[key]!r} is not supported (only {value!r})")
    for key in ("title", "description"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            report(where, f"needs a {key} (the data dictionary shows it)")
    dialect = raw.get("dialect", {})
    if not isinstance(dialect, dict):
        report(where, "'dialect' must be a JSON object")
    else:
        for key, value in dialect.items():
            if (
                key not in DIALECT
                or (DIALECT[key] is not None and value != DIALECT[key])
                or (key == "lineTerminator" and value not in ("\n", "\r\n"))
            ):
                report(
                    where,
                    f"CSV dialect {key}={value!r} is not supported (files are comma-separated UTF-8 "
                    "with a header row and double quotes)",
                )
    problem = _path_problem(raw.get("path"), data)
    if problem:
        report(where, problem)
    schema = raw.get("schema")
    if not isinstance(schema, dict):
        report(where, "needs a 'schema' written as a JSON object in datapackage.json")
        return None
    for key in sorted(set(schema) - SCHEMA_KEYS):
        report(where, f"schema property {key!r} is not supported by this package's loader", "remove it")
    missing = schema.get("missingValues", [""])
    if not (isinstance(missing, list) and all(isinstance(v, str) for v in missing)):
        report(where, "'missingValues' must be a list of text values")
        missing = [""]
    fields_raw = schema.get("fields")
    if not isinstance(fields_raw, list) or not fields_raw:
        report(where, "schema 'fields' must be a non-empty list of field objects")
        return None
    parsed = [parse_field(f, where, frozenset(missing), report) for f in fields_raw]
    fields = [f for f in parsed if f is not None]
    if len(fields) < len(parsed):
        return None
    names = [f.name for f in fields]
    for name_ in sorted({n for n in names if names.count(n) > 1}):
        report(where, f"field {name_!r} is listed twice")
    for spec in fields:
        if spec.provenance not in NON_SOURCE_PROVENANCE:
            target = next((f for f in fields if f.name == spec.provenance), None)
            if target is None or target.provenance != "self" or target is spec:
                report(
                    f"{where} field {spec.name!r}",
                    f"provenance {spec.provenance!r} must be 'key', 'editorial', "
                    "'self' or the name of the source field that covers it",
                )
    primary = _names(schema.get("primaryKey", []) or [])
    if primary is None and schema.get("primaryKey") not in (None, []):
        report(where, "'primaryKey' must be a field name or a list of field names")
    primary = primary or []
    for key in primary:
        if key not in names:
            report(where, f"primary key field {key!r} is not one of its fields")
    foreign = []
    fks = schema.get("foreignKeys", [])
    if not isinstance(fks, list):
        report(where, "'foreignKeys' must be a list")
        fks = []
    for fk in fks:
        reference = fk.get("reference") if isinstance(fk, dict) else None
        own = _names(fk.get("fields")) if isinstance(fk, dict) else None
        other = _names(reference.get("fields")) if isinstance(reference, dict) else None
        target = reference.get("resource") if isinstance(reference, dict) else None
        if own is None or other is None or not isinstance(target, str) or len(own) != len(other):
            report(
                where,
                f"foreign key {json.dumps(fk)[:120]} must have 'fields' and a 'reference' with "
                "'resource' and as many 'fields'",
            )
            continue
        for key in own:
            if key not in names:
                report(where, f"foreign key field {key!r} is not one of its fields")
        foreign.append(ForeignKey(tuple(own), target or name, tuple(other)))
    if len(report.problems) > count:
        return None
    return Resource(name, raw["path"], raw["title"], raw["description"], fields, primary, foreign, raw)


def _check_package(descriptor: dict, report: _Collector) -> None:
    """The package's own properties: known ones only; its links web addresses, its bibliography the book's."""
    for key in sorted(set(descriptor) - PACKAGE_KEYS):
        report("the package", f"property {key!r} is not supported by this package's loader", "remove it")
    if descriptor.get("bibliography", BIBLIOGRAPHY) != BIBLIOGRAPHY:
        report(
            "the package",
            f"bibliography {descriptor['bibliography']!r} must be {BIBLIOGRAPHY!r}, the file the book reads",
        )
    for key in ("licenses", "sources", "contributors"):
        items = descriptor.get(key, [])
        if not (isinstance(items, list) and all(isinstance(item, dict) for item in items)):
            report("the package", f"{key!r} must be a list of JSON objects")
            continue
        for item in items:
            if "path" in item and not (isinstance(item["path"], str) and cells.WEB_ADDRESS.fullmatch(item["path"])):
                report("the package", f"{key} path {item['path']!r} must be a web address (https://…)")


def parse(descriptor: dict, data: Path) -> tuple[dict[str, Resource], list[Problem]]:
    """The resources of a descriptor, checked against what the loader implements and the code needs."""
    report = _Collector()
    _check_package(descriptor, report)
    raw_resources = descriptor.get("resources")
    if not isinstance(raw_resources, list) or not raw_resources:
        report("the package", "needs a non-empty list 'resources'")
        return {}, report.problems
    resources: dict[str, Resource] = {}
    for index, raw in enumerate(raw_resources):
        resource = _parse_resource(raw, index, data, report)
        if resource is None:
            continue
        if resource.name in resources:
            report(f"resource {resource.name!r}", "is listed twice")
        elif any(r.path == resource.path for r in resources.values()):
            report(f"resource {resource.name!r}", f"path {resource.path!r} is used by another resource")
        else:
            resources[resource.name] = resource
    if report.problems:  # a resource that could not be read would make every link to it look broken
        return resources, report.problems
    for resource in resources.values():
        for fk in resource.foreign_keys:
            target = resources.get(fk.resource)
            if target is None:
                report(
                    f"resource {resource.name!r}",
                    f"foreign key points to resource {fk.resource!r}, which datapackage.json does not list",
                )
                continue
            for key in fk.reference:
                if key not in [f.name for f in target.fields]:
                    report(
                        f"resource {resource.name!r}",
                        f"foreign key points to field {key!r}, which resource {target.name!r} does not have",
                    )
    for name, expected in CONTRACT.items():
        if name not in resources:
            report(f"resource {name!r}", "is missing: the book needs it")
            continue
        have = {f.name: f.type for f in resources[name].fields}
        for item in expected.split():
            field_name, _, kind = item.partition(":")
            kind = kind or "string"
            if field_name not in have:
                report(f"resource {name!r}", f"needs a field {field_name!r} (the book reads it)")
            elif have[field_name] != kind:
                report(f"resource {name!r} field {field_name!r}", f"must have type {kind!r}, not {have[field_name]!r}")
    for resource in resources.values():
        linked = {key for fk in resource.foreign_keys for key in fk.fields} | set(resource.primary_key)
        for spec in resource.fields:
            spec.date_sensitive = (
                spec.type != "string"
                or spec.pattern is not None
                or "enum" in spec.constraints
                or spec.name in linked
                or spec.provenance == "key"
            )
            spec.is_plain = spec.plain
    return resources, report.problems
