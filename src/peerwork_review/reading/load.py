"""Read ``data/`` as described by ``data/datapackage.json``, validate it, return tidy tables.

Validation runs in this order and collects every problem into one :class:`DataError`:

0. nothing is read through a link that leaves the project, or loops (``paths.links_out``);
1. the descriptor (:mod:`.descriptor_json`, :mod:`.descriptor`, :mod:`.standard`): strict
   JSON, only what this loader implements, the Data Package standard (by Frictionless), every
   file inside ``data/``, the resources and fields the code reads; a broken descriptor stops
   here, since every file read through it would give follow-on errors;
2. each CSV file (:mod:`.csvfile`): encoding, shape, and every cell by its field
   (:mod:`.fields`: our checks before typing, then Frictionless's type and constraints);
3. ``references.bib`` (:mod:`.bibliography`);
4. rules across rows: unique values, primary and foreign keys, provenance and the sources of
   later runs (:mod:`.integrity`); the review's own rules (:mod:`.rules`, :mod:`.findings_rules`,
   :mod:`.figure_values`, :mod:`.sources`, :mod:`.reading_rules`), the order of the runs that find
   reports, withdraw studies and correct values (:mod:`.editions_rules`), the PRISMA arithmetic
   (:mod:`.flow_rules`, :mod:`.reason_rules`) and the record ledger of later runs
   (:mod:`.ledger_rules`). Each rule runs only when the files it reads could be read, skips
   cells that failed their own check, and reports on the table whose file has the problem.
"""

from __future__ import annotations

from pathlib import Path

from peerwork_review import paths
from peerwork_review.errors import DataError, Problem
from peerwork_review.reading import descriptor as datapackage
from peerwork_review.reading import editions_rules, figure_values, reading_rules, rules, sources
from peerwork_review.reading.bibliography import BibEntry, check_bibliography
from peerwork_review.reading.csvfile import INVALID, Table, read_table  # noqa: F401 - re-exported
from peerwork_review.reading.descriptor import Resource
from peerwork_review.reading.descriptor_json import read_json
from peerwork_review.reading.figure_values import parse_expression  # noqa: F401 - re-exported for reproduction and consistency
from peerwork_review.reading.findings_rules import check_findings
from peerwork_review.reading.flow_rules import check_flow
from peerwork_review.reading.integrity import (
    check_foreign_keys,
    check_later_run_sources,
    check_provenance,
    check_unique,
)
from peerwork_review.reading.ledger_rules import check_ledger
from peerwork_review.reading.reason_rules import check_exclusion_reasons

FLOW_TABLES = ("prisma_flow", "search_runs", "published_figures", "reports", "search_databases", "search_records")


def read_descriptor(data: Path) -> dict:
    """The descriptor as JSON, once it has passed the checks of :mod:`.descriptor`."""
    return _descriptor(data)[0]


def _descriptor(data: Path) -> tuple[dict, dict[str, Resource]]:
    """The descriptor and its resources; raise :class:`DataError` if it is broken (every file read through it
    would give follow-on errors)."""
    descriptor, problems = read_json(data)
    if descriptor is None:
        raise DataError(problems)
    resources, problems = datapackage.parse(descriptor, data)
    if problems:
        raise DataError(problems)
    return descriptor, resources


def _cross_file_rules(
    t: dict[str, Table], resources: dict[str, Resource], bib: dict[str, BibEntry], bib_readable: bool
) -> None:
    def readable(*names: str) -> bool:
        return all(t[name].readable for name in names)

    if readable("article_references", "reports"):
        rules.check_bibliography_links(t, bib, bib_readable)
    if readable("reports", "studies", "quality_appraisal", "study_countries"):
        rules.check_studies_and_reports(t)
    if readable("themes"):
        rules.check_themes(t)
    if readable("search_runs", "search_databases"):
        rules.check_runs(t)
    if readable(*FLOW_TABLES):
        flow = check_flow(t)
        if readable("prisma_exclusion_reasons"):
            check_exclusion_reasons(t, flow)
    if readable("search_records", "search_runs", "search_databases", "reports"):
        check_ledger(t)
    if readable("search_runs", "studies", "reports"):
        check_later_run_sources(t)
    if readable("findings", "finding_reports", "themes", "reports", "search_runs"):
        check_findings(t)
    if readable("search_runs", "studies", "reports", "withdrawals", "corrections", "findings", "finding_reports"):
        editions_rules.check_editions(t, resources)
    if readable("sources"):
        sources.check_sources(t)
    if readable("readings", "reading_changes", "published_figures"):
        reading_rules.check_readings(t, resources)
    if readable("published_figures", "figure_checks"):
        figure_values.check_figure_values(t)
    rules.check_drawable(t, bib)


def read_and_validate(root: Path | None = None) -> tuple[dict[str, Table], dict[str, BibEntry], dict]:
    """Every resource, the bibliography and the descriptor; raise :class:`DataError` listing all problems."""
    tables, bib, descriptor, problems = read_all(root)
    if problems:
        raise DataError(problems)
    return tables, bib, descriptor


def read_all(root: Path | None = None) -> tuple[dict[str, Table], dict[str, BibEntry], dict, list[Problem]]:
    """Every resource, the bibliography, the descriptor and every problem; raise :class:`DataError` only
    for a link out of the project or a descriptor that cannot be read (an import reads data/ that a step
    of the update left incomplete)."""
    root = root or paths.project_root()
    data = paths.data_dir(root)
    # Nothing is read through a link that leaves the project: the book would publish it.
    linked = [Problem(file, None, None, why) for file, why in paths.links_out(root, ("references.bib", "data"))]
    if linked:
        raise DataError(linked)
    descriptor, resources = _descriptor(data)
    tables = {name: read_table(data, resource) for name, resource in resources.items()}
    bib, problems, bib_readable = check_bibliography(paths.bibliography(root))
    for name, table in tables.items():
        if table.readable:
            check_unique(table, resources[name].primary_key)
            check_foreign_keys(table, resources[name], tables)
            check_provenance(table)
    _cross_file_rules(tables, resources, bib, bib_readable)
    return tables, bib, descriptor, problems + [p for table in tables.values() for p in table.problems]
