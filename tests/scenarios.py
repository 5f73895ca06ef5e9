"""What authors do to the data between editions, as the Updating page tells them: a search run with its flow,
a follow-up report of an earlier study, a withdrawal, a correction in place. Every value is test data.

Each function edits a copy's CSV files (and references.bib) and nothing else; the tests then validate,
refresh, build and check what the book says.
"""

from __future__ import annotations

import csv
from pathlib import Path

from tests.helpers import append, read_rows, write_rows

TEST = "test data: invented by tests/scenarios.py, not a real study"


def add_run(root: Path, run_id: str, label: str, start: str, end: str, included_reports: int) -> None:
    """A search run whose database search includes ``included_reports`` reports at full text and other methods none."""
    append(
        root,
        "search_runs.csv",
        {
            "search_run_id": run_id,
            "label": label,
            "date_start": start,
            "date_end": end,
            "other_methods": "reference lists of included articles",
            **dict.fromkeys(["date_start_source", "date_end_source", "other_methods_source"], TEST),
        },
    )
    append(root, "search_databases.csv", *[[run_id, name, TEST, 25, TEST] for name in ["Ovid Medline", "Scopus"]])
    flow = {
        ("databases", "identified"): 50,
        ("databases", "removed_duplicates"): 10,
        ("databases", "removed_automation"): 0,
        ("databases", "removed_other"): 0,
        ("databases", "screened"): 40,
        ("databases", "excluded_screening"): 34,
        ("databases", "sought"): 6,
        ("databases", "not_retrieved"): 0,
        ("databases", "assessed"): 6,
        ("databases", "excluded_full_text"): 6 - included_reports,
        **dict.fromkeys(
            [("other_methods", s) for s in ("identified", "sought", "not_retrieved", "assessed", "excluded_full_text")],
            0,
        ),
    }
    append(root, "prisma_flow.csv", *[[run_id, column, stage, n, "", TEST] for (column, stage), n in flow.items()])
    append(
        root, "prisma_exclusion_reasons.csv", [run_id, "databases", "not a primary study", 6 - included_reports, TEST]
    )


def add_report(root: Path, report_id: str, study_id: str, run_id: str, author: str, year: int) -> None:
    """A report of ``study_id`` found by ``run_id``: its bibliography entry and its row, role additional."""
    append(root, "reports.csv", [report_id, study_id, "additional", run_id, "", TEST])
    with open(root / "references.bib", "a", encoding="utf-8") as handle:
        handle.write(
            f"\n@article{{{report_id},\n  author  = {{{author}, Alex}},\n  title   = {{A Follow-up Paper (test data)}},\n"
            f"  journal = {{Journal of Test Data}},\n  year    = {{{year}}}\n}}\n"
        )


def add_finding(root: Path, run_id: str, theme_id: str, statement: str, report_id: str) -> str:
    with open(root / "data" / "findings.csv", newline="", encoding="utf-8") as handle:
        position = 1 + max((int(r["position"]) for r in csv.DictReader(handle) if r["theme_id"] == theme_id), default=0)
    finding_id = f"{theme_id}-{position:02d}"
    append(root, "findings.csv", [finding_id, run_id, theme_id, position, statement, TEST])
    append(root, "finding_reports.csv", [finding_id, report_id])
    return finding_id


def withdraw(root: Path, study_id: str, run_id: str, reason: str = "retracted by the journal (test data)") -> None:
    append(root, "withdrawals.csv", [study_id, run_id, reason, TEST])


def correct(root: Path, file: str, match: dict, column: str, value: str, run_id: str, reason: str) -> None:
    """Change one value in place, with its new source, and record the correction (key as the file holds it after)."""
    import json

    resource = next(
        r
        for r in json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))["resources"]
        if r["path"] == file
    )
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    source = fields[column]["provenance"]
    rows = read_rows(root / "data" / file)
    header = rows[0]
    (row,) = [r for r in rows[1:] if all(r[header.index(k)] == v for k, v in match.items())]
    before, source_before = row[header.index(column)], row[header.index(source)]
    row[header.index(column)], row[header.index(source)] = value, TEST
    write_rows(root / "data" / file, rows)
    key = " | ".join(row[header.index(k)] for k in resource["schema"]["primaryKey"])
    append(root, "corrections.csv", [run_id, resource["name"], key, column, before, source_before, reason])


def release(root: Path, run_id: str, day: str) -> None:
    rows = read_rows(root / "data" / "search_runs.csv")
    header = rows[0]
    next(r for r in rows if r[0] == run_id)[header.index("released")] = day
    write_rows(root / "data" / "search_runs.csv", rows)
