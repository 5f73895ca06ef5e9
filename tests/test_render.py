"""Tables in the notebooks' MyST output parse, whatever the data hold."""

from __future__ import annotations

import pandas as pd
import pytest
from docutils.core import publish_doctree
from myst_parser.parsers.docutils_ import Parser

from peerwork_review.rendering import render


def _problems(myst: str) -> list[str]:
    doctree = publish_doctree(myst, parser=Parser(), settings_overrides={"report_level": 5, "halt_level": 5})
    return [node.astext() for node in doctree.findall() if node.tagname == "system_message"]


@pytest.mark.parametrize("rows", [[], [["Gates 2010", "Australia"]]])
def test_a_table_parses_with_or_without_rows(rows):
    """An empty table (a larger or later review can leave one) says "none" instead of stopping the build."""
    myst = render.list_table(pd.DataFrame(rows, columns=["Study", "Country"]), "Studies", "tbl-studies")
    assert _problems(str(myst)) == []
    assert ("* - none" in myst) == (not rows)
