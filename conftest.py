"""pytest settings for the whole repository: what nbval reports on the notebooks reads as what happened.

nbval heads every failure "Notebook cell execution failed", also when the cell ran and only
its output differs from the stored one; a reviewer should read that instead.
"""

from __future__ import annotations

import pytest

NBVAL_HEADLINE = "Notebook cell execution failed"
OUTPUT_DIFFERS = (
    "A stored output differs from what the cell computes now (intended? `make refresh` stores "
    "the new outputs; `make check` says in words what changed)"
)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and isinstance(report.longrepr, str) and "Cell outputs differ" in report.longrepr:
        report.longrepr = report.longrepr.replace(NBVAL_HEADLINE, OUTPUT_DIFFERS, 1)
