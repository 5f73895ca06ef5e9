"""What the Data Package standard says of ``datapackage.json``, checked by Frictionless.

Frictionless validates the descriptor against the Data Package, Tabular Data Resource and
Table Schema profiles and builds the Table Schema fields whose cell readers type and
constrain every cell (:mod:`.fields`). Its errors name the property they are about
("at property 'constraints/enum'") but not the resource or field it belongs to; this module
finds that part by validating each one alone, descending as Frictionless's own validation does.

Only on a descriptor that :mod:`.descriptor` has found to ask for nothing this loader does not
implement: Frictionless would read or fetch a profile or schema it names, and stops at a field
type it does not know.
"""

from __future__ import annotations

import copy
from collections import Counter

from frictionless import FrictionlessException, Package, Schema


def label(where: str, name: str, index: int, item: dict) -> str:
    """Where a part of the descriptor is, as this project's messages say it ('resource 'studies' field 'design'')."""
    if name == "resources":
        return f"resource {item['name']!r}" if isinstance(item.get("name"), str) else f"resource {index + 1}"
    if name == "fields":
        return f"{where} field {item['name']!r}" if isinstance(item.get("name"), str) else f"{where} field {index + 1}"
    return where  # a resource's schema and dialect are its own


def _located(cls, node: dict, where: str) -> list[tuple[str, str]]:
    """(where, note) for every error Frictionless finds in ``node``, each placed in the innermost part that has it."""
    notes = Counter(error.note for error in cls.metadata_validate(node))
    found: list[tuple[str, str]] = []
    for name in cls.metadata_ensure_profile().get("properties", {}):
        part, value = cls.metadata_select_property_class(name), node.get(name)
        items = enumerate(value) if isinstance(value, list) else [(0, value)]
        for index, item in items if part else []:
            if isinstance(item, dict):
                inner = _located(part.metadata_select_class(item.get("type")), item, label(where, name, index, item))
                notes -= Counter(note for _, note in inner)
                found += inner
    return found + [(where, note) for note in notes.elements()]


def check(descriptor: dict) -> tuple[dict[str, Schema], list[tuple[str, str]]]:
    """Frictionless's Table Schema of each resource, by name, and (where, note) for each error the standard finds."""
    # The steps of Package.from_descriptor, without building the resources and CSV dialects this
    # loader does not read through: v1 forms ("primaryKey": "id") made lists, the profiles, the schemas.
    descriptor = copy.deepcopy(descriptor)
    Package.metadata_transform(descriptor)
    try:
        if any(True for _ in Package.metadata_validate(descriptor)):
            return {}, _located(Package, descriptor, "the package")
        schemas = {raw["name"]: Schema.metadata_import(raw["schema"]) for raw in descriptor["resources"]}
    except FrictionlessException as exc:
        return {}, [("the package", exc.error.note)]
    for field in (field for schema in schemas.values() for field in schema.fields):
        field.constraints.pop("pattern", None)  # matched on RE2 (see fields.py)
        if field.type == "number":
            field.float_number = True  # a float, as pandas keeps it, not a Decimal
    return schemas, []
