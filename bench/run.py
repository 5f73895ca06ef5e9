"""Benchmarks: what building, refreshing and testing the book cost, and how that grows with the review.

Run ``make bench``, or ``.venv/bin/python -m bench.run [--runs N] [--quick] [--skip-tests]``
from the repository root. Progress goes to stderr; one table goes to stdout. Builds and
refreshes run in temporary copies of the project (``tests.helpers.copy_project``), never in
the repository; only the two test rows run there. Times are wall-clock seconds: the median
of N runs (``--runs``, default 3; ``--quick``: 1 run and no 100x), with min and max; the *cpu*
column gives the median CPU seconds (user and system, of the command and every process it
waited for), which another load on the machine changes less than it changes the wall clock.
The machine is shared and has few cores: distrust a difference smaller than the min-max spread,
and read the cpu column when the machine was busy.

The book build executes nothing: it renders the outputs stored in the notebooks. Notebooks
execute only in ``make refresh`` (``peerwork-review refresh``). The rows:

- cold build: ``peerwork-review build`` (what ``make book`` runs) of a fresh copy.
- no-op rebuild: the same copy built again, nothing changed.
- prose edit: the same copy rebuilt after a sentence without digits is appended to
  ``book/conclusions.md``; and its ratio to the no-op rebuild (per run, then the median).
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
- peak memory: the largest resident set of the first cold build, here and at 10x and 100x.
- size of _build/html: all its files, summed, after a cold build; and the themes page
  (``notebooks/04-themes.html``) per included study, here and at 10x and 100x.
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
cold build within 1.3x and no-op rebuild within 1.1x of the floor's; a prose edit within
1.1x of a no-op rebuild; import-records under 10 s; the cold build at 10x within 2x of 1x,
and at 100x within 5x, the refresh at 100x within 2x; no consistency family over 1 s at 100x;
``make test`` under 60 s and ``make test-fast`` under 15 s. A failing ``make`` run is
listed under the table (its time is still shown); any other failure stops the bench.
"""

from __future__ import annotations

import argparse
import multiprocessing
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

from peerwork_review import paths
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


def row(
    figure: str,
    values: list[float],
    unit: str = "s",
    limit: float | None = None,
    target: str = "",
    cpu: list[float] | None = None,
) -> float:
    """Add a row of the table; the target is met when the median is at most ``limit``."""
    median = statistics.median(values)
    if limit is not None:
        target = f"{target}: {'ok' if median <= limit else 'MISSED'}"
    cpu_median = statistics.median(cpu) if cpu else None
    ROWS.append(
        dict(
            figure=figure,
            median=median,
            min=min(values),
            max=max(values),
            unit=unit,
            cpu=cpu_median,
            runs=len(values),
            target=target,
        )
    )
    return median


def _measure(send, command, args) -> None:
    result = command(*args)
    own, waited = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + waited.ru_utime + waited.ru_stime
    send.send((result, cpu, waited.ru_maxrss / 1024))  # KiB on Linux


