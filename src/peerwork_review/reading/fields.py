"""One column's cells, typed and constrained by Frictionless's Table Schema field, behind this project's stricter checks.

A :class:`FieldSpec` reads each cell of its column in three steps:

1. our checks before any typing, where Frictionless is lax or a spreadsheet is to blame:
   invisible characters, stray spaces, formulas, placeholders for unknown values, dates a
   spreadsheet made, and each type's one written form (Frictionless's readers also take
   ``5_000``, Arabic-Indic digits, `` 5``, ``NaN`` and numbers of any size);
2. Frictionless's cell reader: missing values, ``required``, the type, and the constraints
   ``enum``, ``minimum``, ``maximum``, ``minLength`` and ``maxLength``;
3. ``pattern`` on RE2, whose time grows with the cell's length only (Frictionless compiles
   patterns with Python's backtracking engine, which can take minutes on one cell).

Every failure is one :class:`CellError` with this project's message and, where obvious, a hint.
"""

from __future__ import annotations

import re

import re2
from frictionless import Field
from frictionless.fields import BooleanField

from peerwork_review.reading import cells

TYPES = ("string", "integer", "number", "boolean", "date", "year", "yearmonth")

# Larger numbers count nothing in a review, and pandas' integer columns cannot hold 2**63.
INTEGER_LIMIT = 10**15
# Python's csv module refuses longer cells by default, but Frictionless lifts that limit for
# the whole process when it loads; a longer cell is most likely a quote left open.
CELL_LIMIT = 131_072
FORMULA_FIX = "write it without the leading '='"

# What to say of a cell that is not in its type's one written form, or that Frictionless cannot read as its type.
_NOT_A = {
    "integer": ("is not a whole number", "write digits only, without spaces, separators or decimals"),
    "number": ("is not a number", "write digits with a decimal point, without separators"),
    "year": ("is not a year written with four digits", None),
    "yearmonth": ("is not a year and month written YYYY-MM", None),
    "date": ("is not a date written YYYY-MM-DD", None),
    "boolean": ("is not a yes/no value", None),
}
_FORMS = {
    kind: re.compile(form)
    for kind, form in {
        "integer": r"-?[0-9]{1,15}",  # more digits are too large; Python's int() refuses 4,300 or more
        "number": r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?",
        "year": r"[0-9]{4}",
        "yearmonth": r"[0-9]{4}-(0[1-9]|1[0-2])",
        "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
    }.items()
}
_LONG_INTEGER = re.compile(r"-?[0-9]{16,}")
_TOO_LARGE = f"is too large for this column (the limit is {INTEGER_LIMIT:.0e})"

# What a pattern asks for, in words, for the patterns the package uses.
PATTERN_HINTS = {
    "^[a-z0-9]+(-[a-z0-9]+)*$": "use lower-case letters and digits, with single hyphens between parts (e.g. smith2026)",
    "^[a-z0-9_]+$": "use lower-case letters, digits and underscores",
    "^[0-9A-Za-z]+(-[0-9A-Za-z]+)*$": "use letters and digits, with single hyphens between parts (e.g. 2026-05)",
}
_QUIET = re2.Options()
_QUIET.log_errors = False  # a bad pattern is reported as a problem, not on stderr


def compile_pattern(pattern: str) -> re2._Regexp:
    """A Table Schema pattern on RE2, matched against UTF-8 bytes (a third of the wrapper's cost for text); raises re2.error."""
    return re2.compile(pattern.encode("utf-8"), _QUIET)


class CellError(Exception):
    def __init__(self, message: str, fix: str | None = None, spreadsheet_date: bool = False, pattern: bool = False):
        super().__init__(message)
        self.message, self.fix, self.spreadsheet_date, self.pattern = message, fix, spreadsheet_date, pattern


