"""The validated dataset as pandas tables, with the few lookups every notebook needs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from peerwork_review import paths
from peerwork_review.reading.bibliography import BibEntry, short_labels
from peerwork_review.reading.load import read_and_validate

TABLES = {
    "search_runs": "runs",
    "search_databases": "databases",
    "prisma_flow": "flow",
    "prisma_exclusion_reasons": "exclusion_reasons",
    "search_records": "records",
    "studies": "studies",
    "study_countries": "countries",
    "quality_appraisal": "quality",
    "article_references": "references",
    "reports": "reports",
    "themes": "themes",
    "findings": "findings",
    "finding_reports": "finding_reports",
    "published_figures": "figures",
    "figure_checks": "checks",
    "sources": "sources",
    "readings": "readings",
    "reading_changes": "reading_changes",
}


DTYPES = {"integer": "Int64", "year": "Int64", "number": "Float64", "boolean": "boolean"}


def _frame(table) -> pd.DataFrame:
    """Numbers as nullable pandas types; text, dates and year-months as objects with None (not NaN) for unknown values."""
    columns = {}
    for spec in table.fields:
        values = [record[spec["name"]] for record in table.records]
        dtype = DTYPES.get(spec["type"], object)
        columns[spec["name"]] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(columns)


@dataclass(frozen=True)
class Review:
    root: Path
    runs: pd.DataFrame
    databases: pd.DataFrame
    flow: pd.DataFrame
    exclusion_reasons: pd.DataFrame
    records: pd.DataFrame  # the record ledger of later runs (search_records.csv)
    studies: pd.DataFrame
    countries: pd.DataFrame
    quality: pd.DataFrame
    references: pd.DataFrame
    reports: pd.DataFrame
    themes: pd.DataFrame
    findings: pd.DataFrame
    finding_reports: pd.DataFrame
    figures: pd.DataFrame
    checks: pd.DataFrame
    sources: pd.DataFrame
    readings: pd.DataFrame
    reading_changes: pd.DataFrame
    bib: dict[str, BibEntry]
    # resource name -> its entry in datapackage.json (types, keys, allowed values)
    resources: dict[str, dict]
    scope: str | None = None  # the run this view stops at; None means every run

    @classmethod
    def from_tables(cls, root: Path, tables: dict, bib: dict[str, BibEntry], descriptor: dict) -> Review:
        # Any: mypy cannot tell that the keywords below name only the DataFrame fields.
        frames: dict[str, Any] = {attr: _frame(tables[name]) for name, attr in TABLES.items()}
        frames["runs"] = frames["runs"].sort_values(["date_end", "search_run_id"], ignore_index=True)
        resources = {r["name"]: r for r in descriptor["resources"]}
        return cls(root=root, bib=bib, resources=resources, **frames)

    # -- runs -------------------------------------------------------------

    @property
    def run_ids(self) -> list[str]:
        """Search runs, oldest first."""
        return list(self.runs["search_run_id"])

    @property
    def latest_run(self) -> str:
        return self.run_ids[-1]

    @property
    def article_run(self) -> str:
        """The published review's own search: the earliest run, whatever later runs add."""
        return self.run_ids[0]

    def as_of(self, run_id: str) -> Review:
        """The review as it stood after ``run_id``: studies, reports, findings and runs up to that run."""
        if run_id not in self.run_ids:
            raise KeyError(f"unknown search run {run_id!r}")
        keep = self.run_ids[: self.run_ids.index(run_id) + 1]
        studies = self.studies[self.studies["first_search_run_id"].isin(keep)]
        ids = set(studies["study_id"])
        reports = self.reports[self.reports["study_id"].isin(ids) | (self.reports["role"] == "not included")]
        findings = self.findings[self.findings["search_run_id"].isin(keep)]
        links = self.finding_reports
        links = links[
            links["finding_id"].isin(set(findings["finding_id"])) & links["report_id"].isin(set(reports["report_id"]))
        ]
        return replace(
            self,
            runs=self.runs[self.runs["search_run_id"].isin(keep)],
            databases=self.databases[self.databases["search_run_id"].isin(keep)],
            flow=self.flow[self.flow["search_run_id"].isin(keep)],
            exclusion_reasons=self.exclusion_reasons[self.exclusion_reasons["search_run_id"].isin(keep)],
            records=self.records[self.records["search_run_id"].isin(keep)],
            studies=studies,
            countries=self.countries[self.countries["study_id"].isin(ids)],
            quality=self.quality[self.quality["study_id"].isin(ids)],
            reports=reports,
            findings=findings,
            finding_reports=links,
            scope=run_id,
        )

    @cached_property
    def coding(self) -> pd.DataFrame:
        """Theme x report x locator, derived from the findings (see :func:`coding_from_findings`)."""
        return coding_from_findings(self.findings, self.finding_reports)

    @cached_property
    def memo(self) -> dict:
        """Derived tables computed once per review (``derive`` keeps them here; the review never changes)."""
        return {}

    # -- studies and reports ----------------------------------------------

    # Lookups are computed once per Review (it is immutable; ``as_of`` makes a new one),
    # so per-study calls stay constant-time as the review grows.

    @cached_property
    def _reports_by_study(self) -> dict[str, list[str]]:
        ordered = self.reports.assign(
            not_main=self.reports["role"] != "main",
            year=[self.bib[k].year for k in self.reports["report_id"]],
        ).sort_values(["not_main", "year", "report_id"])
        out: dict[str, list[str]] = {}
        for study_id, report_id in zip(ordered["study_id"], ordered["report_id"]):
            if study_id is not None:
                out.setdefault(study_id, []).append(report_id)
        return out

    def main_report(self, study_id: str) -> str:
        return self._reports_by_study[study_id][0]

    def study_reports(self, study_id: str) -> list[str]:
        """Report keys of a study, main report first, then by year and key."""
        return list(self._reports_by_study[study_id])

    @cached_property
    def _labels(self) -> dict[str, str]:
        return short_labels(self.bib)

    def study_label(self, study_id: str) -> str:
        """Author-year label of the study's main report, lettered as the book cites it ('Byrne et al. 2019a')."""
        return self._labels[self.main_report(study_id)]

    @cached_property
    def _study_order(self) -> list[str]:
        return [s for _, s in sorted((self.study_label(s), s) for s in self.studies["study_id"])]

    def study_order(self) -> list[str]:
        """Studies in the order of the review's Table 1: alphabetical by label, then id."""
        return list(self._study_order)

    def figure(self, figure_id: str) -> int:
        return int(self.figures.loc[self.figures["figure_id"] == figure_id, "value"].iloc[0])

    def figure_text(self, figure_id: str) -> str:
        """A published identifier or date (``value_text``), as printed in the data."""
        return str(self.figures.loc[self.figures["figure_id"] == figure_id, "value_text"].iloc[0])


