"""``make import-records``: a later run's exports and screening decisions into its record ledger, all or nothing.

The folder holds the exports and ``manifest.csv``, one row per file: ``file``; ``origin``,
the database or other method whose records it holds (empty for a file of decisions);
``stage``, ``title-abstract`` or ``full-text`` for a Rayyan export of decisions. Records are
numbered by file and place (``pubmed-3``), deduplicated (:mod:`.deduplication`), given the
decisions that match them (record_id, DOI, PMID, then title and year), and an included
record the report of the run whose DOI or title it shares. The ledger, and the records of each
database in ``search_databases.csv``, are checked with every rule of ``make validate`` in a
copy; only then are the two files replaced.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from rapidfuzz.utils import default_process

from peerwork_review import paths
from peerwork_review.authoring.deduplication import doi_key, find_duplicates
from peerwork_review.authoring.exports import BIBLIOGRAPHIC, Entry, read_decisions, read_records
from peerwork_review.authoring.importing import to_csv, write_if_valid
from peerwork_review.authoring.workbook import read_csv_rows
from peerwork_review.derivation.flow import flow_numbers
from peerwork_review.domain.ledger import DECISION_FIELDS, KEPT_APART, MARKED_BY_AUTHOR
from peerwork_review.domain.prisma import COLUMN_NAMES, INCLUDED_ROLES, LABELS, STAGES
from peerwork_review.errors import DataError, Problem
from peerwork_review.model.review import load
from peerwork_review.reading.load import read_all

MANIFEST = "manifest.csv"
LEDGER = "search_records.csv"
DATABASES = "search_databases.csv"


def _manifest(folder: Path) -> tuple[list[dict[str, str]], list[Problem]]:
    path = folder / MANIFEST
    if not path.is_file():
        return [], [Problem(str(path), None, None, "is missing", "list each export file: file,origin,stage")]
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    problems = [
        Problem(MANIFEST, number, "file", f"{row.get('file')!r} is not a file in {folder}")
        for number, row in enumerate(rows, start=2)
        if not (
            row.get("file")
            and (folder / row["file"]).is_file()
            and (folder / row["file"]).resolve().is_relative_to(folder.resolve())
        )
    ]
    return rows, problems


def _keys(values: dict) -> list[tuple]:
    """What identifies a record (or the record a row of decisions is about), most certain first."""
    title = default_process(values.get("title") or "")
    keys = [("record_id", values.get("record_id")), ("doi", doi_key(values.get("doi"))), ("pmid", values.get("pmid"))]
    return [k for k in keys if k[1]] + ([("title", title, values.get("year")), ("title", title)] if title else [])


class Ledger:
    """The run's records as they are built: their ids, duplicates, decisions and the lines of the report."""

    def __init__(self, run_id: str):
        self.run_id = run_id
        self.records: list[dict] = []
        self.index: dict[tuple, dict[str, dict]] = {}  # what identifies a record -> the records kept it may be
        self.report: list[str] = []
        self.problems: list[Problem] = []

    def add(self, origin: str, entries: list[Entry], kind: str) -> None:
        stem = paths.slug(Path(entries[0].file).stem) if entries else ""
        for entry in entries:
            unit = "record" if kind in ("RIS", "MEDLINE") else "row"
            record: dict = {
                "search_run_id": self.run_id,
                "record_id": f"{stem}-{entry.place}",
                "origin": origin,
                **{k: entry.get(k) for k in BIBLIOGRAPHIC},
                "record_source": f"extraction: {entry.file}, {unit} {entry.place}",
                "sources": [],
                "given": {},  # decision field -> the file and row that gave it
            }
            self.records.append(record)
        self.report.append(f"{entries[0].file if entries else '?'} ({kind}, {origin}): {len(entries):,} records")

    def deduplicate(self, previous: dict[str, dict], databases: set[str]) -> None:
        ids = {r["record_id"] for r in self.records}
        overrides = {  # the author's, kept while both records are still in the exports
            rid: (r["duplicate_of"], r["duplicate_rule"])
            for rid, r in previous.items()
            if r["duplicate_rule"] in (MARKED_BY_AUTHOR, KEPT_APART) and {rid, r["duplicate_of"]} <= ids
        }
        found = find_duplicates([r for r in self.records if r["origin"] in databases], overrides)
        for record in self.records:
            record["duplicate_of"], record["duplicate_rule"] = found.get(record["record_id"], (None, None))
        rules = Counter(rule for _, rule in found.values() if rule != KEPT_APART)
        said = "; ".join(f"{n:,} {rule}" for rule, n in rules.most_common())
        self.report.append(f"Duplicates: {sum(rules.values()):,} removed" + (f" ({said})" if said else ""))
        # A row of decisions about a duplicate is about the record kept.
        by_id = {r["record_id"]: r for r in self.records}
        for record in self.records:
            kept = (
                by_id[record["duplicate_of"]]
                if found.get(record["record_id"], ("", KEPT_APART))[1] != KEPT_APART
                else record
            )
            for key in _keys(record):
                self.index.setdefault(key, {})[kept["record_id"]] = kept

    def decide(self, entries: list[Entry], kind: str, name: str, databases: set[str]) -> None:
        tally: Counter = Counter()
        for entry in entries:
            record = self._find(entry)
            if record is None:
                continue
            decisions = {k: v for k, v in entry.values.items() if k in DECISION_FIELDS}
            if record["origin"] not in databases and "screening" in decisions:
                del decisions["screening"]  # PRISMA 2020 screens no record of other methods
                tally["title-abstract decisions on records of other methods, not used"] += 1
            for field, value in decisions.items():
                if record.get(field) not in (None, value):
                    said = f"{record['given'][field]} says {record[field]!r}"
                    self.problems.append(
                        Problem(name, entry.place, field, f"says {value!r}, but {said} ({record['record_id']})")
                    )
                record[field] = value
                record["given"][field] = f"{name}, row {entry.place}"
                tally[f"{field.replace('_', ' ')} {value}" if field != "exclusion_reason" else "with a reason"] += 1
            record["sources"].append(f"{name}, row {entry.place}")
        said = "; ".join(f"{n:,} {what}" for what, n in sorted(tally.items()))
        self.report.append(f"{name} ({kind}): {len(entries):,} rows of decisions" + (f": {said}" if said else ""))

    def _find(self, entry: Entry) -> dict | None:
        for key in _keys(entry.values):
            matches = list(self.index.get(key, {}).values())
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1 and key[0] in ("record_id", "doi", "pmid"):
                break
        self.problems.append(
            Problem(
                entry.file,
                entry.place,
                None,
                f"matches no single record of the exports (title {entry.get('title')!r}, DOI {entry.get('doi')!r})",
                "give its record_id (listed in data/search_records.csv) in a spreadsheet of decisions",
            )
        )
        return None

    def link_reports(self, reports: list[tuple[str, str | None, str]]) -> None:
        """An included record without a report_id gets the run's report with its DOI, or else its title."""
        for record in self.records:
            if record.get("full_text") != "included" or record.get("report_id"):
                continue
            doi, title = doi_key(record.get("doi")), default_process(record.get("title") or "")
            found = [
                key
                for key, bib_doi, bib_title in reports
                if (doi and doi == doi_key(bib_doi)) or title == default_process(bib_title)
            ]
            if len(found) == 1:
                record["report_id"] = found[0]
                record["sources"].append(f"report_id: the entry {found[0]} of references.bib has its DOI or title")

    def rows(self, fields: list[str]) -> list[list[str]]:
        out = []
        for record in self.records:
            record["decision_source"] = ("extraction: " + "; ".join(record["sources"])) if record["sources"] else None
            out.append(["" if record.get(f) is None else str(record[f]) for f in fields])
        return out


