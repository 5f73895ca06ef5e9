"""Findings: the theme coding derived from them, their validation, and what is generated from them."""

from __future__ import annotations

import pandas as pd

from conftest import ROOT
from peerwork_review.model import CODING_COLUMNS, coding_from_findings


def _rows(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    return sorted(tuple(str(v) for v in row) for row in frame[CODING_COLUMNS].itertuples(index=False))


def test_coding_derived_from_the_findings_reproduces_the_articles_citations(review):
    """Theme x report x paragraph of the 2023 run: exactly the rows coded from the article's Results."""
    published = review.as_of("2023")
    derived = coding_from_findings(published.findings, published.finding_reports)
    expected = pd.read_csv(ROOT / "data" / "theme_coding.csv", dtype=str, keep_default_na=False)
    assert len(expected) == 79
    assert not derived.duplicated().any()
    assert _rows(derived) == _rows(expected)
