"""Published figures that are not counts: identifiers, dates and months, stored as text.

``published_figures.csv`` keeps counts and percentages in ``value`` (an integer, so the
arithmetic checks stay typed) and identifiers and dates in ``value_text``; ``value_type``
says which. This module checks that each row uses the column its type asks for, in the
form the type asks for, and that stated sums only add numbers.
"""

from __future__ import annotations

import re

from peerwork_review.errors import Problem

NUMERIC = ("count", "percent")
TEXT_FORMS = {
    "date": (re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"), "a date written YYYY-MM-DD"),
    "year-month": (re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$"), "a year and month written YYYY-MM"),
    "identifier": (re.compile(r"^\S+$"), "an identifier without spaces"),
}
_TERM = re.compile(r"[a-z0-9_]+")


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


def _against_quote(record: dict, row: int, file: str) -> list[Problem]:
    """A count or percentage whose quote gives numbers in digits is one of them, or is in the quote in words."""
    value, quote = record.get("value"), record.get("quote")
    if not (is_numeric(record.get("value_type")) and isinstance(value, int) and isinstance(quote, str)):
        return []
    numerals = {n.replace(",", "").rstrip(",") for n in _NUMERAL.findall(quote)}
    words = set(re.findall(r"[a-z]+", quote.lower()))
    if not numerals or str(value) in numerals or (value < len(NUMBER_WORDS) and NUMBER_WORDS[value] in words):
        return []
    return [
        Problem(
            file,
            row,
            "value",
            f"{value:,} is not among the numbers its quote gives ({', '.join(sorted(numerals))})",
            "check the value against the article, or correct the quote",
        )
    ]


def check_figure_values(tables: dict) -> list[Problem]:
    figures, checks = tables["published_figures"], tables["figure_checks"]
    problems = []
    kinds = {}
    for record, row in zip(figures.records, figures.rows):
        kind = record.get("value_type")
        kinds[record["figure_id"]] = kind
        problems += _against_quote(record, row, figures.file)
        if kind is None or not isinstance(kind, str):
            continue  # missing or invalid: already reported by the schema checks
        number, text = record.get("value"), record.get("value_text")
        if is_numeric(kind):
            if number is None:
                problems.append(
                    Problem(figures.file, row, "value", f"a figure of type {kind!r} needs its number in value")
                )
            if text is not None:
                problems.append(
                    Problem(
                        figures.file,
                        row,
                        "value_text",
                        f"a figure of type {kind!r} keeps its number in value; leave value_text empty",
                    )
                )
            continue
        if number is not None:
            problems.append(
                Problem(
                    figures.file,
                    row,
                    "value",
                    f"a figure of type {kind!r} keeps its value in value_text; leave value empty",
                )
            )
        if text is None:
            problems.append(
                Problem(figures.file, row, "value_text", f"a figure of type {kind!r} needs its value in value_text")
            )
        elif isinstance(text, str) and kind in TEXT_FORMS and not TEXT_FORMS[kind][0].fullmatch(text):
            problems.append(Problem(figures.file, row, "value_text", f"{text!r} is not {TEXT_FORMS[kind][1]}"))
    for record, row in zip(checks.records, checks.rows):
        if not isinstance(record["expression"], str) or not isinstance(record["figure_id"], str):
            continue  # failed its own check, already reported
        names = [record["figure_id"]] + _TERM.findall(record["expression"])
        for name in names:
            # a type that failed its own check (INVALID) is reported there, not here
            if name in kinds and isinstance(kinds[name], str) and not is_numeric(kinds[name]):
                problems.append(
                    Problem(
                        checks.file,
                        row,
                        "expression" if name != record["figure_id"] else "figure_id",
                        f"{name!r} is a figure of type {kinds[name]!r}; a stated sum adds counts only",
                    )
                )
    return problems
