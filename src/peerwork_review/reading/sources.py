"""The register of public sources (``data/sources.csv``): every provenance resolves to it or to the article.

Source cells keep the address of the page a value was read from, so a reader of the CSV
can follow it without a lookup; the register lists each address once, with what the page
gives and when it was read. The rule checked here:

- every address (``http://`` or ``https://``) in any source column is a ``url`` of the register;
- a ``fact sheet:`` source names at least one such address;
- the words "fact sheet" appear only as that label followed by an address: the fact sheet
  itself (the edition's working notes) is not in the repository, so a cell may not point at it.
"""

from __future__ import annotations

import re

import pandas as pd

REGISTER = "data/sources.csv"
_URL = re.compile(r"https?://[^\s;]+")
_FACT_SHEET = re.compile(r"fact sheet", re.I)
_FACT_SHEET_WITH_ADDRESS = re.compile(r"fact sheet:\s*https?://", re.I)
ADD_SOURCE = f"add a row for it to {REGISTER} (source_id, url, title, what it gives, when it was read)"
IN_REGISTER = f"listed in {REGISTER}"


def addresses(text: str) -> list[str]:
    """Every web address in a source cell, without the punctuation that closes a sentence or a bracket."""
    found = []
    for match in _URL.findall(text):
        url = match.rstrip(".,'\"")
        while url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1].rstrip(".,'\"")
        found.append(url)
    return found


def source_columns(table) -> list[str]:
    """Columns that hold provenance text: declared ``"provenance": "self"`` in datapackage.json."""
    return [f["name"] for f in table.fields if f.get("provenance") == "self" and f.get("type", "string") == "string"]


def check_sources(tables: dict) -> None:
    """Every provenance resolves to the register or the article; see the module docstring."""
    register = tables.get("sources")
    if register is None or not register.readable:
        return
    known = {r["url"] for r in register.records if isinstance(r["url"], str)}
    for name, table in tables.items():
        if not table.readable or name == "sources":
            continue
        for column in source_columns(table):
            for record, row in zip(table.records, table.rows):
                text = record.get(column)
                if not isinstance(text, str):
                    continue
                urls = addresses(text)
                for url in urls:
                    if url not in known:
                        table.problem(row, column, f"{url} is not in {REGISTER}", ADD_SOURCE)
                if text.lower().startswith("fact sheet:") and not urls:
                    why = "a 'fact sheet:' source must give the address of the page the value was read from"
                    table.problem(row, column, why, f"give its address as {IN_REGISTER}")
                if len(_FACT_SHEET.findall(text)) > len(_FACT_SHEET_WITH_ADDRESS.findall(text)):
                    why = "mentions the fact sheet, which is not in the repository"
                    table.problem(row, column, why, f"cite the address of the page instead ({IN_REGISTER})")


ARTICLE_ID = "article"  # the register row of the review itself, which 'article:' sources cite by section


def citation_counts(tables: dict) -> dict[str, int]:
    """Address -> number of source cells that give it, over every readable table; an
    'article:' source counts for the address of the register's ``article`` row."""
    article = next((r["url"] for r in tables["sources"].records if r["source_id"] == ARTICLE_ID), None)
    counts: dict[str, int] = {}
    for name, table in tables.items():
        if name == "sources" or not table.readable:
            continue
        for column in source_columns(table):
            for record in table.records:
                if isinstance(record.get(column), str):
                    cited = set(addresses(record[column]))
                    if article and "article:" in record[column].lower():
                        cited.add(article)
                    for url in cited:
                        counts[url] = counts.get(url, 0) + 1
    return counts


def register_table(tables: dict) -> pd.DataFrame:
    """The register as the book shows it: one row per source, with how many source cells cite it."""
    cited = citation_counts(tables)
    return pd.DataFrame(
        [
            {
                "Source": r["title"],
                "What it gives": r["gives"],
                "Read": r["read"],
                "Cells citing it": str(cited.get(r["url"], 0)),
                "Address": r["url"],
                "Id": r["source_id"],
            }
            for r in tables["sources"].records
        ]
    )
