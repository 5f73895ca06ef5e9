"""Editions: each search run's edition of the book, and the review as that edition showed it.

An edition's number is its run's place in time (:mod:`peerwork_review.domain.editions`);
its date is the day its authors released it (``released`` in ``search_runs.csv``), empty
until they do. Corrections change values in place, so every view of the review uses the
corrected values; :func:`as_released` undoes the corrections later editions made, which
gives the review as an earlier edition showed it, and so what each edition changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from peerwork_review.domain.editions import number, tag
from peerwork_review.model.review import TABLES, Review, rows, set_value


@dataclass(frozen=True)
class Edition:
    number: int
    run_id: str
    label: str
    date_start: str  # the months the run's search covered, YYYY-MM
    date_end: str
    released: str | None  # YYYY-MM-DD; None until the edition is released

    @property
    def tag(self) -> str:
        return tag(self.number)

    @property
    def version(self) -> str:
        return str(self.number)


def editions(review: Review) -> list[Edition]:
    """Every edition up to the review's own run, the earliest first."""
    return [
        Edition(
            number(review.run_ids, r["search_run_id"]),
            r["search_run_id"],
            r["label"],
            r["date_start"],
            r["date_end"],
            r["released"],
        )
        for r in rows(review.runs)
    ]


def edition(review: Review, run_id: str) -> Edition:
    return next(e for e in editions(review.everything or review) if e.run_id == run_id)


def undone(review: Review, run_id: str) -> Review:
    """The data as stored (withdrawn studies included), with the corrections of editions after ``run_id`` undone."""
    data = review.everything or review
    later = set(data.run_ids[data.run_ids.index(run_id) + 1 :])
    undo = [(data.run_ids.index(c["search_run_id"]), i, c) for i, c in enumerate(rows(data.corrections))]
    # newest first (by run, then by row), so that a value corrected twice goes back to what this edition showed
    undo = sorted((u for u in undo if u[2]["search_run_id"] in later), key=lambda u: u[:2], reverse=True)
    if not undo:
        return data
    frames = {c["table"]: getattr(data, TABLES[c["table"]]).copy() for _, _, c in undo}
    for _, _, c in undo:
        fields = {f["name"]: f for f in data.resources[c["table"]]["schema"]["fields"]}
        # the source first: the value may be part of the row's key
        set_value(data, frames, c["table"], c["key"], fields[c["column"]]["provenance"], c["source_before"])
        set_value(data, frames, c["table"], c["key"], c["column"], c["value_before"])
    return data.with_tables(frames)


def as_released(review: Review, run_id: str) -> Review:
    """The review as the edition of ``run_id`` showed it: as of that run, with later editions' corrections undone."""
    return undone(review, run_id).as_of(run_id)