def import_records(root: Path, run_id: str, folder: Path) -> list[str]:
    """Read the exports in ``folder`` into run ``run_id``'s ledger; the lines of the report. Raises DataError."""
    tables, bib, descriptor, _ = read_all(root)  # the import's result is validated whole below
    if run_id not in {r["search_run_id"] for r in tables["search_runs"].records}:
        fix = "add the run (and its databases) first"
        raise DataError([Problem("data/search_runs.csv", None, "search_run_id", f"has no run {run_id!r}", fix)])
    databases = {r["database"] for r in tables["search_databases"].records if r["search_run_id"] == run_id}
    manifest, problems = _manifest(folder)
    if problems:
        raise DataError(problems)
    ledger = Ledger(run_id)
    deciding = []
    for row in manifest:
        name = row["file"]
        if (row.get("origin") or "").strip():
            kind, entries, found = read_records(folder / name, name)
            problems += found
            ledger.add(row["origin"].strip(), entries, kind)
        else:
            deciding.append((name, *read_decisions(folder / name, name, (row.get("stage") or "").strip() or None)))
    previous = {r["record_id"]: r for r in tables["search_records"].records if r["search_run_id"] == run_id}
    ledger.deduplicate(previous, databases)
    for name, kind, entries, found in deciding:
        problems += found
        ledger.decide(entries, kind, name, databases)
    reports = [
        (r["report_id"], bib[r["report_id"]].doi, bib[r["report_id"]].title)
        for r in tables["reports"].records
        if r["first_search_run_id"] == run_id and r["role"] in INCLUDED_ROLES and r["report_id"] in bib
    ]
    ledger.link_reports(reports)
    problems += ledger.problems
    if problems:
        raise DataError(problems)
    resource = next(r for r in descriptor["resources"] if r["name"] == "search_records")
    fields = [f["name"] for f in resource["schema"]["fields"]]
    data = paths.data_dir(root)
    _, *kept = read_csv_rows(data / LEDGER)
    kept = [row for row in kept if row[0] != run_id]
    files = {
        data / LEDGER: to_csv(fields, kept + ledger.rows(fields)),
        data / DATABASES: _database_counts(data, ledger, run_id),
    }
    write_if_valid(root, files, lambda problem: _locate(problem, ledger.records, len(kept)), write=True)
    return ledger.report + _flow_lines(root, run_id)


