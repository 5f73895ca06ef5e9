"""The review's own rules across files: studies and reports, themes, runs, the PRISMA flow and its arithmetic,
full-text exclusion reasons, the bibliography links, and values the figures draw.

Every rule skips cells that already failed their own check, and a rule runs only when
the files it reads could be read.
"""

from __future__ import annotations

import re
from functools import lru_cache

from peerwork_review.domain.prisma import INCLUDED_ROLES
from peerwork_review.errors import Problem
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
    from pathlib import Path

    import matplotlib
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


def _drawable(file: str, row: int, column: str, text, what: str) -> list[Problem]:
    if not usable(text):
        return []
    bad = undrawable(str(text))
    if bad is None:
        return []
    return [
        Problem(
            file,
            row,
            column,
            f"{what} {text!r} has a character the figures cannot draw: {bad}",
            f"the figures use the font {FONT}; replace the character",
        )
    ]


def check_drawable(t: dict[str, Table], bib: dict[str, BibEntry]) -> list[Problem]:
    problems = []
    for record, row in t["themes"].items():
        problems += _drawable(t["themes"].file, row, "name", record["name"], "theme name")
    for record, row in t["study_countries"].items():
        problems += _drawable(t["study_countries"].file, row, "country", record["country"], "country")
    for record, row in t["reports"].items():
        entry = bib.get(record["report_id"]) if usable(record["report_id"]) else None
        if entry is not None and record["role"] in INCLUDED_ROLES:
            label = " ".join(entry.surnames)
            problems += _drawable(t["reports"].file, row, "report_id", label, "author name in references.bib")
    return problems


# -- bibliography links -------------------------------------------------------------------


def check_bibliography_links(t: dict[str, Table], bib: dict[str, BibEntry], bib_readable: bool) -> list[Problem]:
    problems = []
    refs, reports = t["article_references"], t["reports"]
    if bib_readable:
        for table, column in ((refs, "bib_key"), (reports, "report_id")):
            for record, row in table.items():
                key = record[column]
                if usable(key) and key not in bib:
                    problems.append(
                        Problem(
                            table.file,
                            row,
                            column,
                            f"{key!r} is not a key in references.bib",
                            "add the entry to references.bib with exactly this key",
                        )
                    )
        for record, row in reports.items():
            entry = bib.get(record["report_id"]) if usable(record["report_id"]) else None
            # A year that is there but malformed is the bibliography's own error.
            if entry is not None and record["role"] in INCLUDED_ROLES and not entry.year:
                problems.append(
                    Problem(
                        reports.file,
                        row,
                        "report_id",
                        "the references.bib entry of an included report needs a year",
                        f"add its year in references.bib, line {entry.line}",
                    )
                )
    numbers = sorted(r["ref_number"] for r in refs.records if usable(r["ref_number"]))
    if numbers and len(refs.records) == len(numbers) and numbers != list(range(1, numbers[-1] + 1)):
        missing = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))
        if missing:
            problems.append(
                Problem(
                    refs.file, None, None, f"reference numbers must run from 1 without gaps; missing {missing[:20]}"
                )
            )
    keys = {r["ref_number"]: r["bib_key"] for r in refs.records if usable(r["ref_number"])}
    if "ref_number" not in refs.invalid and "bib_key" not in refs.invalid:
        for record, row in reports.items():
            number, key = record["article_ref_number"], record["report_id"]
            if usable(number, key) and number in keys and keys[number] != key:
                problems.append(
                    Problem(
                        reports.file,
                        row,
                        "article_ref_number",
                        f"reference {number} of the article is {keys[number]!r}, not this report {key!r}",
                        "check the number in data/article_references.csv, or leave it empty for a report the article does not cite",
                    )
                )
    return problems


# -- studies, reports and themes -------------------------------------------------------------


