"""The example later run whose records are in tests/fixtures/records: what an author adds before importing them.

Shared by the tests and the benchmark. Everything is test data, in a copy of the project.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers import append

EXPORTS = Path(__file__).parent / "fixtures" / "records"
RUN = "2099-12"
STUDY, REPORT = "testauthor2099", "testauthor2099peer"
TEST = "test data: invented for the example exports in tests/fixtures/records"
BIB = """
@article{testauthor2099peer,
  author = {Testauthor, Alex and Example, Sam},
  title = {Peer Support Workers in Community Mental Health Teams: A Fictional Test-Data Study},
  journal = {Journal of Test Data},
  year = {2099},
  doi = {10.5555/test.0001}
}
"""
# The flow of the example exports, worked out by hand from tests/fixtures/records/README.md.
FLOW = {
    ("databases", "identified"): 9,
    ("databases", "removed_duplicates"): 2,
    ("databases", "removed_automation"): 0,
    ("databases", "removed_other"): 0,
    ("databases", "screened"): 7,
    ("databases", "excluded_screening"): 2,
    ("databases", "sought"): 5,
    ("databases", "not_retrieved"): 1,
    ("databases", "assessed"): 4,
    ("databases", "excluded_full_text"): 3,
    ("other_methods", "identified"): 2,
    ("other_methods", "sought"): 2,
    ("other_methods", "not_retrieved"): 1,
    ("other_methods", "assessed"): 1,
    ("other_methods", "excluded_full_text"): 1,
}
REASONS = {
    "databases": (("wrong population", 2), ("not a primary study", 1)),
    "other_methods": (("not a primary study", 1),),
}


def add_example_run(root: Path, databases: tuple[str, ...] = ("PubMed", "Scopus")) -> None:
    """The run, its databases, and the study and report its one included record became."""
    append(
        root,
        "search_runs.csv",
        {
            "search_run_id": RUN,
            "label": "Update search (test data)",
            "date_start": "2099-01",
            "date_end": "2099-12",
            "other_methods": "reference lists of included articles",
            **dict.fromkeys(["date_start_source", "date_end_source", "other_methods_source"], TEST),
        },
    )
    append(
        root, "search_databases.csv", *[[RUN, name, TEST, "", "not reported: not counted yet"] for name in databases]
    )
    append(
        root,
        "studies.csv",
        [STUDY, RUN, "qualitative", TEST, "semi-structured interviews", TEST, "community mental health teams", TEST]
        + [12, TEST, "peer workers and team leaders", TEST, "thematic analysis", TEST, "yes", TEST]
        + ["Structured induction helped peer workers settle into their teams (test data).", TEST],
    )
    append(root, "study_countries.csv", [STUDY, "Canada", TEST])
    append(root, "quality_appraisal.csv", [STUDY, "good", TEST])
    append(root, "reports.csv", [REPORT, STUDY, "main", RUN, "", TEST])
    with open(root / "references.bib", "a", encoding="utf-8") as handle:
        handle.write(BIB)


def large_exports(folder: Path, records: int = 10_491) -> Path:
    """Exports of a run the size of the published review's search, for the benchmark: two databases of RIS, the
    second repeating a fifth of the first (half by DOI, half by title only), ASReview's title and abstract decisions
    and a spreadsheet of full-text ones; the example's included record stays the only one included."""
    import csv
    import random

    words = random.Random(2099).choices(
        "peer support worker lived experience recovery team ward service training supervision role clarity "
        "leadership culture stigma policy practice community hospital manager survey interview trial".split(),
        k=records * 9,
    )
    folder.mkdir(parents=True, exist_ok=True)
    first = records * 3 // 5
    repeated = (records - first) * 2 // 5

    def record(i: int) -> dict:
        if i == 0:
            return {
                "title": "Peer support workers in community mental health teams: a fictional test-data study",
                "author": "Testauthor, Alex",
                "year": "2099",
                "doi": "10.5555/test.0001",
            }
        title = f"{' '.join(words[i * 9 : i * 9 + 8])} (fictional record {i})"
        return {
            "title": title,
            "author": f"Author{i % 997}, A",
            "year": str(1990 + i % 100),
            "doi": f"10.5555/bench.{i}",
        }

    def ris(items: list[dict]) -> str:
        doi = lambda r: f"DO  - {r['doi']}\n" if r.get("doi") else ""  # noqa: E731
        return "".join(
            f"TY  - JOUR\nTI  - {r['title']}\nAU  - {r['author']}\nPY  - {r['year']}\n{doi(r)}ER  - \n\n" for r in items
        )

    pubmed = [record(i) for i in range(first)]
    scopus = [{**record(i), **({"doi": ""} if i % 2 else {})} for i in range(1, repeated + 1)]
    scopus += [record(i) for i in range(first, first + records - first - repeated)]
    (folder / "pubmed.ris").write_text(ris(pubmed), encoding="utf-8")
    (folder / "scopus.ris").write_text(ris(scopus), encoding="utf-8")
    kept = pubmed + scopus[repeated:]
    with open(folder / "asreview.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "title", "authors", "year", "doi", "included"])
        writer.writerows([i, r["title"], r["author"], r["year"], r["doi"], int(i <= 10)] for i, r in enumerate(kept))
    with open(folder / "decisions.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["doi", "retrieved", "full_text", "exclusion_reason"])
        writer.writerows(
            [r["doi"], "yes", "included" if i == 0 else "excluded", "" if i == 0 else "wrong population"]
            for i, r in enumerate(kept[:11])
        )
    (folder / "manifest.csv").write_text(
        "file,origin,stage\npubmed.ris,PubMed,\nscopus.ris,Scopus,\nasreview.csv,,\ndecisions.csv,,\n", encoding="utf-8"
    )
    return folder
