"""``peerwork-review check``: silent and 0 when nothing differs; the difference in words and 1 otherwise."""

from __future__ import annotations

import os

import pytest

from peerwork_review.derivation import reproduction
from peerwork_review.model.review import load
from peerwork_review.notebooks import recheck
from peerwork_review.rendering.render import value_text
from tests.audit_helpers import TEST, set_by_key
from tests.helpers import ROOT, cli, copy_project, in_process


def test_check_finds_no_difference_in_the_repository(capsys):
    result = in_process(capsys, ROOT, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("No difference")


@pytest.mark.slow  # the command line itself, as make check starts it
def test_check_says_what_changed_and_exits_1(tmp_path):
    root = copy_project(tmp_path / "project", ["data", "notebooks", "references.bib", "CITATION.cff"])
    set_by_key(
        root,
        "published_figures.csv",
        {"figure_id": "studies_united_states"},
        value="99",
        quote="United States (n = 99)",
    )
    result = cli(root, "check")
    assert result.returncode == 1
    assert "Studies conducted in the United States: published 7, now 99;" in result.stdout
    assert "→ outside range." in result.stdout and "run `make refresh`" in result.stdout


def _stored(review) -> dict[str, dict[str, dict[str, str]]]:
    """Notebook 05's two tables for ``review``, as :func:`recheck.stored` reads them from its stored outputs."""
    figures = {
        row["description"]: {
            recheck.PUBLISHED: value_text(row["published"]),
            recheck.DERIVED: str(row["derived"]),
            recheck.STATUS: row["status"],
        }
        for row in reproduction.figure_table(review).to_dict("records")
    }
    sums = {
        row["description"]: {recheck.SUM: value_text(row["sum_of_parts"]), recheck.STATUS: row["status"]}
        for row in reproduction.check_table(review).to_dict("records")
    }
    return {recheck.FIGURES: figures, recheck.SUMS: sums}


def test_differences_say_in_words_what_a_changed_value_did(review, project_copy):
    set_by_key(project_copy, "study_countries.csv", {"study_id": "gates2010"}, country="Canada", source=TEST)
    changed = load(project_copy)
    found = recheck.differences(reproduction.figure_table(changed), reproduction.check_table(changed), _stored(review))
    assert "Studies conducted in the United States: derived 6–7, now 6; within range → outside range." in found
    assert "Studies conducted in Australia: derived 3–4, now 3; within range → reproduced." in found


def test_check_exits_1_on_invalid_data(tmp_path, capsys):
    root = copy_project(tmp_path / "project", ["data", "notebooks", "references.bib"])
    set_by_key(root, "studies.csv", {"study_id": "berry2011"}, sample_size="four")
    result = in_process(capsys, root, "check")
    assert result.returncode == 1 and "nothing could be re-derived" in result.stderr


def test_differences_name_rows_missing_on_either_side(review):
    figures, checks = reproduction.figure_table(review), reproduction.check_table(review)
    retired = {"Description": "A retired figure", "Published": "3", "Derived": "3", "Status": "reproduced"}
    found = recheck.differences(figures, checks, {recheck.FIGURES: {"A retired figure": retired}})
    assert "A retired figure: in the stored outputs (reproduced), but no longer a published figure." in found
    first = figures.iloc[0]
    assert (
        f"{first['description']}: not in the stored outputs; now derived {first['derived']} ({first['status']})."
        in found
    )
    assert any(line.startswith("Stated sum “") and "not in the stored outputs" in line for line in found)


def test_the_stored_tables_are_read_as_the_book_shows_them():
    stored = recheck.stored(ROOT)
    figures, checks = stored[recheck.FIGURES], stored[recheck.SUMS]
    assert figures and checks
    for row in figures.values():
        assert {recheck.PUBLISHED, recheck.DERIVED, recheck.STATUS} <= set(row) and "\\" not in row[recheck.KEY]
    assert all(row[recheck.SUM].replace(",", "").lstrip("-").isdigit() for row in checks.values())


def test_a_killed_refresh_leaves_no_kernel_folder_for_the_next(tmp_path, monkeypatch):
    """SIGKILL leaves the kernels' folder (and its connection files, with their keys) behind;
    the next refresh removes those of processes that are gone, and no one else's."""
    import subprocess
    import tempfile

    from peerwork_review.notebooks import refresh

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = tmp_path / f"{refresh.KERNELS}{gone.pid}-abc"
    alive = tmp_path / f"{refresh.KERNELS}{os.getpid()}-def"
    for folder in (dead, alive):
        folder.mkdir()
        (folder / "kernel-0.json").write_text("{}")
    refresh._remove_leftovers()
    assert not dead.exists() and alive.exists()


def test_check_names_an_output_edited_by_hand(tmp_path, capsys):
    root = copy_project(tmp_path / "project", ["data", "notebooks", "references.bib"])
    notebook = root / "notebooks" / "01-search-and-selection.ipynb"
    text = notebook.read_text(encoding="utf-8")
    assert "5,191" in text
    notebook.write_text(text.replace("5,191", "5,192", 1), encoding="utf-8")
    result = in_process(capsys, root, "check")
    assert result.returncode == 1
    assert "notebooks/01-search-and-selection.ipynb: the stored output of cell" in result.stdout, result.stdout