def check_studies_and_reports(t: dict[str, Table]) -> list[Problem]:
    problems = []
    reports, studies = t["reports"], t["studies"]
    main_reports: dict = {}
    for record, row in reports.items():
        role = record["role"]
        if not usable(role):
            continue
        if role == "not included":
            if record["study_id"] is not None:
                problems.append(
                    Problem(
                        reports.file,
                        row,
                        "study_id",
                        "a report with role 'not included' belongs to no study",
                        "leave study_id empty",
                    )
                )
            continue
        for column in ("study_id", "first_search_run_id"):
            if record[column] is None:
                problems.append(Problem(reports.file, row, column, f"a report with role {role!r} needs a {column}"))
        if role == "main" and usable(record["study_id"]):
            main_reports.setdefault(record["study_id"], []).append(row)
    if "study_id" not in reports.invalid and "role" not in reports.invalid:
        for record, row in studies.items():
            sid = record["study_id"]
            found = main_reports.get(sid, [])
            if usable(sid) and len(found) != 1:
                what = "no report" if not found else f"{len(found)} reports (rows {', '.join(map(str, found))})"
                problems.append(
                    Problem(
                        studies.file,
                        row,
                        "study_id",
                        f"study {sid!r} needs exactly one report with role 'main' in data/reports.csv; it has {what}",
                    )
                )
    for name in ("quality_appraisal", "study_countries"):
        table = t[name]
        if "study_id" in table.invalid:
            continue
        present = {r["study_id"] for r in table.records}
        for record, row in studies.items():
            if usable(record["study_id"]) and record["study_id"] not in present:
                problems.append(
                    Problem(studies.file, row, "study_id", f"study {record['study_id']!r} has no row in {table.file}")
                )
    countries = t["study_countries"]
    for sid, items in rows_of(countries, "study_id").items():
        if len(items) > 1 and any(r["country"] is None for r, _ in items):
            row = next(row for r, row in items if r["country"] is None)
            problems.append(
                Problem(
                    countries.file,
                    row,
                    "country",
                    f"study {sid!r} has countries, so it cannot also have a row with an unknown country",
                )
            )
    return problems


def check_themes(t: dict[str, Table]) -> list[Problem]:
    problems = []
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
                problems.append(Problem(themes.file, row, column, f"{what} is taken{among} (in row {seen})"))
        parent, kind = record["parent_theme_id"], record["kind"]
        if kind == "theme" and parent is not None:
            problems.append(
                Problem(
                    themes.file,
                    row,
                    "parent_theme_id",
                    "a theme has no parent; only subthemes do",
                    "leave parent_theme_id empty",
                )
            )
        if kind == "subtheme":
            if parent is None:
                problems.append(
                    Problem(themes.file, row, "parent_theme_id", "a subtheme needs the theme it belongs to")
                )
            elif usable(parent) and kinds.get(parent) == "subtheme":
                problems.append(
                    Problem(
                        themes.file,
                        row,
                        "parent_theme_id",
                        f"{parent!r} is a subtheme; a subtheme's parent must be a theme",
                    )
                )
    return problems


def check_runs(t: dict[str, Table]) -> list[Problem]:
    databases = rows_of(t["search_databases"], "search_run_id")
    runs = t["search_runs"]
    problems = [
        Problem(
            runs.file,
            row,
            "search_run_id",
            f"run {r['search_run_id']!r} has no database in data/search_databases.csv",
            "add one row per database searched",
        )
        for r, row in runs.items()
        if usable(r["search_run_id"])
        and r["search_run_id"] not in databases
        and "search_run_id" not in t["search_databases"].invalid
    ]
    problems += [
        Problem(
            runs.file, row, "date_end", f"the search window ends ({r['date_end']}) before it starts ({r['date_start']})"
        )
        for r, row in runs.items()
        if usable(r["date_start"], r["date_end"]) and r["date_end"] < r["date_start"]
    ]
    return problems


# -- figure checks ----------------------------------------------------------------------------

_TERM = re.compile(r"\s*([+-])?\s*([a-z0-9_]+)")


def parse_expression(text: str) -> list[tuple[int, str]]:
    """``'a + b - c'`` -> ``[(1, 'a'), (1, 'b'), (-1, 'c')]``."""
    return [(-1 if sign == "-" else 1, name) for sign, name in _TERM.findall(text)]


def check_figure_checks(t: dict[str, Table]) -> list[Problem]:
    problems = []
    figures = {r["figure_id"] for r in t["published_figures"].records}
    checks = t["figure_checks"]
    for record, row in checks.items():
        if not usable(record["expression"]):
            continue
        for _, name in parse_expression(record["expression"]):
            if name not in figures:
                problems.append(
                    Problem(
                        checks.file, row, "expression", f"{name!r} is not a figure_id in data/published_figures.csv"
                    )
                )
    return problems
