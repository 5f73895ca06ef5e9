"""Findings: the theme coding derived from them, their validation, and what is generated from them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from peerwork_review.derivation import derive
from peerwork_review.errors import DataError
from peerwork_review.model.review import CODING_COLUMNS, coding_from_findings, load, rows
from peerwork_review.rendering import charts as figures
from peerwork_review.rendering import findings, tables
from peerwork_review.rendering.render import escape
from tests.helpers import ROOT, append, copy_project, edit_rows, set_cell
from tests.payloads import HOSTILE
from tests.test_updating import RUN, TEST, add_second_run
from tests.test_updating import RUN as UPDATE_RUN
from tests.test_updating import STUDY as UPDATE_STUDY

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


# -- validation ---------------------------------------------------------------------


def add_later_run(root: Path, run: str = RUN) -> None:
    append(
        root,
        "search_runs.csv",
        {
            "search_run_id": run,
            "label": "Later run (test data)",
            "date_start": "2099-01",
            "date_end": "2099-12",
            **dict.fromkeys(["date_start_source", "date_end_source", "other_methods_source"], TEST),
        },
    )


BROKEN_FINDINGS = {
    "locator that says nothing": (
        lambda root: set_cell(root, "findings.csv", 2, "locator", "not found: somewhere"),
        'data/findings.csv, row 2, column "locator": a locator says where the finding stands',
    ),
    "finding filed under another section": (
        lambda root: set_cell(root, "findings.csv", 2, "theme_id", "leadership"),
        "data/findings.csv, row 2, column \"locator\": a finding of 'leadership' from the article stands in its section; "
        "start the locator with \"article: Results, 'Subtheme 4: leadership'\"",
    ),
    "two findings in one place": (
        lambda root: set_cell(root, "findings.csv", 3, "position", "1"),
        "data/findings.csv, row 3, column \"position\": position 1 of 'education-training' is taken (row 2)",
    ),
    "article finding in a later run": (
        lambda root: (add_later_run(root), set_cell(root, "findings.csv", 2, "search_run_id", RUN)),
        f"data/findings.csv, row 2, column \"locator\": cites the article, but this row belongs to search run '{RUN}'",
    ),
    "finding citing a report of a later run": (
        lambda root: (add_later_run(root), set_cell(root, "reports.csv", 2, "first_search_run_id", RUN)),
        f"column \"report_id\": 'berry2011another' was first found by run '{RUN}', after the finding's run '2023'",
    ),
    "badly formed finding id": (
        lambda root: set_cell(root, "findings.csv", 2, "finding_id", "Education training"),
        "data/findings.csv, row 2, column \"finding_id\": 'Education training' does not match the pattern",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN_FINDINGS))
def test_broken_findings_are_reported(project_copy, name):
    breaks, expected = BROKEN_FINDINGS[name]
    breaks(project_copy)
    with pytest.raises(DataError) as caught:
        load(project_copy)
    assert expected in str(caught.value), str(caught.value)


# -- generated text, tables and map agree with the findings ------------------------


CITE = re.compile(r"\{cite:p\}`([^`]*)`")


def test_each_section_tells_its_findings_in_order_with_their_citations(review):
    links = review.finding_reports.groupby("finding_id", sort=False)["report_id"].apply(list).to_dict()
    bodies = findings.sections(review)
    assert list(bodies) == list(derive.ordered_themes(review)["theme_id"])
    for theme_id in review.themes["theme_id"]:
        text = "\n\n".join(bodies[theme_id].split("\n\n")[:-1])
        mine = review.findings[review.findings["theme_id"] == theme_id].sort_values("position")
        cursor = 0
        for f in rows(mine):
            sentence = escape(f["statement"].rstrip("."))
            at = text.find(sentence, cursor)
            assert at >= cursor, f"{f['finding_id']} missing or out of order"
            cursor = at + len(sentence)
            following = re.match(r" \{cite:p\}`([^`]*)`", text[cursor:])
            assert (following.group(1).split(",") if following else []) == links.get(f["finding_id"], []), f[
                "finding_id"
            ]
        # nothing is cited but the findings' reports
        cited = [k for group in CITE.findall(text) for k in group.split(",")]
        assert sorted(cited) == sorted(k for fid in mine["finding_id"] for k in links.get(fid, []))


NUMBER_WORDS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|hundred|single|both|all)\b",
    re.I,
)


def test_counts_agree_with_table_3_and_carry_no_typed_number(review):
    table = tables.themes_and_references(review)
    names = derive.ordered_themes(review)
    published = tables.published_prevalence(review)
    bodies, all_counts = findings.sections(review), findings.all_theme_counts(review)
    for row, theme in zip(table.to_dict("records"), rows(names)):
        counts = all_counts[theme["theme_id"]]
        counts_text = bodies[theme["theme_id"]].split("\n\n")[-1]
        assert row["Findings in its own section"] == str(counts.findings)
        assert counts.findings == int((review.findings["theme_id"] == theme["theme_id"]).sum())
        assert row["Studies cited (with its subthemes)"] == str(counts.cited.with_subthemes)
        assert f"holds {counts.findings} finding" in counts_text
        if theme["theme_id"] in published:
            assert counts.published == published[theme["theme_id"]]
            assert (
                f"reports that {counts.published} of its {review.figure('studies_included')} included studies"
                in counts_text
            )
            gap = counts.published - counts.cited_in_published_run.with_subthemes
            assert (f"exceeds the studies its Results cite by {gap}\\:" in counts_text) == (gap > 0)
        else:
            assert counts.published is None and "gives no number of studies" in counts_text
        note = escape(counts.note) if counts.note else ""
        assert not NUMBER_WORDS.search(counts_text.replace(note, "")), counts_text


def test_evidence_map_by_findings_agrees_with_the_codes_and_the_studies_table(review):
    counts, studies, themes = figures.evidence_counts(review)
    codes, code_studies, code_themes = figures.evidence_codes(review)
    assert (studies, themes) == (code_studies, code_themes)
    # a study has findings in a section exactly when the section cites it
    assert ((counts > 0) == (codes == 2)).all()
    assert sorted(studies) == sorted(review.studies["study_id"])
    for by in figures.EVIDENCE:
        fig = figures.evidence_map(review, by=by)
        assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [review.study_label(s) for s in studies]
        if by == "findings":
            drawn = sorted(int(t.get_text()) for t in fig.axes[0].texts)
            assert drawn == sorted(int(v) for v in counts.flat if v)
        plt.close(fig)


def test_generated_text_escapes_the_data(project_copy):
    set_cell(project_copy, "findings.csv", 2, "statement", HOSTILE)
    text = findings.sections(load(project_copy))["education-training"]
    assert "{cite:p}`nobody2099`" not in text and "<script>" not in text and "**not bold**" not in text
    assert CITE.findall(text)  # the citations the module writes still resolve


def test_a_section_without_findings_says_so(project_copy):
    edit_rows(project_copy, "finding_reports.csv", lambda r: [x for x in r if not x[0].startswith("role-clarity-")])
    edit_rows(project_copy, "findings.csv", lambda r: [x for x in r if x[2] != "role-clarity"])
    review = load(project_copy)
    text = findings.sections(review)["role-clarity"]
    assert text.startswith("This section holds no findings")
    row = tables.themes_and_references(review).set_index("Subtheme").loc["Role clarity"]
    assert row["Findings in its own section"] == "0"


# -- an update adds findings ---------------------------------------------------------


@pytest.fixture(scope="module")
def updated_review(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("findings-update") / "project", ["data", "references.bib"], frozen=True)
    add_second_run(root)
    return load(root)


def test_findings_of_a_later_run_flow_through_every_view(review, updated_review):
    new = updated_review
    old = new.as_of(review.latest_run)
    added = new.findings[new.findings["search_run_id"] == UPDATE_RUN]
    assert len(added) > 0 and not old.findings["finding_id"].isin(added["finding_id"]).any()
    assert old.findings.equals(review.findings) and old.finding_reports.equals(review.finding_reports)
    counts_before, counts_after, bodies = (
        findings.all_theme_counts(old),
        findings.all_theme_counts(new),
        findings.sections(new),
    )
    for theme_id in added["theme_id"]:
        before, after = counts_before[theme_id], counts_after[theme_id]
        assert after.findings == before.findings + int((added["theme_id"] == theme_id).sum())
        assert after.cited.with_subthemes == before.cited.with_subthemes + 1
        # the article's figure is still compared with the article's run
        assert after.cited_in_published_run == before.cited_in_published_run
        text = bodies[theme_id]
        assert all(escape(s.rstrip(".")) in text for s in added.loc[added["theme_id"] == theme_id, "statement"])
        if after.published is not None:
            assert "With the findings of later search runs" in text
    counts, studies, _ = figures.evidence_counts(new)
    assert sorted(studies) == sorted(new.studies["study_id"])
    assert counts[studies.index(UPDATE_STUDY)].sum() == len(added)


# -- the overlap check -----------------------------------------------------------------


def run_overlap(article: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_overlap.py"), str(article), *extra],
        capture_output=True,
        text=True,
    )


SENTENCE = (
    "Peer workers in this invented test sentence kept meeting their colleagues every week to plan the service together."
)


def test_overlap_script_finds_ten_shared_words_and_fails(project_copy, tmp_path):
    set_cell(project_copy, "findings.csv", 3, "statement", SENTENCE)
    words = SENTENCE.split()
    article = tmp_path / "article.txt"
    # ten consecutive words of the statement, in other punctuation and case, inside unrelated text
    article.write_text(
        "Unrelated opening words here. " + "; ".join(words[2:12]).upper() + " and unrelated closing words.\n"
    )
    result = run_overlap(article, "--root", str(project_copy))
    assert result.returncode == 1, result.stdout + result.stderr
    shared = " ".join(w.lower() for w in words[2:12])
    assert result.stdout.splitlines() == [
        f'data/findings.csv, row 3, column "statement": 10 words shared with the article: "{shared}"'
    ]


def test_overlap_script_passes_nine_shared_words(project_copy, tmp_path):
    set_cell(project_copy, "findings.csv", 3, "statement", SENTENCE)
    words = SENTENCE.split()
    article = tmp_path / "article.txt"
    article.write_text(" ".join(words[:9]) + " interrupted " + " ".join(words[9:]) + "\n")
    result = run_overlap(article, "--root", str(project_copy))
    assert result.returncode == 0, result.stdout
    assert "No run of 10 or more consecutive words" in result.stdout
