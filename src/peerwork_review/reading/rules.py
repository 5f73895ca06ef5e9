"""The review's own rules across files: the bibliography links, studies and reports, themes, runs, and the
names the figures draw.

Every rule skips cells that already failed their own check, and a rule runs only when
the files it reads could be read.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from peerwork_review.domain.prisma import INCLUDED_ROLES
from peerwork_review.reading.bibliography import BibEntry
from peerwork_review.reading.csvfile import INVALID, Table
from peerwork_review.reading.integrity import usable


def rows_of(table: Table, column: str) -> dict:
    out: dict = {}
    for record, row in table.items():
        if usable(record[column]):
            out.setdefault(record[column], []).append((record, row))
    return out


# -- values the figures draw ------------------------------------------------------------

FONT = "DejaVu Sans"
_LATIN = re.compile("^[\x20-\x7e\u00a0-\u017f]*$")


@lru_cache(maxsize=1)
def _font_characters() -> frozenset[int]:
    import matplotlib  # only for text beyond Latin: the figures' font is matplotlib's
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")).get_charmap())


def undrawable(text: str) -> str | None:
    """The first character of ``text`` the figures' font cannot draw, as 'x' (U+…), or None."""
    if _LATIN.fullmatch(text):  # Latin-1 and Latin Extended-A: in every DejaVu font
        return None
    for c in text:
        if ord(c) not in _font_characters() or not c.isprintable():
            return f"{c!r} (U+{ord(c):04X})"
    return None


def _drawable(table: Table, row: int, column: str, text, what: str) -> None:
    if usable(text) and (bad := undrawable(str(text))):
        why = f"{what} {text!r} has a character the figures cannot draw: {bad}"
        table.problem(row, column, why, f"the figures use the font {FONT}; replace the character")


def check_drawable(t: dict[str, Table], bib: dict[str, BibEntry]) -> None:
    for record, row in t["themes"].items():
        _drawable(t["themes"], row, "name", record["name"], "theme name")
    for record, row in t["study_countries"].items():
        _drawable(t["study_countries"], row, "country", record["country"], "country")
    for record, row in t["reports"].items():
        entry = bib.get(record["report_id"]) if usable(record["report_id"]) else None
        if entry is not None and record["role"] in INCLUDED_ROLES:
            _drawable(t["reports"], row, "report_id", " ".join(entry.surnames), "author name in references.bib")


# -- bibliography links -------------------------------------------------------------------


def check_bibliography_links(t: dict[str, Table], bib: dict[str, BibEntry], bib_readable: bool) -> None:
    refs, reports = t["article_references"], t["reports"]
    if bib_readable:
        for table, column in ((refs, "bib_key"), (reports, "report_id")):
            for record, row in table.items():
                key = record[column]
                if usable(key) and key not in bib:
                    fix = "add the entry to references.bib with exactly this key"
                    table.problem(row, column, f"{key!r} is not a key in references.bib", fix)
        for record, row in reports.items():
            entry = bib.get(record["report_id"]) if usable(record["report_id"]) else None
            # A year that is there but malformed is the bibliography's own error.
            if entry is not None and record["role"] in INCLUDED_ROLES and not entry.year:
                why = "the references.bib entry of an included report needs a year"
                reports.problem(row, "report_id", why, f"add its year in references.bib, line {entry.line}")
    numbers = sorted(r["ref_number"] for r in refs.records if usable(r["ref_number"]))
    if numbers and len(refs.records) == len(numbers) and numbers != list(range(1, numbers[-1] + 1)):
        missing = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))
        if missing:
            refs.problem(None, None, f"reference numbers must run from 1 without gaps; missing {missing[:20]}")
    keys = {r["ref_number"]: r["bib_key"] for r in refs.records if usable(r["ref_number"])}
    if "ref_number" not in refs.invalid and "bib_key" not in refs.invalid:
        for record, row in reports.items():
            number, key = record["article_ref_number"], record["report_id"]
            if usable(number, key) and number in keys and keys[number] != key:
                why = f"reference {number} of the article is {keys[number]!r}, not this report {key!r}"
                fix = f"check the number in {refs.file}, or leave it empty for a report the article does not cite"
                reports.problem(row, "article_ref_number", why, fix)