CODING_COLUMNS = ["theme_id", "report_id", "source"]


def coding_from_findings(findings: pd.DataFrame, finding_reports: pd.DataFrame) -> pd.DataFrame:
    """Theme x report x locator: one row per report cited in a section (and paragraph) of the synthesis.

    Several findings of one paragraph may cite the same report; the coding counts it once,
    as the article's citations in that paragraph do.
    """
    linked = finding_reports.merge(findings[["finding_id", "theme_id", "locator"]], on="finding_id")
    return (
        linked.rename(columns={"locator": "source"})[CODING_COLUMNS]
        .drop_duplicates()
        .sort_values(CODING_COLUMNS)
        .reset_index(drop=True)
    )


def rows(frame: pd.DataFrame) -> list[dict]:
    """Records of ``frame`` with None for every missing value (iterrows turns None into NaN)."""

    def clean(value):
        return None if value is None or (not isinstance(value, (tuple, list)) and pd.isna(value)) else value

    return [{k: clean(v) for k, v in record.items()} for record in frame.to_dict("records")]


def load(root: Path | None = None) -> Review:
    """The validated dataset of the project at ``root`` (default: this project); raises DataError."""
    root = (root or paths.project_root()).resolve()
    return Review.from_tables(root, *read_and_validate(root))
