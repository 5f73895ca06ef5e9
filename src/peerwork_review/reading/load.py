"""Read ``data/`` as described by ``data/datapackage.json``, validate it, return tidy tables.

Validation runs in this order and collects every problem into one :class:`DataError`:

0. nothing is read through a link that leaves the project, or loops (``paths.links_out``);
1. the descriptor (:mod:`.descriptor_json`, :mod:`.descriptor`, :mod:`.fields`): strict JSON,
   only what this loader implements, every file inside ``data/``, the resources and fields
   the code reads; a broken descriptor stops here, since every file read through it would
   give follow-on errors;
2. each CSV file (:mod:`.csvfile`): encoding, shape, and every cell by its field's type,
   constraints and missing values;
3. ``references.bib`` (:mod:`.bibliography`);
4. rules across rows: unique values, primary and foreign keys, provenance and the
   sources of later runs (:mod:`.checks`); the review's own rules (:mod:`.rules`) and
   the PRISMA arithmetic (:mod:`.flow_checks`) and the record ledger of later runs
   (:mod:`.ledger_rules`). Each rule runs only when the files it
   reads could be read, and skips cells that failed their own check.
"""

from __future__ import annotations

from pathlib import Path

from peerwork_review import paths
from peerwork_review.errors import DataError, Problem
from peerwork_review.reading import descriptor as datapackage
from peerwork_review.reading import editions_rules, figure_values, reading_rules, rules, sources
from peerwork_review.reading import findings_rules as findings_validation
from peerwork_review.reading.bibliography import BibEntry, check_bibliography
from peerwork_review.reading.csvfile import INVALID, Table, read_table  # noqa: F401 - re-exported
from peerwork_review.reading.descriptor import Resource
from peerwork_review.reading.descriptor_json import read_json
from peerwork_review.reading.flow_rules import check_exclusion_reasons, check_flow
from peerwork_review.reading.integrity import (
    check_foreign_keys,
    check_later_run_sources,
    check_provenance,
    check_unique,
)
from peerwork_review.reading.ledger_rules import check_ledger
from peerwork_review.reading.rules import parse_expression  # noqa: F401 - re-exported for reproduction and consistency

FLOW_TABLES = ("prisma_flow", "search_runs", "published_figures", "reports", "search_databases", "search_records")


def read_descriptor(data: Path) -> dict:
    """The descriptor as JSON, once it has passed the checks of :mod:`.schema`."""
    descriptor, problems = read_json(data)
    if descriptor is not None:
        _, problems = datapackage.parse(descriptor, data)
    if problems:
        raise DataError(problems)
    assert descriptor is not None  # read_json gives none only with a problem
    return descriptor


def _cross_file_rules(
    t: dict[str, Table], resources: dict[str, Resource], bib: dict[str, BibEntry], bib_readable: bool
) -> list[Problem]:
    def readable(*names: str) -> bool:
        return all(t[name].readable for name in names)

    problems: list[Problem] = []
    if readable("article_references", "reports"):
        problems += rules.check_bibliography_links(t, bib, bib_readable)
    if readable("reports", "studies", "quality_appraisal", "study_countries"):
        problems += rules.check_studies_and_reports(t)
    if readable("themes"):
        problems += rules.check_themes(t)
    if readable("search_runs", "search_databases"):
        problems += rules.check_runs(t)
    if readable(*FLOW_TABLES):
        flow, found = check_flow(t)
        problems += found
        if readable("prisma_exclusion_reasons"):
            problems += check_exclusion_reasons(t, flow)
    if readable("search_records", "search_runs", "search_databases", "reports"):
        problems += check_ledger(t)
    if readable("figure_checks", "published_figures") and "figure_id" not in t["published_figures"].invalid:
        problems += rules.check_figure_checks(t)
    if readable("search_runs", "studies", "reports"):
        problems += check_later_run_sources(t)
    if readable("findings", "finding_reports", "themes", "reports", "search_runs"):
        problems += findings_validation.problems(t)
    if readable("search_runs", "studies", "reports", "withdrawals", "corrections", "findings", "finding_reports"):
        problems += editions_rules.problems(t, resources)
    if readable("sources"):
        problems += sources.check_sources(t)
    if readable("readings", "reading_changes", "published_figures"):
        problems += reading_rules.check_readings(t, resources)
    if readable("published_figures", "figure_checks"):
        problems += figure_values.check_figure_values(t)
    problems += rules.check_drawable(t, bib)
    return problems


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
    descriptor, problems = read_json(data)
    if descriptor is None:
        raise DataError(problems)
    resources, problems = datapackage.parse(descriptor, data)
    if problems:
        raise DataError(problems)
    tables: dict[str, Table] = {}
    for name, resource in resources.items():
        tables[name], found = read_table(data, resource)
        problems += found
    bib, bib_problems, bib_readable = check_bibliography(paths.bibliography(root))
    problems += bib_problems
    for name, table in tables.items():
        if table.readable:
            problems += check_unique(table, resources[name].primary_key)
            problems += check_foreign_keys(table, resources[name], tables)
            problems += check_provenance(table)
    problems += _cross_file_rules(tables, resources, bib, bib_readable)
    return tables, bib, descriptor, problems
