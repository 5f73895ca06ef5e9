"""Generate a larger review: ``factor`` times the included studies and themes, in a copy of the project.

Used by the benchmarks (``bench/run.py``) and checked by ``tests/test_scale.py``; never run
on the repository itself:

    from tests.scale import scale_dataset
    scale_dataset(copy_root, 10)

Every generated row is clearly marked as test data (each source is ``test data:
generated``), and the result keeps every validation rule of
``peerwork_review.reading.load``: unique ids matching their patterns, exactly one main report
per study with a bibliography entry, a quality row and at least one (known) country per
study, a non-empty source with a known prefix for every value, themes whose subthemes
point at a theme, and ``themes.theme_id`` values listed in the ``enum`` of
``datapackage.json`` (which the copy's descriptor is extended with).

Each generated study copies one of the original studies (cycling through them) with its
text, countries, reports and the findings citing them, so the data keep the shape of the real review;
the values that are unknown in the original are filled in, so that every value can carry
the test-data source (``with_unknowns`` takes them out again, in memory). Themes are copied
as whole groups (a theme with its subthemes); theme copy *c* gets a copy of every finding
of its original, citing the reports of study copy *c*, so every generated theme has as many
findings and studies as the original one.
"""

from __future__ import annotations

import csv
import json
import string
from pathlib import Path

SOURCE = "test data: generated"
NON_SOURCE = {"key", "editorial", "self"}


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _letters(number: int) -> str:
    """1 -> 'a', 26 -> 'z', 27 -> 'aa': digit-free names for generated authors."""
    out = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        out = string.ascii_lowercase[rest] + out
    return out


def _sources(resource: dict) -> dict[str, list[str]]:
    """Source column -> the value columns it covers (the ``provenance`` of each field)."""
    covered: dict[str, list[str]] = {}
    for spec in resource["schema"]["fields"]:
        prov = spec.get("provenance")
        if prov not in NON_SOURCE:
            covered.setdefault(prov, []).append(spec["name"])
    return covered


def _mark(row: dict, resource: dict) -> dict:
    """Point every source column that covers a value (or was filled in) at the test-data source."""
    for source, columns in _sources(resource).items():
        if source not in row:
            continue
        if any(row.get(c) for c in columns) or row[source]:
            row[source] = SOURCE
    return row


