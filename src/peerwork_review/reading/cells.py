"""What can be wrong with one cell whatever its column, and how to suggest the value that was meant."""

from __future__ import annotations

import difflib
import re

# Words people type for "unknown". An unknown value is an empty cell whose source says why,
# so these are rejected unless a column lists one of them as an allowed value.
_TYPED = "none|na|n/a|n.a.|#n/a|-|--|---|\u2013|\u2014|n.d.|nd|null|nil|nan|?|??|unknown|not known|missing|tbd|tba|xxx"
PLACEHOLDERS = frozenset(_TYPED.split("|"))
PLACEHOLDER_FIX = "leave it empty and say why in the source column ('not found: …' or 'not reported: …')"

# Characters a reader cannot see, or that reorder the text around them: control characters
# other than tab and line break, zero-width and format characters (soft hyphen, joiners,
# bidi embeddings and isolates, invisible operators, tags), variation selectors, fillers
# that print blank (Hangul, Braille), and halves of surrogate pairs.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff\ud800-\udfff]"
)
# A web address a page can link to as it is: http(s) and no character that could end the
# link's markup (quotes, angle brackets, backticks, braces, spaces).
WEB_ADDRESS = re.compile(r"^https?://[^\s\"'<>`{}|\\^]+$")


_LONGEST_PLACEHOLDER = max(map(len, PLACEHOLDERS))


def is_placeholder(value: str) -> bool:
    return len(value) <= _LONGEST_PLACEHOLDER + 2 and value.strip().lower() in PLACEHOLDERS


def invisible_character(value: str) -> str | None:
    """'U+0007' for the first invisible or direction-changing character in ``value``, or None."""
    found = _INVISIBLE.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


# -- values a spreadsheet program turned into dates -----------------------------------

_MONTHS = "jan january|feb february|mar march|apr april|may|jun june|jul july|aug august|sep sept september|oct october"
_MONTH_NAMES = {
    name: n for n, names in enumerate(f"{_MONTHS}|nov november|dec december".split("|"), 1) for name in names.split()
}
_MONTH_YEAR = re.compile(r"^(?P<month>[A-Za-z]{3,9})[- ]'?(?P<year>\d{2}|\d{4})$")  # May-26, Nov 2023
_DATE_SHAPES = re.compile(
    r"^(\d{1,2}[/.-]\d{1,2}[/.-](\d{2}|\d{4})"  # 01/05/2026, 5/1/26, 1.5.2026
    r"|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2})?)?"  # 2026-05-01, 2026/5/1 0:00
    r"|\d{1,2}[- ](?P<day_month>[A-Za-z]{3,9})([- ]\d{2}|[- ]\d{4})?"  # 26-May, 1-May-2026
    r"|(?P<month>[A-Za-z]{3,9})[- ]'?(\d{2}|\d{4}))$"  # May-26, Nov 2023
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _month(name: str) -> int | None:
    return _MONTH_NAMES.get(name.lower())


def looks_like_spreadsheet_date(value: str, kind: str) -> bool:
    """True when ``value`` has the shape a spreadsheet program gives a date.

    ``kind`` is the column's type: a ``date`` column keeps its ISO form (2026-05-01);
    year-month columns also catch day numbers (45413), which is how a date is saved
    when its cell is formatted as a number.
    """
    if kind == "date" and _ISO_DATE.match(value):
        return False
    if kind in ("yearmonth", "date") and value.isdigit() and len(value) == 5 and 20000 <= int(value) <= 80000:
        return True
    found = _DATE_SHAPES.match(value)
    if not found:
        return False
    month = found.group("month") or found.group("day_month")
    return month is None or _month(month) is not None


def guess_yearmonth(value: str) -> str | None:
    """'May-26' -> '2026-05' where the month and year are unambiguous, else None."""
    found = _MONTH_YEAR.match(value)
    if not found or not _month(found.group("month")):
        return None
    year = found.group("year")
    return f"{'20' + year if len(year) == 2 else year}-{_month(found.group('month')):02d}"


# -- suggestions ------------------------------------------------------------------------

# Common names of countries that the ISO short names in datapackage.json spell otherwise.
ALIASES = {
    **dict.fromkeys(["usa", "us", "u.s.", "u.s.a.", "united states of america", "america"], "United States"),
    **dict.fromkeys(
        ["uk", "u.k.", "great britain", "britain", "england", "scotland", "wales", "northern ireland"], "United Kingdom"
    ),
    "turkey": "Türkiye",
    "russia": "Russian Federation",
    "czech republic": "Czechia",
    "holland": "Netherlands",
    "the netherlands": "Netherlands",
    "uae": "United Arab Emirates",
    "ivory coast": "Côte d'Ivoire",
    "swaziland": "Eswatini",
    "burma": "Myanmar",
    "korea": "South Korea",
    "republic of korea": "South Korea",
}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def closest(value: str, candidates, labels: dict[str, str] | None = None) -> str | None:
    """The candidate ``value`` was most likely meant to be, or None.

    ``labels`` maps other spellings (lower case, e.g. a theme's name as the book shows it)
    to the candidate they stand for.
    """
    by_lower = {str(c).lower(): c for c in candidates}
    labels = {k: v for k, v in {**ALIASES, **(labels or {})}.items() if str(v).lower() in by_lower}
    lowered = value.strip().lower()
    for key in (lowered, slug(value)):
        if key in by_lower:
            return by_lower[key]
        if key in labels:
            return labels[key]
    match = difflib.get_close_matches(lowered, list(by_lower) + list(labels), n=1, cutoff=0.75)
    if not match:
        return None
    return by_lower.get(match[0], labels.get(match[0]))


LONG_LIST = "see the book's page 'About the data' (data dictionary) or data/datapackage.json"


def allowed_values(values, long_list: str = LONG_LIST) -> str:
    """The allowed values when the list is short enough to read, else where to find them."""
    values = [str(v) for v in values]
    return f"allowed: {', '.join(values)}" if len(values) <= 12 else long_list


def suggestion(value: str, candidates, labels: dict[str, str] | None = None, long_list: str = LONG_LIST) -> str:
    """'did you mean 'x'? (allowed: …)' or just the allowed values."""
    meant = closest(value, candidates, labels)
    listed = allowed_values(candidates, long_list)
    return f"did you mean {meant!r}? ({listed})" if meant is not None else listed
