"""The source register: every provenance resolves to it or to the article; broken provenance is reported by cell."""

from __future__ import annotations

import pytest

from peerwork_review.errors import DataError
from peerwork_review.model.review import load
from peerwork_review.reading import sources
from peerwork_review.reading.load import read_and_validate
from tests.audit_helpers import TEST, append_row, set_by_key

T1 = "https://bmcpsychiatry.biomedcentral.com/articles/10.1186/s12888-024-05664-9/tables/1"


def test_addresses_are_cut_at_the_punctuation_around_them():
    text = f"inferred: read there (fact sheet: {T1}); see also https://example.org/a_(b). And https://x.org/y, z"
    assert sources.addresses(text) == [T1, "https://example.org/a_(b)", "https://x.org/y"]


def test_every_address_in_the_shipped_data_is_registered(review):
    tables, _, _ = read_and_validate()
    cited = sources.citation_counts(tables)
    registered = set(review.sources["url"])
    assert cited and set(cited) <= registered
    # "fact sheet" appears only as a label followed by an address
    for name, table in tables.items():
        for column in sources.source_columns(table):
            for record in table.records:
                text = record.get(column) or ""
                if "fact sheet" in text.lower():
                    assert "fact sheet: http" in text.lower(), (name, column, text[:80])


def test_the_register_lists_what_each_source_gives_and_when_it_was_read(review):
    assert review.sources["gives"].str.len().gt(0).all()
    assert review.sources["read"].notna().all()
    article = review.sources[review.sources["source_id"] == "article"]
    assert article["url"].tolist() == ["https://doi.org/10.1186/s12888-024-05664-9"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("fact sheet: https://example.org/unregistered", "https://example.org/unregistered is not in data/sources.csv"),
        ("fact sheet: review Table 1", "a 'fact sheet:' source must give the address of the page"),
        ("inferred: the fact sheet, Task 3, says so", "mentions the fact sheet, which is not in the repository"),
    ],
)
def test_unresolved_provenance_is_reported_with_file_row_and_column(project_copy, text, message):
    row = set_by_key(project_copy, "studies.csv", {"study_id": "berry2011"}, setting_source=text)
    with pytest.raises(DataError) as caught:
        load(project_copy)
    assert f'data/studies.csv, row {row}, column "setting_source": {message}' in str(caught.value)


def test_registering_an_address_resolves_it(project_copy):
    set_by_key(
        project_copy, "studies.csv", {"study_id": "berry2011"}, setting_source="fact sheet: https://example.org/new"
    )
    append_row(
        project_copy,
        "sources.csv",
        source_id="example-page",
        url="https://example.org/new",
        title="A test page",
        gives=TEST,
        read="not stated",
    )
    assert load(project_copy).studies.loc[0, "setting_source"] == "fact sheet: https://example.org/new"


# -- published figures that are not counts ----------------------------------------------


@pytest.mark.parametrize(
    "changes, column, message",
    [
        ({"value": "", "value_text": "eight"}, "value", "a figure of type 'count' needs its number in value"),
        (
            {"value_type": "date", "value": "", "value_text": "1 June 2021"},
            "value_text",
            "'1 June 2021' is not a date written YYYY-MM-DD",
        ),
        ({"value_type": "identifier"}, "value", "keeps its value in value_text; leave value empty"),
    ],
)
def test_figure_values_use_the_column_their_type_asks_for(project_copy, changes, column, message):
    row = set_by_key(project_copy, "published_figures.csv", {"figure_id": "databases_searched"}, **changes)
    with pytest.raises(DataError) as caught:
        load(project_copy)
    assert f'data/published_figures.csv, row {row}, column "{column}": ' in str(caught.value)
    assert message in str(caught.value)


def test_a_stated_sum_adds_counts_only(project_copy):
    row = set_by_key(
        project_copy,
        "figure_checks.csv",
        {"check_id": "design_breakdown"},
        expression="design_qualitative + prospero_registration",
    )
    with pytest.raises(DataError) as caught:
        load(project_copy)
    assert (
        f"data/figure_checks.csv, row {row}, column \"expression\": 'prospero_registration' is a figure of type 'identifier'"
        in str(caught.value)
    )


def test_the_abstracts_form_of_the_registration_number_is_flagged(review):
    row = review.figures.set_index("figure_id").loc["prospero_registration"]
    assert row["value_text"] == "CRD42021257013"
    assert "42,021,257,013" in row["note"]