def _database_counts(data: Path, ledger: Ledger, run_id: str) -> bytes:
    """search_databases.csv with the records of each of the run's databases counted from the ledger."""
    header, *rows = read_csv_rows(data / DATABASES)
    run, name, records, source = (header.index(c) for c in ("search_run_id", "database", "records", "records_source"))
    counts = Counter(r["origin"] for r in ledger.records)
    for row in rows:
        if row[run] == run_id:
            row[records] = str(counts[row[name]])
            row[source] = f"extraction: counted from the run's records in data/{LEDGER}"
    return to_csv(header, rows)


def _locate(problem: Problem, records: list[dict], before: int) -> Problem:
    """A problem in a ledger row of this import, told as the export record it came from."""
    index = (problem.row or 0) - 2 - before
    if problem.file != f"data/{LEDGER}" or not 0 <= index < len(records):
        return problem
    record = records[index]
    where = record["record_source"].removeprefix("extraction: ")
    return Problem(
        where.rsplit(", ", 1)[0],
        int(where.rsplit(" ", 1)[1]),
        problem.column,
        f"record {record['record_id']}: {problem.message}",
        problem.fix,
    )


def _flow_lines(root: Path, run_id: str) -> list[str]:
    flow = flow_numbers(load(root), run_id)
    lines = [f"The flow of run {run_id}, counted from {flow.counted_from:,} records:"]
    for column, stages in STAGES.items():
        lines.append(
            f"  {COLUMN_NAMES[column]}: "
            + "; ".join(f"{LABELS[s].lower()} {flow.stages[(column, s)]:,}" for s in stages)
        )
    return lines
