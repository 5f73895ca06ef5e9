"""Find the duplicate records of a search, each with the rule that found it; nothing is merged without one.

The rules, tried in this order for each record against the records kept before it:

1. the same DOI (lower case, without ``https://doi.org/`` or ``doi:``);
2. the same PMID;
3. the same title (compared in lower case, letters and digits only), year and first author's surname;
4. a title at least :data:`SIMILARITY` % alike (``rapidfuzz``'s ratio on those normalised titles)
   with the same year and first author's surname.

Two records whose DOIs differ are never merged by title. A merge an author marked, or a
match an author kept apart, in the ledger is kept as it is when the exports are imported again.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from peerwork_review.domain.ledger import DUPLICATE_RULES, MARKED_BY_AUTHOR

SIMILARITY = 95
SAME_DOI, SAME_PMID, SAME_TITLE, SIMILAR_TITLE = DUPLICATE_RULES[:4]


def doi_key(doi: str | None) -> str | None:
    if not doi:
        return None
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi.strip().lower())
    return doi or None


def surname(author: str | None) -> str:
    """'Testauthor, Alex' and 'Testauthor A' -> 'testauthor'."""
    if not author:
        return ""
    return default_process(author.split(",")[0] if "," in author else author.split()[0])


def find_duplicates(records: list[dict], overrides: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """record_id -> (record_id it duplicates, rule), for ``records`` in the order they were exported.

    ``overrides`` are the author's decisions kept in the ledger: record_id -> (other record_id, rule).
    """
    found: dict[str, tuple[str, str]] = {}
    by_doi: dict[str, dict] = {}
    by_pmid: dict[str, dict] = {}
    by_title: dict[tuple, dict] = {}
    blocks: dict[tuple, list[tuple[str, dict]]] = {}
    for record in records:
        rid = record["record_id"]
        override = overrides.get(rid)
        if override and override[1] == MARKED_BY_AUTHOR:
            found[rid] = override
            continue
        doi, title = doi_key(record.get("doi")), default_process(record.get("title") or "")
        block = (record.get("year"), surname(record.get("first_author")))
        match = None
        if override is None:
            match = _match(record, doi, title, block, by_doi, by_pmid, by_title, blocks)
        if match is not None:
            found[rid] = match
            continue
        if override:  # kept apart: the ledger keeps the record it was checked against
            found[rid] = override
        if doi:
            by_doi.setdefault(doi, record)
        if record.get("pmid"):
            by_pmid.setdefault(record["pmid"], record)
        if all(block) and title:
            by_title.setdefault((title, *block), record)
            blocks.setdefault(block, []).append((title, record))
    return found


def _match(record, doi, title, block, by_doi, by_pmid, by_title, blocks) -> tuple[str, str] | None:
    if doi and doi in by_doi:
        return by_doi[doi]["record_id"], SAME_DOI
    if record.get("pmid") and record["pmid"] in by_pmid:
        return by_pmid[record["pmid"]]["record_id"], SAME_PMID
    if not (all(block) and title):
        return None

    def compatible(other: dict) -> bool:
        other_doi = doi_key(other.get("doi"))
        return not (doi and other_doi and doi != other_doi)

    same = by_title.get((title, *block))
    if same is not None and compatible(same):
        return same["record_id"], SAME_TITLE
    others = [other for other in blocks.get(block, []) if compatible(other[1])]
    best = process.extractOne(title, [t for t, _ in others], scorer=fuzz.ratio, score_cutoff=SIMILARITY)
    return (others[best[2]][1]["record_id"], SIMILAR_TITLE) if best else None
