"""Rules for data/findings.csv and data/finding_reports.csv beyond the schema's own.

The schema already requires a statement, a theme and a locator, and checks that themes,
runs, findings and reports exist (foreign keys). Here: a locator says where the claim
stands (a known source prefix; an article locator names its theme's section), positions are unique within a section, and a finding never cites
a report found by a later search than the finding's own.
"""

from __future__ import annotations

import re

from peerwork_review.domain.provenance import LOCATOR_PREFIXES
from peerwork_review.reading.editions_rules import run_order

# Unknown-value prefixes ('not found:') make no sense for a claim: a finding stands somewhere.
_HEADING = re.compile(r"heading '([^']+)'")


def _section_headings(tables) -> dict[str, str]:
    """Theme id -> its heading in the article's Results, where name_source gives one."""
    out = {}
    for record in tables["themes"].records:
        if not isinstance(record["name_source"], str):  # empty, or failed its own check
            continue
        match = _HEADING.search(record["name_source"])
        if match:
            out[record["theme_id"]] = match.group(1)
    return out


def check_findings(tables) -> None:
    """Every problem with the findings, given the parsed tables of :func:`peerwork_review.reading.load.read_and_validate`."""
    findings, links = tables["findings"], tables["finding_reports"]
    order = run_order(tables)  # (that a later run's finding cannot cite the article is integrity's)
    headings = _section_headings(tables)
    seen_positions: dict[tuple, int] = {}
    run_of: dict[str, str] = {}
    for record, row in zip(findings.records, findings.rows):
        run_of[record["finding_id"]] = record["search_run_id"]
        locator, theme_id = record["locator"], record["theme_id"]
        if isinstance(locator, str):
            if not locator.lower().startswith(LOCATOR_PREFIXES):
                why = f"a locator says where the finding stands and starts with one of: {', '.join(LOCATOR_PREFIXES)}"
                findings.problem(row, "locator", why)
            elif locator.lower().startswith("article:"):
                heading = headings.get(theme_id)
                if isinstance(heading, str) and not locator.startswith(f"article: Results, '{heading}'"):
                    why = f"a finding of {theme_id!r} from the article stands in its section"
                    findings.problem(row, "locator", why, f"start the locator with \"article: Results, '{heading}'\"")
        key = (theme_id, record["position"])
        if isinstance(record["position"], int) and isinstance(theme_id, str):
            if key in seen_positions:
                why = f"position {record['position']} of {theme_id!r} is taken (row {seen_positions[key]})"
                findings.problem(row, "position", why, "number the findings of a section 1, 2, 3, …")
            else:
                seen_positions[key] = row
    report_run = {r["report_id"]: r["first_search_run_id"] for r in tables["reports"].records}
    for record, row in zip(links.records, links.rows):
        finding_run, cited_run = run_of.get(record["finding_id"]), report_run.get(record["report_id"])
        if finding_run in order and cited_run in order and order[cited_run] > order[finding_run]:
            why = (
                f"{record['report_id']!r} was first found by run {cited_run!r}, after the finding's run {finding_run!r}"
            )
            links.problem(row, "report_id", why)
