"""The book: a strict build that leaves data/ alone, no number typed by hand, nbval catching drift."""

from __future__ import annotations

import re

import pytest

from tests.helpers import ROOT, copy_project, run_nbval, set_cell

# Names that contain digits but are not figures.
NAMES = ("CC BY 4.0", "PRISMA 2020", "UTF-8", "ISO 3166-1", "thousands separator")
# Number words from two upwards: "one" is too common as a pronoun ("a later one", "one row
# per study") to be told apart from a count, and nothing in the data is a lone "one".
NUMBER_WORDS = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    r"eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|dozens?)\b",
    re.I,
)


def prose_sources() -> list[tuple[str, str]]:
    """Every piece of prose a person types: book pages and the markdown cells of the hand-written notebooks."""
    import nbformat

    sources = [(path.name, path.read_text()) for path in sorted((ROOT / "book").glob("*.md"))]
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "markdown":
                sources.append((f"{path.name} cell {index}", cell.source))
    return sources


def visible_prose(text: str) -> str:
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # directives: their options are not prose
    text = re.sub(r"\{[a-z:-]+\}`[^`]*`", "", text)  # roles: glue, cite, numref, download, doc
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    text = re.sub(r"`[^`]*`", "", text)  # code
    text = re.sub(r"\"[^\"\n]*\"|“[^”\n]*”", "", text)  # the article's words, quoted
    text = re.sub(r"^\s*\d+\.\s", "", text, flags=re.M)  # ordered-list markers
    for name in NAMES:
        text = text.replace(name, "")
    # the article's own labels ("the review's Table 1", "Subtheme 5") name things, they count nothing
    return re.sub(r"\b(Tables?|Figures?|Fig\.|Themes?|Subthemes?) \d+( (and|to) \d+)?\b", "", text)


@pytest.mark.slow
def test_repository_book_builds_strictly_and_leaves_data_alone(built_book):
    assert (built_book / "index.html").is_file()
    for name in (
        "01-search-and-selection",
        "02-study-characteristics",
        "03-quality-appraisal",
        "04-themes",
        "05-reproduction-check",
    ):
        assert (built_book / "notebooks" / f"{name}.html").is_file()


@pytest.mark.parametrize(
    ("where", "text"), prose_sources(), ids=lambda v: v if isinstance(v, str) and len(v) < 60 else ""
)
def test_no_number_is_typed_by_hand(where, text):
    """Digits and number words in prose may appear only inside roles, links, code and directives."""
    for number, line in enumerate(visible_prose(text).splitlines(), 1):
        found = re.search(r"\d", line) or NUMBER_WORDS.search(line)
        assert not found, f"{where}:{number}: a number typed by hand ({found.group(0)!r}): {line.strip()[:100]}"


def test_the_guard_finds_digits_and_number_words():
    assert re.search(r"\d", visible_prose("The review found 4 themes."))
    assert NUMBER_WORDS.search(visible_prose("The four themes and six subthemes"))
    assert not NUMBER_WORDS.search(visible_prose("{glue:text}`x` themes, one row per study"))


@pytest.mark.slow
def test_nbval_fails_when_a_published_output_changes(tmp_path):
    """The copy's notebooks hold the outputs of the shipped data; nbval must reject new data."""
    root = copy_project(tmp_path / "project")
    set_cell(root, "studies.csv", 2, "sample_size", "4321")
    set_cell(root, "studies.csv", 2, "sample_size_source", "test data: edited by tests/test_book.py")
    result = run_nbval(root, "02-study-characteristics.ipynb")
    assert result.returncode == 1, result.stdout[-2000:]
    assert "N = 4321" in result.stdout and "mismatch" in result.stdout.lower()
