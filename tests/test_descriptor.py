"""The descriptor drives the loader: its types, constraints and missing values are applied, and whatever
it asks for that the loader does not implement is one clear error naming the resource and field."""

from __future__ import annotations

import pandas as pd
import pytest

from peerwork_review.model.review import load
from tests.minimal import TEST, edit_descriptor, edit_rows, field, minimal_copy, problems, resource


@pytest.fixture
def minimal(tmp_path):
    return minimal_copy(tmp_path / "minimal")


def _delete(key):
    return lambda d: resource(d, "themes").pop(key)


def _set_field(resource_name, field_name, **values):
    return lambda d: field(d, resource_name, field_name).update(values)


def _constraint(resource_name, field_name, **values):
    return lambda d: field(d, resource_name, field_name).setdefault("constraints", {}).update(values)


def _foreign_key_to(column):
    def change(d):
        resource(d, "study_countries")["schema"]["foreignKeys"][0]["reference"]["fields"] = [column]

    return change


BROKEN = {
    "no resources": (lambda d: d.pop("resources"), "the package: needs a non-empty list 'resources'"),
    "a resource without a schema": (_delete("schema"), "resource 'themes': needs a 'schema' written as a JSON object"),
    "a schema kept in another file": (
        lambda d: resource(d, "themes").update(schema="themes.schema.json"),
        "resource 'themes': needs a 'schema' written as a JSON object",
    ),
    "a resource without a path": (_delete("path"), "resource 'themes': needs a 'path'"),
    "fields as an object": (
        lambda d: resource(d, "themes")["schema"].update(fields={"theme_id": {"type": "string"}}),
        "resource 'themes': schema 'fields' must be a non-empty list of field objects",
    ),
    "a foreign key naming a missing column": (
        _foreign_key_to("study"),
        "foreign key points to field 'study', which resource 'studies' does not have",
    ),
    "a resource name with markup": (
        lambda d: resource(d, "themes").update(name="themes\n<script>alert(1)</script>"),
        "must be lower-case letters, digits, '_' and '-' only",
    ),
    "an absolute path": (
        lambda d: resource(d, "themes").update(path="/etc/passwd"),
        'path "/etc/passwd" is not safe; a path is the name of a CSV file in data/',
    ),
    "a path out of data/": (
        lambda d: resource(d, "themes").update(path="../themes.csv"),
        'path "../themes.csv" is not safe',
    ),
    "a path with markup": (
        lambda d: resource(d, "themes").update(path="themes`<b>.csv"),
        "path 'themes`<b>.csv' must be the name of a .csv file in data/, of lower-case letters, digits, '_' and '-'",
    ),
    "a web address as path": (
        lambda d: resource(d, "themes").update(path="https://example.org/themes.csv"),
        "path 'https://example.org/themes.csv' must be the name of a .csv file in data/",
    ),
    "an unsupported type": (
        _set_field("studies", "sample_size", type="datetime"),
        "resource 'studies' field 'sample_size': type 'datetime' is not supported",
    ),
    "an unsupported format": (
        _set_field("studies", "setting", format="email"),
        "resource 'studies' field 'setting': format 'email' is not supported",
    ),
    "an unsupported constraint": (
        _constraint("studies", "sample_size", exclusiveMinimum=0),
        "resource 'studies' field 'sample_size': constraint 'exclusiveMinimum' is not supported",
    ),
    "a constraint of another type": (
        _constraint("studies", "sample_size", pattern="^[0-9]+$"),
        "constraint 'pattern' is not supported for a integer field",
    ),
    "an unsupported field property": (
        _set_field("studies", "sample_size", bareNumber=False),
        "resource 'studies' field 'sample_size': property 'bareNumber' is not supported",
    ),
    "an invalid pattern": (_constraint("studies", "study_id", pattern="[a-z"), "is not a valid regular expression"),
    "an enum that is not a list": (
        _constraint("studies", "design", enum="qualitative"),
        "field 'design': 'qualitative' is not of type 'array' at property 'constraints/enum'",
    ),
    "a field the book reads, retyped": (
        _set_field("search_runs", "date_end", type="string"),
        "resource 'search_runs' field 'date_end': must have type 'yearmonth', not 'string'",
    ),
    "a field without provenance": (lambda d: field(d, "studies", "setting").pop("provenance"), "needs a 'provenance'"),
    "a dialect kept in another file": (
        lambda d: resource(d, "themes").update(dialect="dialect.json"),
        "resource 'themes': 'dialect' must be a JSON object",
    ),
    "a negative length": (
        _constraint("studies", "design", maxLength=-1),
        "'minLength' and 'maxLength' must be whole numbers of at least 0",
    ),
    "an enum of numbers": (_constraint("studies", "design", enum=[1, 2]), "'enum' must be a list of text values"),
    "a bound written as text": (
        _constraint("studies", "sample_size", minimum="0"),
        "field 'sample_size': 'minimum' and 'maximum' must be written as integer values",
    ),
    "a resource that is not tabular": (
        lambda d: resource(d, "themes").pop("profile"),
        'requires all the resources to be "tabular-data-resource"; give each resource "profile"',
    ),
    "another CSV dialect": (
        lambda d: resource(d, "themes")["dialect"].update(delimiter=";"),
        "CSV dialect delimiter=';' is not supported",
    ),
    "a primary key the book names rows by, deleted": (
        lambda d: resource(d, "themes")["schema"].pop("primaryKey"),
        """resource 'themes': needs 'primaryKey': ["theme_id"] (the book names its rows by it)""",
    ),
    "a resource the book needs, deleted": (
        lambda d: d["resources"].remove(resource(d, "prisma_exclusion_reasons")),
        "resource 'prisma_exclusion_reasons': is missing: the book needs it",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_descriptor_is_one_error_naming_resource_and_field(minimal, name):
    change, expected = BROKEN[name]
    edit_descriptor(minimal, change)
    found = problems(minimal)
    assert any(expected in p for p in found), "\n".join(found)
    assert all(p.startswith("data/datapackage.json: ") for p in found), "\n".join(
        found
    )  # no follow-on errors from the files
    assert len(found) <= 2, "\n".join(found)


def test_a_link_out_of_data_is_refused(minimal, tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text((minimal / "data" / "themes.csv").read_text())
    (minimal / "data" / "linked.csv").symlink_to(outside)
    edit_descriptor(minimal, lambda d: resource(d, "themes").update(path="linked.csv"))
    assert problems(minimal) == [
        "data/linked.csv: is a link to a file outside the project: copy the file into the project instead"
    ]


def test_broken_json_names_its_line(minimal):
    path = minimal / "data" / "datapackage.json"
    path.write_text(path.read_text()[:200])
    [found] = problems(minimal)
    assert found.startswith("data/datapackage.json, line ") and "is not valid JSON" in found


# -- types and constraints come from the descriptor ---------------------------------

NEW_FIELDS = [
    {"name": "cost", "type": "number", "constraints": {"minimum": 0}, "provenance": "other_methods_source"},
    {"name": "peer_reviewed", "type": "boolean", "provenance": "other_methods_source"},
    {
        "name": "run_date",
        "type": "date",
        "constraints": {"minimum": "2000-01-01"},
        "provenance": "other_methods_source",
    },
    {"name": "first_year", "type": "year", "provenance": "other_methods_source"},
    {"name": "note", "type": "string", "constraints": {"maxLength": 10}, "provenance": "other_methods_source"},
]
GOOD = ["12.5", "true", "2020-06-30", "2000", "short"]


def _with_new_fields(root, values=None, row=2):
    edit_descriptor(root, lambda d: resource(d, "search_runs")["schema"]["fields"].extend(NEW_FIELDS))
    rows_values = {2: values or GOOD, 3: ["0", "false", "2022-03-31", "2020", ""]}
    edit_rows(
        root,
        "search_runs.csv",
        lambda rows: (
            [rows[0] + [f["name"] for f in NEW_FIELDS]] + [r + rows_values[i + 2] for i, r in enumerate(rows[1:])]
        ),
    )


def test_every_supported_type_is_read_as_the_descriptor_says(minimal):
    _with_new_fields(minimal)
    runs = load(minimal).runs.set_index("search_run_id")
    assert runs.loc["2020", "cost"] == 12.5 and str(runs["cost"].dtype) == "Float64"
    assert bool(runs.loc["2020", "peer_reviewed"]) is True and str(runs["peer_reviewed"].dtype) == "boolean"
    assert runs.loc["2020", "run_date"] == pd.Timestamp("2020-06-30").date()
    assert runs.loc["2020", "first_year"] == 2000 and str(runs["first_year"].dtype) == "Int64"


@pytest.mark.parametrize(
    "column, value, expected",
    [
        ("cost", "1,5", "'1,5' is not a number"),
        ("cost", "inf", "'inf' is not a number"),
        ("cost", "-1", "-1 is below the minimum of 0"),
        (
            "peer_reviewed",
            "maybe",
            "'maybe' is not a yes/no value; allowed: true, True, TRUE, 1, false, False, FALSE, 0",
        ),
        ("run_date", "2020-02-30", "'2020-02-30' is not a date written YYYY-MM-DD"),
        ("run_date", "1999-12-31", "1999-12-31 is below the minimum of 2000-01-01"),
        ("first_year", "20", "'20' is not a year written with four digits"),
        ("note", "far too long", "'far too long' is longer than 10 characters"),
    ],
)
def test_values_that_break_the_descriptors_rules(minimal, column, value, expected):
    values = list(GOOD)
    values[[f["name"] for f in NEW_FIELDS].index(column)] = value
    _with_new_fields(minimal, values)
    [found] = problems(minimal)
    assert found.startswith(f'data/search_runs.csv, row 2, column "{column}": {expected}'), found


def test_missing_values_come_from_the_descriptor(minimal):
    edit_descriptor(minimal, lambda d: resource(d, "search_runs")["schema"].update(missingValues=["", "NA"]))
    edit_rows(minimal, "search_runs.csv", lambda rows: [rows[0]] + [r[:6] + ["NA", TEST, ""] for r in rows[1:]])
    # 'NA' is now an empty value, so its source must say why it is unknown
    assert problems(minimal) == [
        f'data/search_runs.csv, row {row}, column "other_methods": is empty, so other_methods_source must say why '
        "('not found: …' or 'not reported: …')"
        for row in (2, 3)
    ]
