"""Benchmarks: what building, refreshing and testing the book cost, and how that grows with the review.

Run ``make bench``, or ``.venv/bin/python -m bench.run [--runs N] [--quick] [--skip-tests]``
from the repository root. Progress goes to stderr; one table goes to stdout. Builds and
refreshes run in temporary copies of the project (``tests.helpers.copy_project``), never in
the repository; only the two test rows run there. Times are wall-clock seconds: the median
of N runs (``--runs``, default 3; ``--quick``: 1 run and no 100x), with min and max. The
machine is shared and has few cores: distrust a difference smaller than the min-max spread.

The book build executes nothing: it renders the outputs stored in the notebooks. Notebooks
execute only in ``make refresh`` (``peerwork-review refresh``). The rows:

- cold build: ``peerwork-review build`` (what ``make book`` runs) of a fresh copy.
- no-op rebuild: the same copy built again, nothing changed.
- prose edit: the same copy rebuilt after a sentence without digits is appended to
  ``book/conclusions.md``.
- Sphinx floor, cold and no-op: plain ``jupyter-book build`` with the same strict options,
  of another fresh copy, in a Python that skips the slow optional import the project's
  command skips (``floor_build``). Sphinx alone cannot render these pages: they use the directives
  of the project's Sphinx extension, so the floor keeps the extension (named in
  ``_config.yml``) and with it its check that the stored outputs are current. The ratios
  to the floor (per run, then the median) are what ``peerwork-review build`` adds around
  jupyter-book: its start-up, the lock, the unfinished-build marker, reproducible dates. The next row gives
  the cost of that check, so the extension's share is visible too.
- stored-outputs check: ``notebook_set.outdated_notebooks`` of a copy, timed in-process.
- make refresh: ``peerwork-review refresh`` of the copy (every notebook executes).
- peak memory: the largest resident set of the first cold build (``getrusage`` of children).
- size of _build/html: all its files, summed, after a cold build.
- make test (1 run; ``--skip-tests`` skips it) and make test-fast: in the repository.
- import-records: ``peerwork-review import-records`` of exports the size of the published review's search
  (``tests.records.large_exports``: 10,491 records of two databases, a fifth of the second repeated) into a
  copy, which reads, deduplicates, matches the decisions, validates the whole dataset and counts the flow.
- scale: ``tests.scale`` generates 10x and 100x the studies and themes in a copy; then
  ``make refresh`` (needed: the data changed) and a cold build, each with its ratio to the
  1x figure above (the refresh of the original data, the cold build of a fresh copy).
- consistency check, slowest family: the joint consistency check of that review with the
  template studies' unknowns kept (``tests.scale.with_unknowns``, its costly case), timed
  family by family in-process.

The *target* column says ``ok`` or ``MISSED`` (by the median) for the figures we steer by:
cold build within 1.3x and no-op rebuild within 1.1x of the floor's; a prose edit under
3 s; import-records under 10 s; at 100x, refresh and cold build within 3x of 1x, and no consistency family over 1 s;
``make test`` under 60 s and ``make test-fast`` under 20 s. A failing ``make`` run is
listed under the table (its time is still shown); any other failure stops the bench.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from peerwork_review.book.build import STRICT
from peerwork_review.derivation import consistency
from peerwork_review.model.review import load
from peerwork_review.notebooks.plan import outdated_notebooks
from tests.helpers import ROOT, build_book, cli, copy_project
from tests.records import RUN, add_example_run, large_exports
from tests.scale import scale_dataset, with_unknowns

STARTED = time.perf_counter()
SENTENCE = "\nThe benchmark appended this sentence to time a rebuild after a prose edit.\n"
ROWS: list[dict] = []
FAILED: list[str] = []


def log(message: str) -> None:
    minutes, seconds = divmod(int(time.perf_counter() - STARTED), 60)
    print(f"[bench {minutes:02d}:{seconds:02d}] {message}", file=sys.stderr, flush=True)


def row(figure: str, values: list[float], unit: str = "s", limit: float | None = None, target: str = "") -> float:
    """Add a row of the table; the target is met when the median is at most ``limit``."""
    median = statistics.median(values)
    if limit is not None:
        target = f"{target}: {'ok' if median <= limit else 'MISSED'}"
    ROWS.append(
        dict(figure=figure, median=median, min=min(values), max=max(values), unit=unit, runs=len(values), target=target)
    )
    return median


def timed(what: str, command, *args, must_pass: bool = True) -> float:
    start = time.perf_counter()
    result = command(*args)
    seconds = time.perf_counter() - start
    failed = getattr(result, "returncode", 0) != 0
    log(f"{what}: {seconds:.1f} s{' FAILED' if failed else ''}")
    if failed and not must_pass:
        FAILED.append(what)
        log("\n".join(result.stdout.splitlines()[-20:]))
    elif failed:
        sys.exit(
            f"bench: {what} failed, so its figures would mean nothing:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return seconds


# The jupyter-book command, in a process that imported peerwork_review first (as the
# extension does later anyway): that spares it, as it spares the project's command, a slow
# optional import of jsonschema's (see peerwork_review/__init__.py), which is no work of Sphinx.
JUPYTER_BOOK = "import sys, peerwork_review; from jupyter_book.cli.main import main; sys.exit(main())"


def floor_build(root: Path) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-c", JUPYTER_BOOK, "build", str(root), "--builder", "html", *STRICT]
    env = {**os.environ, "PEERWORK_REVIEW_ROOT": str(root)}
    return subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True)


def make(target: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", target], cwd=ROOT, capture_output=True, text=True)


def slowest_family(root: Path, factor: int) -> float:
    """Seconds of the slowest family of the joint consistency check, the copy's unknowns kept."""
    review, seconds = with_unknowns(load(root), factor), []
    for _, judge in consistency.builders(review):
        start = time.perf_counter()
        judge()
        seconds.append(time.perf_counter() - start)
    return max(seconds)


