"""Published figures that are not counts: identifiers, dates and months, stored as text.

``published_figures.csv`` keeps counts and percentages in ``value`` (an integer, so the
arithmetic checks stay typed) and identifiers and dates in ``value_text``; ``value_type``
says which. This module checks that each row uses the column its type asks for, in the
form the type asks for, and that a stated sum (``figure_checks.csv``) adds figures that exist and are numbers.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # figure_values is read without the loader (rendering, derivation)
    from peerwork_review.reading.csvfile import Table

NUMERIC = ("count", "percent")
TEXT_FORMS = {
    "date": (re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"), "a date written YYYY-MM-DD"),
    "year-month": (re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$"), "a year and month written YYYY-MM"),
    "identifier": (re.compile(r"^\S+$"), "an identifier without spaces"),
}
_TERM = re.compile(r"\s*([+-])?\s*([a-z0-9_]+)")


def parse_expression(text: str) -> list[tuple[int, str]]:
    """A stated sum's terms with their signs: ``'a + b - c'`` -> ``[(1, 'a'), (1, 'b'), (-1, 'c')]``."""
    return [(-1 if sign == "-" else 1, name) for sign, name in _TERM.findall(text)]


def is_numeric(value_type: str | None) -> bool:
    return value_type in NUMERIC


def published(record: dict):
    """The published value of a figure row: an int for counts and percentages, else the text."""
    return int(record["value"]) if is_numeric(record["value_type"]) else record["value_text"]


NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty"
).split()
_NUMERAL = re.compile(r"\d[\d,]*")


def _against_quote(record: dict, row: int, figures: Table) -> None:
    """A count or percentage whose quote gives numbers in digits is one of them, or is in the quote in words."""
    value, quote = record.get("value"), record.get("quote")
    if not (is_numeric(record.get("value_type")) and isinstance(value, int) and isinstance(quote, str)):
        return
    numerals = {n.replace(",", "").rstrip(",") for n in _NUMERAL.findall(quote)}
    words = set(re.findall(r"[a-z]+", quote.lower()))
    if numerals and str(value) not in numerals and not (value < len(NUMBER_WORDS) and NUMBER_WORDS[value] in words):
        why = f"{value:,} is not among the numbers its quote gives ({', '.join(sorted(numerals))})"
        figures.problem(row, "value", why, "check the value against the article, or correct the quote")


def check_figure_values(tables: dict) -> None:
    figures, checks = tables["published_figures"], tables["figure_checks"]
    kinds = {}
    for record, row in zip(figures.records, figures.rows):
        kind = record.get("value_type")
        kinds[record["figure_id"]] = kind
        _against_quote(record, row, figures)
        if kind is None or not isinstance(kind, str):
            continue  # missing or invalid: already reported by the schema checks
        number, text = record.get("value"), record.get("value_text")
        if is_numeric(kind):
            if number is None:
                figures.problem(row, "value", f"a figure of type {kind!r} needs its number in value")
            if text is not None:
                why = f"a figure of type {kind!r} keeps its number in value; leave value_text empty"
                figures.problem(row, "value_text", why)
            continue
        if number is not None:
            figures.problem(row, "value", f"a figure of type {kind!r} keeps its value in value_text; leave value empty")
        if text is None:
            figures.problem(row, "value_text", f"a figure of type {kind!r} needs its value in value_text")
        elif isinstance(text, str) and kind in TEXT_FORMS and not TEXT_FORMS[kind][0].fullmatch(text):
            figures.problem(row, "value_text", f"{text!r} is not {TEXT_FORMS[kind][1]}")
    complete = "figure_id" not in figures.invalid  # else the figure named may be one whose id failed its check
    for record, row in zip(checks.records, checks.rows):
        if not isinstance(record["expression"], str):
            continue  # failed its own check, already reported
        terms = [name for _, name in parse_expression(record["expression"])]
        for name in terms if complete else []:
            if name not in kinds:
                checks.problem(row, "expression", f"{name!r} is not a figure_id in {figures.file}")
        for name in [record["figure_id"], *terms] if isinstance(record["figure_id"], str) else []:
            # a type that failed its own check (INVALID) is reported there, not here
            if name in kinds and isinstance(kinds[name], str) and not is_numeric(kinds[name]):
                why = f"{name!r} is a figure of type {kinds[name]!r}; a stated sum adds counts only"
                checks.problem(row, "expression" if name != record["figure_id"] else "figure_id", why)
