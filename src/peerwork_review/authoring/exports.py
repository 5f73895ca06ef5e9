"""Read a search's exports: the records of each database or other method, and the screening decisions.

Every reader gives :class:`Entry` rows (a record, or a row of decisions, with its file and
place there) and :class:`~peerwork_review.errors.Problem` s naming the file, the record and
the field. Where each format is described:

- RIS: the RIS format as ``rispy`` reads it (its tag mapping: TI/T1 title, AU/A1 authors,
  PY/Y1 year, DO DOI, JO/T2/JF journal).
- MEDLINE (PubMed's "PubMed" format, ``.nbib``/``.txt``): NLM's "MEDLINE/PubMed Data Element
  (Field) Descriptions": a four-character tag, "- ", the value; a line that starts with six
  spaces continues the one above; records are separated by a blank line. No maintained
  Python parser of it was found, so its few lines are read here.
- ASReview LAB's export of a project as CSV: the dataset's columns plus ``included``
  (1 relevant, 0 irrelevant, empty not labelled) and ``asreview_ranking``.
- Rayyan's CSV export: bibliographic columns and ``notes``, which packs the decisions as
  ``RAYYAN-INCLUSION: {"Reviewer"=>"Included", ...} | RAYYAN-EXCLUSION-REASONS: reason``.
- Covidence's CSV export of one list (its file name says which: ``irrelevant``, ``select``,
  ``excluded``, ``included``), with ``Covidence #`` and, for excluded studies, ``Notes``
  holding ``Exclusion reason: ...``.
- A plain spreadsheet (CSV or .xlsx) of decisions whose headers are the ledger's own
  decision columns.

Bibliographic columns of CSV exports are found under the names these tools use (``Title``,
``Published Year``, ``PubMed ID``, ``Source title`` ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import rispy
from openpyxl import load_workbook

from peerwork_review.authoring.workbook import read_csv_rows
from peerwork_review.domain.ledger import DECISION_FIELDS
from peerwork_review.errors import Problem

# ledger field -> the headers of CSV exports it is found under (normalised: lower case, "_" for the rest)
HEADERS = {
    "doi": ("doi",),
    "pmid": ("pmid", "pubmed_id"),
    "title": ("title", "primary_title"),
    "year": ("year", "published_year", "publication_year"),
    "first_author": ("authors", "author", "first_authors", "first_author"),
    "journal": ("journal", "journal_name", "source_title", "secondary_title"),
}
BIBLIOGRAPHIC = tuple(HEADERS)
ALIASES = {header: field for field, headers in HEADERS.items() for header in headers}
RIS_FIELDS = {
    "title": ("title", "primary_title"),
    "first_author": ("authors", "first_authors"),
    "year": ("year", "publication_year"),
    "doi": ("doi",),
    "journal": ("journal_name", "secondary_title", "alternate_title3"),
}
# Covidence's lists -> the decisions a study in it has had
COVIDENCE_LISTS = {
    "irrelevant": {"screening": "excluded"},
    "select": {"screening": "included"},
    "excluded": {"screening": "included", "retrieved": "yes", "full_text": "excluded"},
    "included": {"screening": "included", "retrieved": "yes", "full_text": "included"},
}
RAYYAN = re.compile(r"RAYYAN-INCLUSION:\s*\{(?P<votes>[^}]*)\}")
RAYYAN_REASONS = re.compile(r"RAYYAN-EXCLUSION-REASONS:\s*(?P<reasons>[^|]*)")
STAGES = ("title-abstract", "full-text")
CHOICES = ("removed", "screening", "retrieved", "full_text")  # decision fields with a list of values


@dataclass
class Entry:
    """A record, or a row of decisions, as read from one export."""

    file: str
    place: int  # the record's number in a RIS or MEDLINE file; the row of a spreadsheet (header: row 1)
    values: dict[str, str] = field(default_factory=dict)  # bibliographic fields and decisions, as text

    def get(self, name: str) -> str | None:
        return self.values.get(name) or None


def _text(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return " ".join(str(value).split()) if value is not None else ""


def _clean(values: dict[str, str]) -> dict[str, str]:
    out = {name: _text(value) for name, value in values.items()}
    if out.get("year"):
        found = re.search(r"\b(1[0-9]{3}|2[0-9]{3})\b", out["year"])
        out["year"] = found.group(1) if found else ""
    if out.get("first_author"):
        out["first_author"] = re.split(r";| and ", out["first_author"])[0].strip()
    if out.get("pmid"):
        out["pmid"] = re.sub(r"\D", "", out["pmid"])
    return {name: value for name, value in out.items() if value}


def read_ris(path: Path, name: str) -> tuple[list[Entry], list[Problem]]:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    records = rispy.loads(text, skip_unknown_tags=True)
    starts = len(re.findall(r"^TY  -", text, flags=re.MULTILINE))
    if starts != len(records):  # rispy drops a record whose end tag is missing
        return [], [
            Problem(name, None, None, f"has {starts} records (TY) but {len(records)} end tags (ER)", "export it again")
        ]
    entries = []
    for place, record in enumerate(records, start=1):
        values = {key: next((record[t] for t in tags if record.get(t)), "") for key, tags in RIS_FIELDS.items()}
        entries.append(Entry(name, place, _clean(values)))
    return entries, []


def read_medline(path: Path, name: str) -> tuple[list[Entry], list[Problem]]:
    tags: list[list[tuple[str, str]]] = []
    for line in path.read_text(encoding="utf-8-sig", errors="replace").splitlines():
        if not line.strip():
            continue
        if line.startswith("      ") and tags and tags[-1]:
            tag, value = tags[-1][-1]
            tags[-1][-1] = (tag, f"{value} {line.strip()}")
        elif re.match(r"^[A-Z][A-Z0-9 ]{1,3}- ", line):
            tag, value = line[:4].strip(), line[6:].strip()
            if tag == "PMID":
                tags.append([])
            if not tags:
                return [], [Problem(name, 1, tag, "a MEDLINE record must start with its PMID line")]
            tags[-1].append((tag, value))
    entries = []
    for place, record in enumerate(tags, start=1):
        first: dict[str, str] = {}
        for tag, value in record:
            first.setdefault(tag, value)
        doi = next(
            (v.removesuffix("[doi]").strip() for t, v in record if t in ("LID", "AID") and v.endswith("[doi]")), ""
        )
        values = {
            "pmid": first.get("PMID", ""),
            "title": first.get("TI", "") or first.get("BTI", ""),
            "first_author": first.get("FAU", "") or first.get("AU", ""),
            "year": first.get("DP", ""),
            "journal": first.get("JT", "") or first.get("TA", ""),
            "doi": doi,
        }
        entries.append(Entry(name, place, _clean(values)))
    if not entries:
        return [], [Problem(name, None, None, "holds no MEDLINE record (none starts with 'PMID- ')")]
    return entries, []


def read_sheet(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Normalised headers and rows (with their row numbers) of a CSV file or the first sheet of an .xlsx file."""
    if path.suffix.lower() == ".xlsx":
        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        table = [
            ["" if v is None else str(int(v) if isinstance(v, float) and v.is_integer() else v) for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    else:
        table = read_csv_rows(path)
    if not table:
        return [], []
    header = [re.sub(r"[^a-z0-9]+", "_", h.strip().lower()).strip("_") for h in table[0]]
    rows = [
        (number, dict(zip(header, row))) for number, row in enumerate(table[1:], start=2) if any(c.strip() for c in row)
    ]
    return header, rows


def kind_of(header: list[str], rows) -> str:
    """Which tool made a spreadsheet, from its headers."""
    if "covidence" in header:
        return "Covidence"
    if "notes" in header and any(RAYYAN.search(row.get("notes", "")) for _, row in rows):
        return "Rayyan"
    if {"asreview_ranking", "label_included", "included"} & set(header) and not set(DECISION_FIELDS) & set(header):
        return "ASReview"
    return "spreadsheet"


def _bibliographic(row: dict[str, str]) -> dict[str, str]:
    return _clean({ALIASES[k]: v for k, v in row.items() if k in ALIASES and v})


def read_records_sheet(path: Path, name: str) -> tuple[list[Entry], list[Problem]]:
    header, rows = read_sheet(path)
    if "title" not in {ALIASES.get(h) for h in header}:
        return [], [
            Problem(
                name,
                1,
                None,
                "has no title column",
                f"name it one of: {', '.join(sorted(HEADERS['title']))}",
            )
        ]
    return [Entry(name, number, _bibliographic(row)) for number, row in rows], []


def _rayyan(row: dict[str, str], stage: str) -> tuple[dict[str, str], str | None]:
    notes = row.get("notes", "")
    found = RAYYAN.search(notes)
    votes = set(re.findall(r'=>\s*"([^"]*)"', found.group("votes"))) if found else set()
    if len(votes) != 1 or votes <= {"Maybe"}:
        said = ", ".join(sorted(votes)) or "no decision"
        return {}, f"Rayyan gives {said}; resolve it in Rayyan (one decision, Included or Excluded) and export again"
    decision = "included" if votes == {"Included"} else "excluded"
    if stage == "title-abstract":
        return {"screening": decision}, None
    reasons = RAYYAN_REASONS.search(notes)
    listed = [r.strip() for r in reasons.group("reasons").split(",") if r.strip()] if reasons else []
    if decision == "excluded" and len(listed) != 1:
        return {}, f"a report excluded at full text needs exactly one reason; Rayyan gives {len(listed)}"
    return {"retrieved": "yes", "full_text": decision, **({"exclusion_reason": listed[0]} if listed else {})}, None


def read_decisions(path: Path, name: str, stage: str | None) -> tuple[str, list[Entry], list[Problem]]:
    """The tool that made the file, its rows of decisions (each with what identifies its record), and problems."""
    header, rows = read_sheet(path)
    kind = kind_of(header, rows)
    entries, problems = [], []
    covidence = next((status for status in COVIDENCE_LISTS if status in path.stem.lower()), None)
    refusal = None
    if kind == "Covidence" and covidence is None:
        refusal = (
            "a Covidence export's name must say its list (irrelevant, select, excluded or included): keep its name"
        )
    elif kind == "Rayyan" and stage not in STAGES:
        refusal = "say in the manifest's stage column whether these are title-abstract or full-text decisions"
    if refusal:
        return kind, [], [Problem(name, None, None, refusal)]
    for number, row in rows:
        decisions: dict[str, str] = {}
        problem = None
        if kind == "ASReview":
            label = next((row[c] for c in ("included", "label_included") if c in row), "").strip()
            if label not in ("0", "1"):
                problem = (
                    f"ASReview gives no label ({label!r}); label it, or give its decision in a spreadsheet of decisions"
                )
            decisions = {"screening": "included" if label == "1" else "excluded"}
        elif kind == "Rayyan":
            decisions, problem = _rayyan(row, stage or "")
        elif kind == "Covidence" and covidence is not None:
            decisions = dict(COVIDENCE_LISTS[covidence])
            if covidence == "excluded":
                reason = re.sub(r"(?i)^\s*exclusion reason:\s*", "", row.get("notes", ""))
                decisions["exclusion_reason"] = reason.strip().rstrip(";").strip()
        else:
            decisions = {k: " ".join(row[k].split()) for k in DECISION_FIELDS if row.get(k, "").strip()}
            decisions |= {k: v.lower() for k, v in decisions.items() if k in CHOICES}  # "Included" means included
        if problem:
            problems.append(Problem(name, number, None, problem))
            continue
        values = _bibliographic(row) | decisions
        if kind == "spreadsheet" and row.get("record_id", "").strip():
            values["record_id"] = row["record_id"].strip()
        entries.append(Entry(name, number, values))
    if kind == "spreadsheet" and not set(DECISION_FIELDS) & set(header):
        problems.append(
            Problem(name, 1, None, f"has no decision column: give one or more of {', '.join(DECISION_FIELDS)}")
        )
    return kind, entries, problems


def read_records(path: Path, name: str) -> tuple[str, list[Entry], list[Problem]]:
    """The records of one database or other method: RIS, MEDLINE, or a spreadsheet with a title column."""
    suffix = path.suffix.lower()
    head = path.read_text(encoding="utf-8-sig", errors="replace")[:4000] if suffix != ".xlsx" else ""
    if suffix == ".ris" or re.search(r"^TY  - ", head, flags=re.MULTILINE):
        return "RIS", *read_ris(path, name)
    if suffix in (".nbib", ".txt", ".medline") or head.startswith("PMID-"):
        return "MEDLINE", *read_medline(path, name)
    if suffix in (".csv", ".xlsx"):
        return "spreadsheet", *read_records_sheet(path, name)
    return "?", [], [Problem(name, None, None, "is neither RIS, MEDLINE (PubMed format), CSV nor .xlsx")]
