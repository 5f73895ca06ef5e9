"""Findings: the theme coding derived from them, their validation, and what is generated from them."""

from __future__ import annotations

import pandas as pd

from conftest import ROOT
from peerwork_review.model import CODING_COLUMNS, coding_from_findings

# The coding of run 2023 as it was entered from the article's Results before the findings
# existed: fixed facts (the article's citations), pinned so the derivation keeps matching them.
FIXTURES = ROOT / "tests" / "fixtures"


def _rows(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    return sorted(tuple(str(v) for v in row) for row in frame[CODING_COLUMNS].itertuples(index=False))


def test_coding_derived_from_the_findings_reproduces_the_articles_citations(review):
    """Theme x report x paragraph of the 2023 run: exactly the rows coded from the article's Results."""
    published = review.as_of("2023")
    derived = coding_from_findings(published.findings, published.finding_reports)
    assert _rows(published.coding) == _rows(derived)
    expected = pd.read_csv(FIXTURES / "theme_coding_2023.csv", dtype=str, keep_default_na=False)
    assert len(expected) == 79
    assert not derived.duplicated().any()
    assert _rows(derived) == _rows(expected)
