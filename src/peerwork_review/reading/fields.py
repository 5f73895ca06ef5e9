"""Fields of the Table Schema subset this package implements: their types, constraints and missing values.

A :class:`FieldSpec` is built from one field of ``data/datapackage.json`` and reads each
cell of its column: missing values, then what is wrong with any cell (invisible
characters, stray spaces, placeholders for unknown values, dates a spreadsheet made),
then the type, then the constraints. A field property, type, format or constraint this
module does not implement is reported by :func:`parse_field`, never ignored.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from typing import cast

import re2

from peerwork_review.reading import cells

FIELD_NAME = re.compile(r"^[a-z0-9_]+$")

TYPES = ("string", "integer", "number", "boolean", "date", "year", "yearmonth")
_COMMON = {"required", "unique"}
_ORDERED = _COMMON | {"minimum", "maximum"}
CONSTRAINTS = {
    "string": _COMMON | {"enum", "minLength", "maxLength", "pattern"},
    "integer": _ORDERED,
    "number": _ORDERED,
    "boolean": _COMMON,
    "date": _ORDERED,
    "year": _ORDERED,
    "yearmonth": _ORDERED,
}
FIELD_KEYS = {
    "name",
    "type",
    "format",
    "title",
    "description",
    "example",
    "constraints",
    "provenance",
    "rdfType",
    "trueValues",
    "falseValues",
}

# Patterns run on RE2, whose time grows with the cell's length only: Python's backtracking
# engine can take minutes on one cell for a pattern such as ^(a|aa)+$.
_QUIET = re2.Options()
_QUIET.log_errors = False  # a bad pattern is reported as a problem, not on stderr

# Larger numbers count nothing in a review, and pandas' integer columns cannot hold 2**63.
INTEGER_LIMIT = 10**15

# What a pattern asks for, in words, for the patterns the package uses.
PATTERN_HINTS = {
    "^[a-z0-9]+(-[a-z0-9]+)*$": "use lower-case letters and digits, with single hyphens between parts (e.g. smith2026)",
    "^[a-z0-9_]+$": "use lower-case letters, digits and underscores",
    "^[0-9A-Za-z]+(-[0-9A-Za-z]+)*$": "use letters and digits, with single hyphens between parts (e.g. 2026-05)",
}


FORMULA_FIX = "write it without the leading '='"


class CellError(Exception):
    def __init__(self, message: str, fix: str | None = None, spreadsheet_date: bool = False, pattern: bool = False):
        super().__init__(message)
        self.message, self.fix, self.spreadsheet_date, self.pattern = message, fix, spreadsheet_date, pattern


_INTEGER = re.compile(r"^-?[0-9]+$")
_NUMBER = re.compile(r"^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")
_YEAR = re.compile(r"^[0-9]{4}$")
_YEARMONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _cast(kind: str, text: str, spec: FieldSpec) -> object:
    """The typed value of ``text``; raises CellError."""
    if kind == "string":
        return text
    if kind == "integer":
        if not _INTEGER.fullmatch(text):
            raise CellError(
                f"{text!r} is not a whole number", "write digits only, without spaces, separators or decimals"
            )
        if len(text.lstrip("-")) > 15 or abs(int(text)) >= INTEGER_LIMIT:
            raise CellError(f"{text} is too large for this column (the limit is {INTEGER_LIMIT:.0e})")
        return int(text)
    if kind == "number":
        if not _NUMBER.fullmatch(text) or not math.isfinite(float(text)):
            raise CellError(f"{text!r} is not a number", "write digits with a decimal point, without separators")
        if abs(float(text)) >= INTEGER_LIMIT:
            raise CellError(f"{text} is too large for this column (the limit is {INTEGER_LIMIT:.0e})")
        return float(text)
    if kind == "boolean":
        if text in spec.true_values:
            return True
        if text in spec.false_values:
            return False
        raise CellError(
            f"{text!r} is not a yes/no value", cells.allowed_values([*spec.true_values, *spec.false_values])
        )
    if kind == "year":
        if not _YEAR.fullmatch(text):
            raise CellError(f"{text!r} is not a year written with four digits")
        return int(text)
    if kind == "yearmonth":
        if not _YEARMONTH.fullmatch(text):
            raise CellError(f"{text!r} is not a year and month written YYYY-MM")
        return text  # kept as 'YYYY-MM' text, the form the notebooks print
    if kind == "date":
        try:
            if not _DATE.fullmatch(text):
                raise ValueError
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise CellError(f"{text!r} is not a date written YYYY-MM-DD") from None
    raise AssertionError(kind)  # parse() admits only TYPES


@dataclass
class FieldSpec:
    name: str
    type: str
    constraints: dict
    provenance: str
    missing_values: frozenset
    true_values: tuple = ("true", "True", "TRUE", "1")
    false_values: tuple = ("false", "False", "FALSE", "0")
    pattern: re2._Regexp | None = None
    bounds: tuple = (None, None)  # typed minimum and maximum
    date_sensitive: bool = False  # an id, code or number: a date here is a spreadsheet's doing
    is_plain: bool = False  # set with date_sensitive, once the foreign keys are known

    def __post_init__(self):
        # looked up once: read() runs for every cell
        self.required = bool(self.constraints.get("required"))
        enum = self.constraints.get("enum")
        self.enum = frozenset(enum) if isinstance(enum, list) and all(isinstance(v, str) for v in enum) else None
        self.lengths = (self.constraints.get("minLength", 0), self.constraints.get("maxLength", math.inf))

    @property
    def plain(self) -> bool:
        """Free text: nothing to check beyond what every cell is checked for."""
        return (
            self.type == "string"
            and self.enum is None
            and self.pattern is None
            and not self.date_sensitive
            and self.lengths == (0, math.inf)
        )

    def read(self, text: str) -> object:
        """The typed value of one cell (None when missing); raises CellError."""
        if text in self.missing_values:
            if self.required:
                raise CellError("a value is required")
            return None
        hidden = cells.invisible_character(text)
        if hidden:
            raise CellError(f"{text!r} contains an invisible or direction-changing character ({hidden})", "delete it")
        if text[:1].isspace() or text[-1:].isspace():
            raise CellError(f"{text!r} has leading or trailing spaces", "delete them")
        if text.startswith("="):
            raise CellError(f"{text[:60]!r} starts with '=', so a spreadsheet would run it as a formula", FORMULA_FIX)
        if cells.is_placeholder(text) and not (self.enum and text in self.enum):
            raise CellError(f"{text!r} stands for a missing value", cells.PLACEHOLDER_FIX)
        if self.is_plain:
            return text
        if self.date_sensitive and cells.looks_like_spreadsheet_date(text, self.type):
            raise CellError(text, spreadsheet_date=True)
        value = text if self.type == "string" else _cast(self.type, text, self)
        if self.enum is not None and value not in self.enum:
            raise CellError(f"{text!r} is not an allowed value", cells.suggestion(text, self.constraints["enum"]))
        low, high = self.bounds
        if low is not None and value < low:
            raise CellError(f"{text} is below the minimum of {self.constraints['minimum']}")
        if high is not None and value > high:
            raise CellError(f"{text} is above the maximum of {self.constraints['maximum']}")
        if not self.lengths[0] <= len(text) <= self.lengths[1]:
            shorter = len(text) < self.lengths[0]
            raise CellError(
                f"{text!r} is {'shorter' if shorter else 'longer'} than "
                f"{self.lengths[0] if shorter else self.lengths[1]} characters"
            )
        if self.pattern is not None and not self.pattern.fullmatch(text.encode("utf-8")):
            pattern = self.constraints["pattern"]
            raise CellError(f"{text!r} does not match the pattern {pattern}", PATTERN_HINTS.get(pattern), pattern=True)
        return value


def _typed_bound(kind: str, value, spec: FieldSpec):
    if kind in ("integer", "number", "year") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if kind in ("date", "yearmonth") and isinstance(value, str):
        return _cast(kind, value, spec)
    raise CellError("bad bound")


def parse_field(raw, where: str, missing: frozenset, report) -> FieldSpec | None:
    if not isinstance(raw, dict):
        report(where, "each field must be a JSON object")
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not FIELD_NAME.fullmatch(name):
        report(where, f"field name {name!r} must be lower-case letters, digits and underscores")
        return None
    where = f"{where} field {name!r}"
    ok = True
    for key in sorted(set(raw) - FIELD_KEYS):
        report(where, f"property {key!r} is not supported by this package's loader", "remove it")
        ok = False
    kind = raw.get("type")
    if kind not in TYPES:
        report(where, f"type {kind!r} is not supported (supported: {', '.join(TYPES)})")
        return None
    if raw.get("format", "default") != "default":
        report(where, f"format {raw['format']!r} is not supported (only 'default')")
        ok = False
    provenance = raw.get("provenance")
    if not isinstance(provenance, str) or not provenance:
        report(where, "needs a 'provenance': 'key', 'editorial', 'self' or the name of its source field")
        ok = False
    constraints = raw.get("constraints", {})
    if not isinstance(constraints, dict):
        report(where, "'constraints' must be a JSON object")
        return None
    # Checked above: with a bad provenance ok is False and the spec, built only to check
    # the rest, is dropped.
    spec = FieldSpec(name, kind, constraints, cast(str, provenance), missing)
    for key in sorted(set(constraints) - CONSTRAINTS[kind]):
        report(
            where,
            f"constraint {key!r} is not supported for a {kind} field "
            f"(supported: {', '.join(sorted(CONSTRAINTS[kind]))})",
        )
        ok = False
    for key in ("required", "unique"):
        if key in constraints and not isinstance(constraints[key], bool):
            report(where, f"constraint {key!r} must be true or false")
            ok = False
    if "enum" in constraints:
        enum = constraints["enum"]
        if not (isinstance(enum, list) and enum and all(isinstance(v, str) and v for v in enum)):
            report(where, "'enum' must be a list of text values")
            ok = False
    for key in ("minLength", "maxLength"):
        value = constraints.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            report(where, f"{key!r} must be a whole number of at least 0")
            ok = False
    if "pattern" in constraints:
        try:
            if not isinstance(constraints["pattern"], str):
                raise TypeError
            # matched as UTF-8 bytes: the same matches, at a third of the wrapper's cost for text
            spec.pattern = re2.compile(constraints["pattern"].encode("utf-8"), _QUIET)
        except (re2.error, TypeError):
            report(
                where,
                f"pattern {constraints['pattern']!r} is not a valid regular expression",
                "Table Schema patterns have no back-references or look-arounds",
            )
            ok = False
    if "minimum" in CONSTRAINTS[kind]:
        try:
            spec.bounds = tuple(
                _typed_bound(kind, constraints[k], spec) if k in constraints else None for k in ("minimum", "maximum")
            )
        except CellError:
            report(where, f"'minimum' and 'maximum' must be written as {kind} values")
            ok = False
    for key in ("trueValues", "falseValues"):
        if key in raw:
            values = raw[key]
            if kind != "boolean" or not (
                isinstance(values, list) and values and all(isinstance(v, str) for v in values)
            ):
                report(where, f"{key!r} must be a list of text values, on a boolean field only")
                ok = False
            else:
                setattr(spec, "true_values" if key == "trueValues" else "false_values", tuple(values))
    return spec if ok else None
