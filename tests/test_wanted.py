"""Cells wanted: every missing value once, ranked by the published figures it settles; settling is real."""

from __future__ import annotations

import pandas as pd
import pytest

from peerwork_review.derivation import consistency, derive, figure_inputs, reproduction, wanted
from peerwork_review.model.review import load
from tests.audit_helpers import TEST, set_by_key


@pytest.fixture(scope="module")
def cells(review):
    return wanted.cells_wanted(review)


def test_each_missing_value_is_listed_once(review, cells):
    assert not cells.duplicated(["file", "key", "column"]).any()
    table_3 = cells[cells["file"] == consistency.TABLE_3]
    assert (table_3["bears_on"] > 0).all()  # a cell of Table 3 is wanted when it bears on a published figure
    article = review.as_of(review.article_run)  # the published prevalences count the article's studies
    support = derive.theme_support(article)
    for figure_id in ("prevalence_education_training", "prevalence_leadership"):
        theme = figure_inputs.prevalence_theme(figure_id)
        uncited = len(article.studies) - int((support["theme_id"] == theme).sum())
        assert (
            int(table_3["bears_on_figures"].str.split().map(lambda ids, figure_id=figure_id: figure_id in ids).sum())
            == uncited
        )
    assert len(cells[cells["file"] == "data/quality_appraisal.csv"]) == int(review.quality["mmat_rating"].isna().sum())


def test_rows_are_ranked_by_what_they_settle(cells):
    ranks = list(zip(cells["settles"], cells["bears_on"]))
    assert ranks == sorted(ranks, reverse=True)
    for settles, bears in zip(cells["settles_figures"], cells["bears_on_figures"]):
        assert set(settles.split()) <= set(bears.split())


def test_the_2023_figures_want_gates_country_first(cells):
    top = cells.iloc[0]
    assert (top["file"], top["key"], top["column"]) == ("data/study_countries.csv", "gates2010", "country")
    assert top["implied"] == "United States (forced)"
    assert set(top["settles_figures"].split()) == {
        f for f, (family, _) in figure_inputs.CATEGORY_FIGURES.items() if family == "location"
    } | {"main_countries", "multi_country_countries"}


def test_filling_a_cell_settles_exactly_the_figures_it_claims(project_copy):
    before = wanted.cells_wanted(load(project_copy))
    claimed = set(before.iloc[0]["settles_figures"].split())
    set_by_key(project_copy, "study_countries.csv", {"study_id": "gates2010"}, country="United States", source=TEST)
    table = reproduction.figure_table(load(project_copy)).set_index("figure_id")
    now_exact = {f for f in table.index if table.loc[f, "status"] == reproduction.REPRODUCED}
    assert claimed <= now_exact
    assert all(table.loc[f, "status"] == reproduction.REPRODUCED for f in claimed)


@pytest.mark.slow
def test_the_book_offers_the_whole_table_as_csv(built_book, live_review):
    """The download is the table the notebook stored, copied out by the build (nothing recomputed)."""
    cells = wanted.cells_wanted(live_review)
    (found,) = built_book.glob("_downloads/*/cells_wanted.csv")
    back = pd.read_csv(found, keep_default_na=False, dtype=str)
    assert list(back.columns) == list(cells.columns) and len(back) == len(cells)
    page = (built_book / "notebooks" / "06-what-the-numbers-imply.html").read_text()
    assert f'href="../{found.relative_to(built_book).as_posix()}"' in page