class FieldSpec:
    """One field of a resource: its name, type, constraints and provenance, and the reader of its cells.

    ``field`` is Frictionless's field, built from the descriptor (its constraints without
    ``pattern``, which this class checks on RE2); ``linked`` says the column is part of a key.
    """

    def __init__(self, raw: dict, field: Field, missing_values: list[str], linked: bool):
        self.name, self.type, self.provenance = raw["name"], raw["type"], raw["provenance"]
        self.constraints: dict = raw.get("constraints", {})
        self.enum = self.constraints.get("enum")
        pattern = self.constraints.get("pattern")
        self.pattern = compile_pattern(pattern) if pattern is not None else None
        self.missing_values = frozenset(missing_values)
        self.allowed = [*field.true_values, *field.false_values] if isinstance(field, BooleanField) else None
        self._reader = field.create_cell_reader()
        # An id, code or number: a date here is a spreadsheet's doing.
        self.date_sensitive = self.type != "string" or bool({"pattern", "enum"} & set(self.constraints)) or linked
        self.date_sensitive |= self.provenance == "key"
        # Free text: nothing to check beyond what every cell is checked for.
        self.plain = not self.date_sensitive and not {"minLength", "maxLength"} & set(self.constraints)

    def read(self, text: str) -> object:
        """The typed value of one cell (None when missing); raises CellError."""
        if text not in self.missing_values:
            self._check_text(text)
            if self.plain:
                return text
        value, notes = self._reader(text)
        if notes:
            raise self._error(text, next(iter(notes)))
        if value is None:
            return None
        if self.type == "number" and abs(value) >= INTEGER_LIMIT:
            raise CellError(f"{text} {_TOO_LARGE}")
        if self.pattern is not None and not self.pattern.fullmatch(text.encode("utf-8")):
            pattern = self.constraints["pattern"]
            raise CellError(f"{text!r} does not match the pattern {pattern}", PATTERN_HINTS.get(pattern), pattern=True)
        return text if self.type in ("string", "yearmonth") else value  # a year and month stays 'YYYY-MM' text

    def _check_text(self, text: str) -> None:
        """What is wrong with the text whatever its type, and whether it is in its type's one written form."""
        if len(text) > CELL_LIMIT:
            why = f"the cell is longer than {CELL_LIMIT:,} characters, more than any value needs"
            raise CellError(why, "a quote may have been left open, taking in the rows below it")
        if hidden := cells.invisible_character(text):
            raise CellError(f"{text!r} contains an invisible or direction-changing character ({hidden})", "delete it")
        if text[:1].isspace() or text[-1:].isspace():
            raise CellError(f"{text!r} has leading or trailing spaces", "delete them")
        if text.startswith("="):
            raise CellError(f"{text[:60]!r} starts with '=', so a spreadsheet would run it as a formula", FORMULA_FIX)
        if cells.is_placeholder(text) and not (self.enum and text in self.enum):
            raise CellError(f"{text!r} stands for a missing value", cells.PLACEHOLDER_FIX)
        if self.date_sensitive and cells.looks_like_spreadsheet_date(text, self.type):
            raise CellError(text, spreadsheet_date=True)
        if self.type in _FORMS and not _FORMS[self.type].fullmatch(text):
            too_large = self.type == "integer" and _LONG_INTEGER.fullmatch(text)
            raise CellError(f"{text} {_TOO_LARGE}") if too_large else self._error(text, "type")

    def _error(self, text: str, note: str) -> CellError:
        """Our message for what Frictionless's reader noted first: the type, or the constraint the cell breaks."""
        bound = self.constraints.get(note)
        if note == "type":
            message, fix = _NOT_A[self.type]
            return CellError(f"{text!r} {message}", cells.allowed_values(self.allowed) if self.allowed else fix)
        if note == "required":
            return CellError("a value is required")
        if note == "enum":
            return CellError(f"{text!r} is not an allowed value", cells.suggestion(text, self.enum))
        if note in ("minimum", "maximum"):
            return CellError(f"{text} is {'below' if note == 'minimum' else 'above'} the {note} of {bound}")
        shorter = note == "minLength"
        return CellError(f"{text!r} is {'shorter' if shorter else 'longer'} than {bound} characters")


def field_problem(field: Field) -> str | None:
    """Why a field cannot be applied to its cells as written, where the standard's profile lets it pass, or None.

    Frictionless reads a bound with the field's reader, which takes more forms than a cell may
    have, and would compare cells with a bound it cannot read.
    """
    constraints, read = field.constraints, field.create_value_reader()
    for key in ("minimum", "maximum"):
        value = constraints.get(key)
        form = _FORMS[field.type] if field.type in ("date", "yearmonth") else None
        written = isinstance(value, str) and form.fullmatch(value) if form else isinstance(value, (int, float))
        if value is not None and (isinstance(value, bool) or not written or read(value) is None):
            return f"'minimum' and 'maximum' must be written as {field.type} values"
    if min(constraints.get("minLength", 0), constraints.get("maxLength", 0)) < 0:
        return "'minLength' and 'maxLength' must be whole numbers of at least 0"
    enum = constraints.get("enum")
    if enum is not None and not (enum and all(isinstance(value, str) and value for value in enum)):
        return "'enum' must be a list of text values"
    if isinstance(field, BooleanField) and not (field.true_values and field.false_values):
        return "'trueValues' and 'falseValues' must each list at least one value"
    return None
