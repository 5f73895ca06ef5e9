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


@pytest.mark.parametrize(
    "url, markup",
    [
        ("https://a.example/><script>alert(1)</script>", "<https://a.example/%3E%3Cscript%3Ealert(1)%3C/script%3E>"),
        ("https://a.example/x y`{z}", "<https://a.example/x%20y%60%7Bz%7D>"),
        ("https://a.example/p?a=1&b=2#c", "<https://a.example/p?a=1&b=2#c>"),
        ("javascript:alert(1)", "javascript\\:alert\\(1\\)"),
    ],
)
def test_a_web_address_becomes_a_link_that_cannot_end_early(url, markup):
    assert render.web_link(url) == markup
