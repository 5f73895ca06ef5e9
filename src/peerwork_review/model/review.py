"""The validated dataset as pandas tables, with the few lookups every notebook needs."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from peerwork_review import paths
from peerwork_review.domain.editions import in_time_order
from peerwork_review.reading.bibliography import BibEntry, short_labels
from peerwork_review.reading.load import read_and_validate
from peerwork_review.reading.reading_rules import JOIN

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
    "withdrawals": "withdrawals",
    "corrections": "corrections",
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
    withdrawals: pd.DataFrame
    corrections: pd.DataFrame
    figures: pd.DataFrame
    checks: pd.DataFrame
    sources: pd.DataFrame
    readings: pd.DataFrame
    reading_changes: pd.DataFrame
    bib: dict[str, BibEntry]
    # resource name -> its entry in datapackage.json (types, keys, allowed values)
    resources: dict[str, dict]
    scope: str | None = None  # the run this view stops at; None: the data as stored, withdrawn studies included
    # The data as stored, which every view is taken from (None for the data themselves).
    everything: Review | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_tables(cls, root: Path, tables: dict, bib: dict[str, BibEntry], descriptor: dict) -> Review:
        # Any: mypy cannot tell that the keywords below name only the DataFrame fields.
        frames: dict[str, Any] = {attr: _frame(tables[name]) for name, attr in TABLES.items()}
        runs = frames["runs"].set_index("search_run_id", drop=False)
        frames["runs"] = runs.loc[in_time_order(zip(runs["date_end"], runs["search_run_id"]))].reset_index(drop=True)
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
        """The review as it stood after ``run_id``, with every value as the data hold it now (corrections apply to every view).

        It keeps the runs up to ``run_id``; the studies they found, less those a run up to
        ``run_id`` withdrew; the reports those runs found of those studies (a report belongs to
        the run that found it, whatever its study's run), and the reports of no included study;
        and the findings of those runs, with their links to the reports kept.
        """
        data = self.everything or self
        if run_id not in data.run_ids:
            raise KeyError(f"unknown search run {run_id!r}")
        keep = data.run_ids[: data.run_ids.index(run_id) + 1]
        withdrawals = data.withdrawals[data.withdrawals["search_run_id"].isin(keep)]
        studies = data.studies[
            data.studies["first_search_run_id"].isin(keep) & ~data.studies["study_id"].isin(withdrawals["study_id"])
        ]
        ids = set(studies["study_id"])
        reports = data.reports[
            (data.reports["study_id"].isin(ids) & data.reports["first_search_run_id"].isin(keep))
            | (data.reports["role"] == "not included")
        ]
        findings = data.findings[data.findings["search_run_id"].isin(keep)]
        links = data.finding_reports
        links = links[
            links["finding_id"].isin(set(findings["finding_id"])) & links["report_id"].isin(set(reports["report_id"]))
        ]
        return replace(
            data,
            runs=data.runs[data.runs["search_run_id"].isin(keep)],
            databases=data.databases[data.databases["search_run_id"].isin(keep)],
            flow=data.flow[data.flow["search_run_id"].isin(keep)],
            exclusion_reasons=data.exclusion_reasons[data.exclusion_reasons["search_run_id"].isin(keep)],
            records=data.records[data.records["search_run_id"].isin(keep)],
            studies=studies,
            countries=data.countries[data.countries["study_id"].isin(ids)],
            quality=data.quality[data.quality["study_id"].isin(ids)],
            reports=reports,
            findings=findings,
            finding_reports=links,
            withdrawals=withdrawals,
            corrections=data.corrections[data.corrections["search_run_id"].isin(keep)],
            scope=run_id,
            everything=data,
        )

    @property
    def published(self) -> Review:
        """The published review: the review as of its own search, whatever later runs add, correct or withdraw."""
        return self.as_of(self.article_run)

    def with_tables(self, frames: dict[str, pd.DataFrame]) -> Review:
        """These data with some tables (by resource name) replaced in memory, seen as of the same run."""
        # Any: mypy cannot tell that the keywords name only the DataFrame fields (as in from_tables).
        tables: dict[str, Any] = {TABLES[name]: frame for name, frame in frames.items()}
        data = replace(self.everything or self, **tables)
        return data.as_of(self.scope) if self.scope is not None else data

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

    def column_title(self, file: str, column: str) -> tuple[str, str]:
        """A column of a file in ``data/`` in readers' words: (its title in datapackage.json, the file's title);
        the column's name with spaces, and the file's path, where the descriptor gives no title."""
        resource: dict = next((r for r in self.resources.values() if f"data/{r['path']}" == file), {})
        field: dict = next((f for f in resource.get("schema", {}).get("fields", []) if f["name"] == column), {})
        return field.get("title", column.replace("_", " ")), resource.get("title", file)

    def figure(self, figure_id: str) -> int:
        return int(self.figures.loc[self.figures["figure_id"] == figure_id, "value"].iloc[0])


def set_value(
    data: Review, frames: dict[str, pd.DataFrame], table: str, key: str, column: str, text: str | None
) -> None:
    """Set, in ``frames[table]``, the cell of the row whose key reads ``key`` (key columns joined by
    :data:`~peerwork_review.reading.reading_rules.JOIN`) to ``text``, typed as its column (empty: unknown)."""
    frame, fields = frames[table], data.resources[table]["schema"].get("primaryKey", [])
    keys = [JOIN.join("" if pd.isna(v) else str(v) for v in values) for values in frame[fields].itertuples(index=False)]
    number = str(frame[column].dtype) == "Int64"
    value = (pd.NA if number else None) if not text else (int(text) if number else text)
    frame.loc[pd.Series([k == key for k in keys], index=frame.index), column] = value


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
    """The review as it stands now (as of the latest run) from the validated data of the project at ``root``
    (default: this project); raises DataError. Views of earlier runs are taken with :meth:`Review.as_of`."""
    root = (root or paths.project_root()).resolve()
    data = Review.from_tables(root, *read_and_validate(root))
    return data.as_of(data.latest_run)