def timed(what: str, command, *args, must_pass: bool = True) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak MB of the processes it waited for, of ``command(*args)``.

    It runs in a process forked for it alone, whose resource usage is then that of the command.
    """
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    start = time.perf_counter()
    process = context.Process(target=_measure, args=(send, command, args))
    process.start()
    send.close()  # so that a child that dies ends the wait below
    try:
        result, cpu, peak = receive.recv()
    except EOFError:
        sys.exit(f"bench: {what} raised (its traceback is above), so its figures would mean nothing")
    finally:
        process.join()
    seconds = time.perf_counter() - start
    failed = getattr(result, "returncode", 0) != 0
    log(f"{what}: {seconds:.1f} s, {cpu:.1f} s of CPU{' FAILED' if failed else ''}")
    if failed and not must_pass:
        FAILED.append(what)
        log("\n".join(result.stdout.splitlines()[-20:]))
    elif failed:
        sys.exit(
            f"bench: {what} failed, so its figures would mean nothing:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return seconds, cpu, peak


# The jupyter-book command, in a process that imported peerwork_review first (as the
# extension does later anyway): that spares it, as it spares the project's command, a slow
# optional import of jsonschema's (see peerwork_review/__init__.py), which is no work of Sphinx.
JUPYTER_BOOK = "import sys, peerwork_review; from jupyter_book.cli.main import main; sys.exit(main())"


def floor_build(root: Path) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-c", JUPYTER_BOOK, "build", str(root), "--builder", "html", *STRICT]
    env = {**os.environ, paths.ROOT_VARIABLE: str(root)}
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


def megabytes(files) -> float:
    return sum(f.stat().st_size for f in files if f.is_file()) / 1e6


class Figures:
    """The measurements of each figure, run by run: wall seconds, CPU seconds, peak MB."""

    def __init__(self):
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}
        self.peak: dict[str, list[float]] = {}

    def time(self, key: str, what: str, command, *args, must_pass: bool = True) -> None:
        seconds, cpu, peak = timed(what, command, *args, must_pass=must_pass)
        for figures, value in [(self.wall, seconds), (self.cpu, cpu), (self.peak, peak)]:
            figures.setdefault(key, []).append(value)

    def row(self, figure: str, key: str, limit: float | None = None, target: str = "") -> float:
        return row(figure, self.wall[key], "s", limit, target, cpu=self.cpu[key])

    def ratio(self, figure: str, over: str, under: str, limit: float | None = None, target: str = "") -> float:
        """``over`` / ``under``, run by run."""
        wall, cpu = ratios(self.wall[over], self.wall[under]), ratios(self.cpu[over], self.cpu[under])
        return row(figure, wall, "x", limit, target, cpu)

    def scaled(self, figure: str, key: str, base: str, limit: float | None = None) -> float:
        """Each run of ``key`` / the median of ``base``."""
        wall = [s / statistics.median(self.wall[base]) for s in self.wall[key]]
        cpu = [s / statistics.median(self.cpu[base]) for s in self.cpu[key]]
        return row(figure, wall, "x", limit, f"<= {limit}x" if limit else "", cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description="Time the build, the refresh and the tests; print one table.")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the table gives their median")
    parser.add_argument("--quick", action="store_true", help="1 run, and no 100x review")
    parser.add_argument("--skip-tests", action="store_true", help="do not run make test")
    args = parser.parse_args()
    runs = 1 if args.quick else max(1, args.runs)
    f = Figures()
    sizes: dict[str, list[float]] = {}  # MB of _build/html; kB of the themes page (of 1x, 10x, 100x)
    with tempfile.TemporaryDirectory(prefix="peerwork-bench-") as tmp:
        work = Path(tmp)
        log(f"working in {work}: {os.cpu_count()} cores, {runs} run(s) per figure")
        for run in range(1, runs + 1):
            log(f"run {run}/{runs}")
            copy = copy_project(work / "copy")
            f.time("1 cold build", "cold build", build_book, copy)
            if run == 1:
                sizes["html"] = [megabytes((copy / "_build" / "html").rglob("*"))]
                sizes["1 themes"] = [megabytes([copy / "_build" / "html" / "notebooks" / "04-themes.html"]) * 1e3]
            f.time("noop", "no-op rebuild", build_book, copy)
            with (copy / "book" / "conclusions.md").open("a", encoding="utf-8") as page:
                page.write(SENTENCE)
            f.time("prose", "rebuild after a prose edit", build_book, copy)
            f.time("check", "stored-outputs check", outdated_notebooks, copy)
            f.time("1 make refresh", "make refresh", cli, copy, "refresh")
            shutil.rmtree(copy)
            floor = copy_project(work / "floor")
            f.time("floor", "Sphinx floor: cold build", floor_build, floor)
            f.time("floor noop", "Sphinx floor: no-op rebuild", floor_build, floor)
            shutil.rmtree(floor)

        f.row("cold build (peerwork-review build)", "1 cold build")
        f.row("no-op rebuild", "noop")
        f.row("rebuild after a prose edit", "prose")
        f.ratio("prose edit / no-op rebuild", "prose", "noop", 1.1, "<= 1.1x")
        f.row("Sphinx floor: cold build (jupyter-book build)", "floor")
        f.row("Sphinx floor: no-op rebuild", "floor noop")
        f.ratio("cold build / floor cold build", "1 cold build", "floor", 1.3, "<= 1.3x")
        f.ratio("no-op rebuild / floor no-op rebuild", "noop", "floor noop", 1.1, "<= 1.1x")
        f.row("stored-outputs check (in both builds)", "check")
        f.row("make refresh", "1 make refresh")
        row("peak memory of a cold build", f.peak["1 cold build"], "MB")
        row("size of _build/html", sizes["html"], "MB")

        if not args.skip_tests:
            f.time("test", "make test", make, "test", must_pass=False)
            f.row("make test", "test", 60, "< 60 s")
        for _ in range(runs):
            f.time("test-fast", "make test-fast", make, "test-fast", must_pass=False)
        f.row("make test-fast", "test-fast", 15, "< 15 s")

        for _ in range(runs):
            copy = copy_project(work / "records", ["data", "references.bib"])
            add_example_run(copy)
            exports = large_exports(work / "exports")
            f.time("records", "import-records", cli, copy, "import-records", RUN, str(exports))
            shutil.rmtree(copy)
        f.row("import-records: 10,491 records read, deduplicated, validated, flow counted", "records", 10, "< 10 s")

        # (factor, what) -> the most its ratio to the 1x figure may be
        limits = {(10, "cold build"): 2, (100, "cold build"): 5, (100, "make refresh"): 2}
        studies: dict[int, int] = {}
        families: dict[int, list[float]] = {}  # seconds of the slowest family, run by run
        for factor in [1, 10] if args.quick else [1, 10, 100]:
            for run in range(1, runs + 1):
                log(f"{factor}x review, run {run}/{runs}")
                copy = copy_project(work / f"scale{factor}")
                studies[factor] = scale_dataset(copy, factor)["studies"]
                families.setdefault(factor, []).append(slowest_family(copy, factor))
                if factor > 1:
                    f.time(f"{factor} make refresh", "make refresh", cli, copy, "refresh")
                    f.time(f"{factor} cold build", "cold build", build_book, copy)
                    themes = copy / "_build" / "html" / "notebooks" / "04-themes.html"
                    sizes.setdefault(f"{factor} themes", []).append(megabytes([themes]) * 1e3)
                shutil.rmtree(copy)
            family = (1, "< 1 s") if factor == 100 else (None, "")  # the target of the former bench/consistency.py
            row(
                f"{factor}x ({studies[factor]} studies): consistency check, slowest family",
                families[factor],
                "s",
                *family,
            )
            for what in ["make refresh", "cold build"] if factor > 1 else []:
                f.row(f"{factor}x: {what}", f"{factor} {what}")
                f.scaled(f"{factor}x: {what} / 1x", f"{factor} {what}", f"1 {what}", limits.get((factor, what)))
            if factor > 1:
                row(f"{factor}x: peak memory of a cold build", f.peak[f"{factor} cold build"], "MB")
            row(
                f"{factor}x: themes page per included study",
                [kb / studies[factor] for kb in sizes[f"{factor} themes"]],
                "kB",
            )

    minutes = (time.perf_counter() - STARTED) / 60
    print(f"peerwork-review benchmarks: {os.cpu_count()} cores, median of {runs} run(s), {minutes:.0f} min in all\n")
    print(pd.DataFrame(ROWS).set_index("figure").to_string(float_format="{:.2f}".format, na_rep=""))
    if FAILED:
        print(f"\nFAILED (the times are those of failing runs): {', '.join(FAILED)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
