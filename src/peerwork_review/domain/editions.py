"""Search runs as editions of the book: their order in time, their numbers and their git tags.

Each search run is an edition. The runs are ordered by the month their search closed
(then by id); the published review's search, the earliest, is edition 1 and each later run
the next, so an edition's number is its run's place in that order and is never typed. An
edition's release is marked in git by the tag :func:`tag` names.
"""

from __future__ import annotations

from collections.abc import Iterable


def in_time_order(runs: Iterable[tuple[str, str]]) -> list[str]:
    """Run ids of ``(date_end, search_run_id)`` pairs, earliest first: the order of the editions."""
    return [run_id for _, run_id in sorted(runs)]


def number(order: list[str], run_id: str) -> int:
    """The edition number of ``run_id`` among the runs of ``order`` (from :func:`in_time_order`)."""
    return order.index(run_id) + 1


def tag(edition: int) -> str:
    """The git tag that marks the release of an edition."""
    return f"edition-{edition}"