def scale_dataset(root: Path, factor: int) -> dict[str, int]:
    """Multiply the studies (and everything hanging off them) and the themes of ``root`` by ``factor``.

    Returns the new row counts per file. ``factor`` 1 leaves the data unchanged.
    """
    if factor < 1:
        raise ValueError("factor must be at least 1")
    data = root / "data"
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in descriptor["resources"]}
    files = {
        name: data / resources[name]["path"]
        for name in (
            "studies",
            "study_countries",
            "quality_appraisal",
            "reports",
            "themes",
            "findings",
            "finding_reports",
        )
    }
    tables = {name: _read(path) for name, path in files.items()}
    studies, countries, quality = tables["studies"][1], tables["study_countries"][1], tables["quality_appraisal"][1]
    reports, themes = tables["reports"][1], tables["themes"][1]
    findings, links = tables["findings"][1], tables["finding_reports"][1]

    # Copies join the published review's run (the earliest): a later run's flow diagram
    # counts the reports it found, which copies of its studies would outnumber.
    runs = _read(data / resources["search_runs"]["path"])[1]
    article_run = min((r["date_end"], r["search_run_id"]) for r in runs)[1]
    originals = list(studies)
    original_themes = list(themes)
    theme_count = sum(1 for t in original_themes if t["kind"] == "theme")
    bib: list[str] = []

    # -- themes: copy c of every theme and subtheme ------------------------------------
    def theme_copy(theme_id: str, copy: int) -> str:
        return f"g{copy:03d}-{theme_id}"

    for copy in range(1, factor):
        for t in original_themes:
            row = dict(t)
            row["theme_id"] = theme_copy(t["theme_id"], copy)
            if t["parent_theme_id"]:
                row["parent_theme_id"] = theme_copy(t["parent_theme_id"], copy)
                row["position"] = t["position"]
            else:  # themes are numbered after all existing themes; subthemes keep their place
                row["position"] = str(int(t["position"]) + copy * theme_count)
            row["name"] = f"{t['name']} (generated group {copy})"
            themes.append(_mark(row, resources["themes"]))

    # -- studies with countries, quality, reports and bibliography --------------------
    reports_of: dict[str, list[dict]] = {}
    for r in reports:
        if r["study_id"]:
            reports_of.setdefault(r["study_id"], []).append(r)
    countries_of: dict[str, list[str]] = {}
    for c in countries:
        countries_of.setdefault(c["study_id"], []).append(c["country"])
    generated_report: dict[tuple[int, str], str] = {}  # (copy, original report) -> its copy
    designs = ["qualitative", "mixed methods", "quantitative"]
    ratings = ["good", "fair", "poor"]

    number = 0
    for copy in range(1, factor):
        for template in originals:
            number += 1
            sid = f"s{number:04d}"
            row = dict(template)
            row["study_id"] = sid
            row["first_search_run_id"] = article_run
            row["design"] = row["design"] or designs[number % 3]
            row["methods"] = row["methods"] or "semi-structured interviews (generated)"
            row["setting"] = row["setting"] or "community mental health services (generated)"
            row["sample_size"] = row["sample_size"] or str(10 + number % 40)
            row["participants"] = row["participants"] or "peer workers and colleagues (generated)"
            row["data_analysis"] = row["data_analysis"] or "thematic analysis (generated)"
            row["lived_experience_coauthorship"] = row["lived_experience_coauthorship"] or "unknown"
            studies.append(_mark(row, resources["studies"]))

            known = [c for c in countries_of.get(template["study_id"], []) if c] or ["Canada"]
            countries += [{"study_id": sid, "country": c, "source": SOURCE} for c in known]
            quality.append({"study_id": sid, "mmat_rating": ratings[number % 3], "mmat_rating_source": SOURCE})

            surname = f"Bench{_letters(number)}"
            template_reports = sorted(reports_of[template["study_id"]], key=lambda r: r["role"] != "main")
            for k, tr in enumerate(template_reports):
                key = f"{sid}report" if k == 0 else f"{sid}report{_letters(k)}"
                reports.append(
                    {
                        "report_id": key,
                        "study_id": sid,
                        "role": tr["role"],
                        "first_search_run_id": article_run,
                        "article_ref_number": "",
                        "source": SOURCE,
                    }
                )
                year = template["study_id"][-4:] if template["study_id"][-4:].isdigit() else "2020"
                bib.append(
                    f"@article{{{key},\n  author    = {{{surname}, A. and Generated, B. and others}},\n"
                    f"  title     = {{Generated test report {_letters(number)} {_letters(k + 1)}}},\n"
                    f"  journal   = {{Journal of Generated Test Data}},\n  year      = {{{year}}}\n}}\n"
                )
                generated_report[(copy, tr["report_id"])] = key

    # -- findings: theme copy c restates its original's findings, citing study copy c ---
    original_findings, original_links = list(findings), list(links)
    for copy in range(1, factor):
        for f in original_findings:
            findings.append(
                {
                    **f,
                    "finding_id": theme_copy(f["finding_id"], copy),
                    "theme_id": theme_copy(f["theme_id"], copy),
                    "statement": f"{f['statement']} (generated)",
                    "locator": SOURCE,
                }
            )
        for link in original_links:
            # a report of no included study (role 'not included') is cited as it is
            report = generated_report.get((copy, link["report_id"]), link["report_id"])
            links.append({"finding_id": theme_copy(link["finding_id"], copy), "report_id": report})

    for name in files:
        _write(files[name], tables[name][0], tables[name][1])
    if bib:
        with (root / "references.bib").open("a", encoding="utf-8") as handle:
            handle.write("\n% Generated test data (tests/scale.py), not real references.\n\n" + "\n".join(bib))
    field = next(f for f in resources["themes"]["schema"]["fields"] if f["name"] == "theme_id")
    field["constraints"]["enum"] = [t["theme_id"] for t in themes]
    (data / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return {name: len(tables[name][1]) for name in files}


def with_unknowns(review, factor: int):
    """The generated review with every generated study keeping its template's unknown design,
    rating and location, and every published count of studies multiplied by ``factor``.

    The costly case for the joint consistency check: its families stay consistent, and it
    must place many unknown values (``scale_dataset`` fills them in, so the check is quick).
    """
    import dataclasses

    import pandas as pd

    from peerwork_review.derivation.figure_inputs import CATEGORY_FIGURES, prevalence_theme

    originals = list(review.studies["study_id"][: len(review.studies) // factor])
    template = {
        sid: originals[i % len(originals)] for i, sid in enumerate(review.studies["study_id"][len(originals) :])
    }

    def unknown_in_template(frame, column):
        known = dict(zip(frame["study_id"], frame[column]))
        return frame["study_id"].map(lambda s: pd.isna(known[template.get(s, s)]))

    studies = review.studies.copy()
    studies.loc[unknown_in_template(studies, "design"), "design"] = None
    quality = review.quality.copy()
    quality.loc[unknown_in_template(quality, "mmat_rating"), "mmat_rating"] = None
    located = review.countries.groupby("study_id")["country"].apply(lambda c: c.isna().all()).to_dict()
    countries = review.countries.copy()
    lost = countries["study_id"].map(lambda s: located[template.get(s, s)])
    countries = pd.concat(
        [countries[~lost], countries[lost].drop_duplicates("study_id").assign(country=None)], ignore_index=True
    )
    figures = review.figures.copy()
    grows = figures["figure_id"].map(
        lambda f: f in CATEGORY_FIGURES or prevalence_theme(f) is not None or f == "studies_included"
    )
    figures.loc[grows, "value"] = figures.loc[grows, "value"] * factor
    return dataclasses.replace(review, studies=studies, quality=quality, countries=countries, figures=figures)