def ratios(over: list[float], under: list[float]) -> list[float]:
    return [a / b for a, b in zip(over, under)]


def main() -> int:
    parser = argparse.ArgumentParser(description="Time the build, the refresh and the tests; print one table.")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the table gives their median")
    parser.add_argument("--quick", action="store_true", help="1 run, and no 100x review")
    parser.add_argument("--skip-tests", action="store_true", help="do not run make test")
    args = parser.parse_args()
    runs = 1 if args.quick else max(1, args.runs)
    t: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="peerwork-bench-") as tmp:
        work = Path(tmp)
        log(f"working in {work}: {os.cpu_count()} cores, {runs} run(s) per figure")
        for run in range(1, runs + 1):
            log(f"run {run}/{runs}")
            copy = copy_project(work / "copy")
            t.setdefault("cold", []).append(timed("cold build", build_book, copy))
            if run == 1:  # the bench's first child: its peak is the build's (KiB on Linux)
                peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
                html = sum(f.stat().st_size for f in (copy / "_build" / "html").rglob("*") if f.is_file()) / 1e6
            t.setdefault("noop", []).append(timed("no-op rebuild", build_book, copy))
            with (copy / "book" / "conclusions.md").open("a", encoding="utf-8") as page:
                page.write(SENTENCE)
            t.setdefault("prose", []).append(timed("rebuild after a prose edit", build_book, copy))
            t.setdefault("check", []).append(timed("stored-outputs check", outdated_notebooks, copy))
            t.setdefault("refresh", []).append(timed("make refresh", cli, copy, "refresh"))
            shutil.rmtree(copy)
            floor = copy_project(work / "floor")
            t.setdefault("floor", []).append(timed("Sphinx floor: cold build", floor_build, floor))
            t.setdefault("floor noop", []).append(timed("Sphinx floor: no-op rebuild", floor_build, floor))
            shutil.rmtree(floor)

        row("cold build (peerwork-review build)", t["cold"])
        row("no-op rebuild", t["noop"])
        row("rebuild after a prose edit", t["prose"], limit=3, target="< 3 s")
        row("Sphinx floor: cold build (jupyter-book build)", t["floor"])
        row("Sphinx floor: no-op rebuild", t["floor noop"])
        row("cold build / floor cold build", ratios(t["cold"], t["floor"]), "x", 1.3, "<= 1.3x")
        row("no-op rebuild / floor no-op rebuild", ratios(t["noop"], t["floor noop"]), "x", 1.1, "<= 1.1x")
        row("stored-outputs check (in both builds)", t["check"])
        base = {"make refresh": row("make refresh", t["refresh"]), "cold build": statistics.median(t["cold"])}
        row("peak memory of a cold build", [peak], "MB")
        row("size of _build/html", [html], "MB")

        if not args.skip_tests:
            row("make test", [timed("make test", make, "test", must_pass=False)], limit=60, target="< 60 s")
        fast = [timed("make test-fast", make, "test-fast", must_pass=False) for _ in range(runs)]
        row("make test-fast", fast, limit=20, target="< 20 s")

        for _ in range(runs):
            copy = copy_project(work / "records", ["data", "references.bib"])
            add_example_run(copy)
            exports = large_exports(work / "exports")
            t.setdefault("records", []).append(timed("import-records", cli, copy, "import-records", RUN, str(exports)))
            shutil.rmtree(copy)
        row(
            "import-records: 10,491 records read, deduplicated, validated, flow counted",
            t["records"],
            limit=10,
            target="< 10 s",
        )

        for factor in [1, 10] if args.quick else [1, 10, 100]:
            for run in range(1, runs + 1):
                log(f"{factor}x review, run {run}/{runs}")
                copy = copy_project(work / f"scale{factor}")
                studies = scale_dataset(copy, factor)["studies"]
                t.setdefault(f"{factor} family", []).append(slowest_family(copy, factor))
                if factor > 1:
                    t.setdefault(f"{factor} make refresh", []).append(timed("make refresh", cli, copy, "refresh"))
                    t.setdefault(f"{factor} cold build", []).append(timed("cold build", build_book, copy))
                shutil.rmtree(copy)
            family = (1, "< 1 s") if factor == 100 else (None, "")  # the target of the former bench/consistency.py
            row(
                f"{factor}x ({studies} studies): consistency check, slowest family", t[f"{factor} family"], "s", *family
            )
            for what in base if factor > 1 else []:
                row(f"{factor}x: {what}", t[f"{factor} {what}"])
                limit = (3, "<= 3x of 1x") if factor == 100 else (None, "")
                row(f"{factor}x: {what} / 1x", [s / base[what] for s in t[f"{factor} {what}"]], "x", *limit)

    minutes = (time.perf_counter() - STARTED) / 60
    print(f"peerwork-review benchmarks: {os.cpu_count()} cores, median of {runs} run(s), {minutes:.0f} min in all\n")
    print(pd.DataFrame(ROWS).set_index("figure").to_string(float_format="{:.2f}".format))
    if FAILED:
        print(f"\nFAILED (the times are those of failing runs): {', '.join(FAILED)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
