"""Report every run of ten or more consecutive words that this edition's own prose in data/ shares with the article.

    python scripts/check_overlap.py ARTICLE_TXT [--root ROOT] [--words N]

The article's text is not part of the repository; pass the path to a plain-text copy.
Checked: the findings' statements, the theme descriptions and the studies' key findings,
which are meant to be in this edition's own words. Words are compared in lower case with
punctuation ignored. Exit status 0 if nothing is shared, 1 if anything is (each run listed
with its file, row and column), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# (file in data/, column): the edition's own words.
OWN_WORDS = [("findings.csv", "statement"), ("themes.csv", "description"), ("studies.csv", "key_findings")]
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.translate(_APOSTROPHES).lower())


def shared_runs(text: list[str], ngrams: set[tuple[str, ...]], n: int) -> list[tuple[int, int]]:
    """Maximal (start, end) spans of ``text`` in which every window of ``n`` words is one of ``ngrams``."""
    runs: list[tuple[int, int]] = []
    for i in range(len(text) - n + 1):
        if tuple(text[i : i + n]) not in ngrams:
            continue
        if runs and i <= runs[-1][1] - n + 1:
            runs[-1] = (runs[-1][0], i + n)
        else:
            runs.append((i, i + n))
    return runs


def overlaps(article: str, root: Path, n: int) -> list[str]:
    tokens = words(article)
    ngrams = {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}
    found = []
    for file, column in OWN_WORDS:
        with (root / "data" / file).open(encoding="utf-8", newline="") as handle:
            for row, record in enumerate(csv.DictReader(handle), start=2):
                text = words(record.get(column) or "")
                for start, end in shared_runs(text, ngrams, n):
                    found.append(
                        f'data/{file}, row {row}, column "{column}": {end - start} words shared with the article: '
                        f'"{" ".join(text[start:end])}"'
                    )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", type=Path, help="plain-text copy of the article")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="project folder holding data/ (default: this repository)"
    )
    parser.add_argument("--words", type=int, default=10, help="shortest run to report (default: 10)")
    args = parser.parse_args(argv)
    if not args.article.is_file():
        parser.error(f"{args.article} is not a file")
    if args.words < 1:
        parser.error("--words must be at least 1")
    found = overlaps(args.article.read_text(encoding="utf-8"), args.root, args.words)
    for line in found:
        print(line)
    checked = ", ".join(f"data/{f} ({c})" for f, c in OWN_WORDS)
    if found:
        print(
            f"{len(found)} run(s) of {args.words} or more consecutive words shared with the article; rephrase them.",
            file=sys.stderr,
        )
        return 1
    print(f"No run of {args.words} or more consecutive words is shared between the article and {checked}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
