"""make import-records: the example exports give the flow worked out by hand, box by box; bad input is named by
file, record and field, and leaves data/ as it was; the ledger's rules and the typed numbers of a counted run."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from peerwork_review.authoring.deduplication import find_duplicates
from peerwork_review.authoring.exports import read_decisions, read_records
from peerwork_review.authoring.records import import_records
from peerwork_review.derivation.flow import flow_numbers
from peerwork_review.errors import DataError
from peerwork_review.model.review import load
from peerwork_review.reading.load import read_and_validate
from tests.helpers import (
    append,
    build_book,
    cli,
    copy_project,
    edit_rows,
    in_process,
    read_rows,
    run_nbval,
    set_cell,
    tree_hash,
)
from tests.records import EXPORTS, FLOW, REASONS, REPORT, RUN, add_example_run


@pytest.fixture
def run_copy(tmp_path) -> Path:
    root = copy_project(tmp_path / "project", ["data", "references.bib"])
    add_example_run(root)
    return root


@pytest.fixture
def exports(tmp_path) -> Path:
    return Path(shutil.copytree(EXPORTS, tmp_path / "exports"))


def problems(exc: pytest.ExceptionInfo) -> str:
    return str(exc.value)


def test_the_example_exports_give_the_flow_worked_out_by_hand(run_copy):
    lines = import_records(run_copy, RUN, EXPORTS)
    flow = flow_numbers(load(run_copy), RUN)
    assert {key: flow.stages[key] for key in FLOW} == FLOW
    assert flow.exclusion_reasons == REASONS
    assert (flow.counted_from, flow.new_studies, flow.new_reports) == (11, 1, 1)
    assert "pubmed.nbib (MEDLINE, PubMed): 5 records" in lines
    assert "Duplicates: 2 removed (1 same DOI; 1 similar title, same year and first author)" in lines
    records = {r[1]: r for r in read_rows(run_copy / "data" / "search_records.csv")[1:]}
    assert records["pubmed-1"][17] == REPORT  # the included record became the run's report
    databases = [r for r in read_rows(run_copy / "data" / "search_databases.csv") if r[0] == RUN]
    assert [(r[1], r[3]) for r in databases] == [("PubMed", "5"), ("Scopus", "4")]


def test_the_command_line_reports_what_it_read(run_copy, capsys):
    done = in_process(capsys, run_copy, "import-records", RUN, str(EXPORTS))
    assert done.returncode == 0, done.stderr
    assert "asreview.csv (ASReview): 7 rows of decisions" in done.stdout
    assert "Other methods: records identified 2; reports sought for retrieval 2" in done.stdout


def test_a_second_import_keeps_the_authors_overrides(run_copy):
    import_records(run_copy, RUN, EXPORTS)
    before = tree_hash(run_copy / "data")
    import_records(run_copy, RUN, EXPORTS)
    assert tree_hash(run_copy / "data") == before  # the same exports write the same bytes
    # The author merges two records the rules kept apart (both excluded at title and abstract) ...
    ledger = run_copy / "data" / "search_records.csv"
    rows = read_rows(ledger)
    row = next(i for i, r in enumerate(rows, start=1) if r[1] == "pubmed-5")
    set_cell(run_copy, "search_records.csv", row, "duplicate_of", "scopus-3")
    set_cell(run_copy, "search_records.csv", row, "duplicate_rule", "marked by the author")
    import_records(run_copy, RUN, EXPORTS)
    flow = flow_numbers(load(run_copy), RUN)
    assert (flow.stages[("databases", "removed_duplicates")], flow.stages[("databases", "screened")]) == (3, 6)
    # ... and keeps apart two the rules merged: that record then needs its own decisions.
    row = next(i for i, r in enumerate(read_rows(ledger), start=1) if r[1] == "scopus-2")
    set_cell(run_copy, "search_records.csv", row, "duplicate_rule", "kept apart by the author")
    with pytest.raises(DataError) as exc:
        import_records(run_copy, RUN, EXPORTS)
    assert (
        'scopus.ris, record 2, column "screening": record scopus-2: the record needs its title and abstract'
        in problems(exc)
    )


@pytest.mark.parametrize(
    "file, change, expected",
    [
        (
            "scopus.ris",
            lambda t: t.rstrip().removesuffix("ER  -"),
            "scopus.ris: has 4 records (TY) but 3 end tags (ER)",
        ),
        (
            "rayyan-full-text.csv",
            lambda t: t.replace('{""Alex""=>""Excluded""} | RAYYAN-LABELS', '{""Alex""=>""Maybe""} | RAYYAN-LABELS'),
            "rayyan-full-text.csv, row 5: Rayyan gives Maybe",
        ),
        (
            "decisions.csv",
            lambda t: t.replace("Induction programmes", "Inductions"),
            "decisions.csv, row 4: matches no single record of the exports",
        ),
        (
            "rayyan-full-text.csv",
            lambda t: t.replace('REASONS: wrong population"\n', 'REASONS: wrong population,wrong setting"\n', 1),
            "rayyan-full-text.csv, row 3: a report excluded at full text needs exactly one reason; Rayyan gives 2",
        ),
        (
            "decisions.csv",
            lambda t: t.replace("10.5555/test.0004,no", "10.5555/test.0004,yes"),
            'pubmed.nbib, record 4, column "full_text": record pubmed-4: the record needs its full-text decision',
        ),
    ],
)
def test_bad_exports_are_named_and_nothing_is_written(run_copy, exports, file, change, expected):
    path = exports / file
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    before = tree_hash(run_copy / "data")
    with pytest.raises(DataError) as exc:
        import_records(run_copy, RUN, exports)
    assert expected in problems(exc)
    assert tree_hash(run_copy / "data") == before


def test_typed_numbers_of_a_counted_run_must_agree(run_copy):
    import_records(run_copy, RUN, EXPORTS)
    append(run_copy, "prisma_flow.csv", [RUN, "databases", "identified", 9, "", "test data: typed"])
    read_and_validate(run_copy)  # a typed number that agrees is accepted
    append(run_copy, "prisma_flow.csv", [RUN, "databases", "screened", 8, "", "test data: typed"])
    append(run_copy, "prisma_exclusion_reasons.csv", [RUN, "databases", "wrong population", 3, "test data: typed"])
    with pytest.raises(DataError) as exc:
        read_and_validate(run_copy)
    assert "screened is typed as 8, but the run's records in data/search_records.csv count 7" in problems(exc)
    assert "'wrong population' is typed with 3, but the run's records in data/search_records.csv count 2" in problems(
        exc
    )


@pytest.mark.parametrize(
    "record, column, value, expected",
    [
        ("pubmed-5", "retrieved", "yes", "must be empty: the record ends under 'Records excluded' (databases)"),
        ("pubmed-2", "exclusion_reason", "", "the record needs its reason for excluding it at full text"),
        ("scopus-1", "duplicate_of", "scopus-2", "'scopus-2' is itself a duplicate (of 'pubmed-3')"),
        (
            "citations-1",
            "screening",
            "included",
            "must be empty: the record ends under 'Reports excluded' (other methods)",
        ),
        ("pubmed-1", "origin", "Embase", "'Embase' is neither a database of run '2099-12'"),
        ("pubmed-1", "report_id", "", "no included record of data/search_records.csv became this report"),
    ],
)
def test_the_ledger_rules(run_copy, record, column, value, expected):
    import_records(run_copy, RUN, EXPORTS)
    row = next(i for i, r in enumerate(read_rows(run_copy / "data" / "search_records.csv"), start=1) if r[1] == record)
    set_cell(run_copy, "search_records.csv", row, column, value)
    with pytest.raises(DataError) as exc:
        read_and_validate(run_copy)
    assert expected in problems(exc)


def test_a_record_count_per_database_must_agree(run_copy):
    import_records(run_copy, RUN, EXPORTS)
    edit_rows(
        run_copy,
        "search_databases.csv",
        lambda rows: [r[:3] + ["6"] + r[4:] if r[1] == "PubMed" and r[0] == RUN else r for r in rows],
    )
    with pytest.raises(DataError) as exc:
        read_and_validate(run_copy)
    assert "says 6 records, but data/search_records.csv has 5 from PubMed" in problems(exc)


def test_deduplication_never_merges_two_dois_by_title():
    same = {"title": "Peer work (fictional)", "year": "2099", "first_author": "Testauthor, A"}
    records = [
        {"record_id": "a-1", "doi": "10.5555/x.1", **same},
        {"record_id": "a-2", "doi": "10.5555/x.2", **same},
        {"record_id": "a-3", "doi": None, **same, "first_author": "Testauthor A"},
        {
            "record_id": "a-4",
            "doi": "HTTPS://DOI.ORG/10.5555/X.2",
            "title": "Other",
            "year": None,
            "first_author": None,
        },
    ]
    assert find_duplicates(records, {}) == {
        "a-3": ("a-1", "same title, year and first author"),
        "a-4": ("a-2", "same DOI"),
    }
    assert (
        find_duplicates(records, {"a-3": ("a-1", "kept apart by the author")})["a-3"][1] == "kept apart by the author"
    )


def test_covidence_lists_and_medline_continuations(tmp_path):
    header = '"Title","Authors","Published Year","DOI","Covidence #","Notes"\n'
    (tmp_path / "review_1_excluded_csv_20990101.csv").write_text(
        header + '"A fictional study","Testauthor A",2099,10.5555/c.1,"#12","Exclusion reason: wrong setting; "\n',
        encoding="utf-8-sig",
    )
    kind, entries, found = read_decisions(tmp_path / "review_1_excluded_csv_20990101.csv", "covidence.csv", None)
    assert (kind, found) == ("Covidence", [])
    assert entries[0].values == {
        "title": "A fictional study",
        "first_author": "Testauthor A",
        "year": "2099",
        "doi": "10.5555/c.1",
        "screening": "included",
        "retrieved": "yes",
        "full_text": "excluded",
        "exclusion_reason": "wrong setting",
    }
    kind, entries, found = read_records(EXPORTS / "pubmed.nbib", "pubmed.nbib")
    assert (
        entries[0].values["title"]
        == "Peer support workers in community mental health teams: a fictional test-data study."
    )
    assert (entries[0].values["first_author"], entries[2].get("doi")) == ("Testauthor, Alex", None)


@pytest.mark.slow
def test_the_runs_page_shows_its_records_and_the_counted_diagram(tmp_path):
    root = copy_project(tmp_path / "project")
    add_example_run(root)
    assert cli(root, "import-records", RUN, str(EXPORTS)).returncode == 0
    refreshed = cli(root, "refresh")
    assert refreshed.returncode == 0, refreshed.stderr
    built = build_book(root)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    page = (root / "_build" / "html" / "notebooks" / "updates" / f"{RUN}.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    assert "Every number of this search’s diagram is counted from its 11 records" in text
    assert "reference lists of included articles 2 0 0 1 0" in text  # the records table, row by row
    assert "counted from the 11 records of this search in data/search_records.csv" in text  # the flow table's sources
    svg = (root / "_build" / "outputs" / f"prisma_flow_{RUN}.svg").read_text(encoding="utf-8")
    assert "Every number counted from the 11 records of this search" in svg
    for box in ("databases (n = 9)", "Records screened (n = 7)", "wrong population (n = 2)", "(n = 1)"):
        assert box in svg
    merges = (root / "_build" / "outputs" / f"merges_{RUN}.csv").read_text(encoding="utf-8").splitlines()
    assert merges[1:] == [
        "scopus-1,Peer Support Workers in Community Mental Health Teams: A Fictional Test-Data Study,pubmed-1,"
        "Peer support workers in community mental health teams: a fictional test-data study.,same DOI",
        "scopus-2,Organizational readiness for lived experience roles (fictional),pubmed-3,"
        'Organisational readiness for lived experience roles (fictional).,"similar title, same year and first author"',
    ]
    assert run_nbval(root, f"updates/{RUN}.ipynb").returncode == 0