# -- studies, reports and themes -------------------------------------------------------------


def check_studies_and_reports(t: dict[str, Table]) -> None:
    reports, studies = t["reports"], t["studies"]
    main_reports: dict = {}
    for record, row in reports.items():
        role = record["role"]
        if not usable(role):
            continue
        if role == "not included":
            if record["study_id"] is not None:
                why = "a report with role 'not included' belongs to no study"
                reports.problem(row, "study_id", why, "leave study_id empty")
            continue
        for column in ("study_id", "first_search_run_id"):
            if record[column] is None:
                reports.problem(row, column, f"a report with role {role!r} needs a {column}")
        if role == "main" and usable(record["study_id"]):
            main_reports.setdefault(record["study_id"], []).append(row)
    if "study_id" not in reports.invalid and "role" not in reports.invalid:
        for record, row in studies.items():
            sid = record["study_id"]
            found = main_reports.get(sid, [])
            if usable(sid) and len(found) != 1:
                what = "no report" if not found else f"{len(found)} reports (rows {', '.join(map(str, found))})"
                why = f"study {sid!r} needs exactly one report with role 'main' in {reports.file}; it has {what}"
                studies.problem(row, "study_id", why)
    for name in ("quality_appraisal", "study_countries"):
        table = t[name]
        if "study_id" in table.invalid:
            continue
        present = {r["study_id"] for r in table.records}
        for record, row in studies.items():
            if usable(record["study_id"]) and record["study_id"] not in present:
                studies.problem(row, "study_id", f"study {record['study_id']!r} has no row in {table.file}")
    countries = t["study_countries"]
    for sid, items in rows_of(countries, "study_id").items():
        if len(items) > 1 and any(r["country"] is None for r, _ in items):
            row = next(row for r, row in items if r["country"] is None)
            why = f"study {sid!r} has countries, so it cannot also have a row with an unknown country"
            countries.problem(row, "country", why)


def check_themes(t: dict[str, Table]) -> None:
    themes = t["themes"]
    kinds = {r["theme_id"]: r["kind"] for r in themes.records if usable(r["theme_id"])}
    # Themes, and the subthemes of each theme, are put in order by position; a name is used once, in any case.
    first: dict[tuple, int] = {}
    for record, row in themes.items():
        parent = record["parent_theme_id"]
        for column, group, key in (
            ("position", parent, record["position"]),
            ("name", "", str(record["name"]).casefold()),
        ):
            if not usable(record[column]) or group is INVALID:
                continue
            seen = first.setdefault((column, group, key), row)
            if seen != row:
                what = f"the name {record['name']!r}" if column == "name" else f"position {key}"
                among = "" if column == "name" else f" among the {f'subthemes of {parent}' if parent else 'themes'}"
                themes.problem(row, column, f"{what} is taken{among} (in row {seen})")
        parent, kind = record["parent_theme_id"], record["kind"]
        if kind == "theme" and parent is not None:
            why = "a theme has no parent; only subthemes do"
            themes.problem(row, "parent_theme_id", why, "leave parent_theme_id empty")
        if kind == "subtheme":
            if parent is None:
                themes.problem(row, "parent_theme_id", "a subtheme needs the theme it belongs to")
            elif usable(parent) and kinds.get(parent) == "subtheme":
                themes.problem(row, "parent_theme_id", f"{parent!r} is a subtheme; a subtheme's parent must be a theme")


def check_runs(t: dict[str, Table]) -> None:
    runs, databases = t["search_runs"], t["search_databases"]
    searched = rows_of(databases, "search_run_id")
    for r, row in runs.items():
        run, start, end = r["search_run_id"], r["date_start"], r["date_end"]
        if usable(run) and run not in searched and "search_run_id" not in databases.invalid:
            why = f"run {run!r} has no database in {databases.file}"
            runs.problem(row, "search_run_id", why, "add one row per database searched")
        if usable(start, end) and end < start:
            runs.problem(row, "date_end", f"the search window ends ({end}) before it starts ({start})")
