"""Alternative readings: extraction decisions that are judgements, and what each alternative changes.

``data/readings.csv`` lists, for each open question, its alternative answers with their
evidence; the chosen one is what the other files hold. ``data/reading_changes.csv`` says
what each other alternative changes. :func:`apply` makes the review under an alternative
(in memory: nothing is written), so every published figure can be recomputed under each.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from peerwork_review.model.review import TABLES, Review, rows, set_value

PER_STUDY = ("studies", "study_countries", "quality_appraisal")


# -- applying an alternative ---------------------------------------------------------


@dataclass(frozen=True)
class Alternative:
    reading_id: str
    alternative_id: str
    chosen: bool
    question: str
    text: str
    evidence: str
    source: str
    chosen_to_match: tuple[str, ...]


def alternatives(review: Review) -> list[Alternative]:
    return [
        Alternative(
            r["reading_id"],
            r["alternative_id"],
            r["chosen"] == "yes",
            r["question"],
            r["alternative"],
            r["evidence"],
            r["source"],
            tuple((r["chosen_to_match"] or "").split()),
        )
        for r in rows(review.readings)
    ]


def reading_ids(review: Review) -> list[str]:
    return list(dict.fromkeys(review.readings["reading_id"]))


def apply(review: Review, reading_id: str, alternative_id: str) -> Review:
    """The review as it would be under one alternative (the chosen one is the review itself)."""
    changes = review.reading_changes[
        (review.reading_changes["reading_id"] == reading_id)
        & (review.reading_changes["alternative_id"] == alternative_id)
    ]
    if changes.empty:
        return review
    data = review.everything or review
    frames = {name: getattr(data, attr).copy() for name, attr in TABLES.items()}
    for change in rows(changes):
        if change["action"] == "copy study":
            old, new = change["key"], change["value"]
            for name in PER_STUDY:
                frame = frames[name]
                copied = frame[frame["study_id"] == old].assign(study_id=new)
                frames[name] = pd.concat([frame, copied], ignore_index=True)
            continue
        set_value(data, frames, change["table"], change["key"], change["column"], change["value"])
    return review.with_tables(frames)


def under_each(review: Review, reading_id: str) -> list[tuple[Alternative, Review]]:
    """Every alternative of a reading with the review under it, the chosen one first."""
    found = [a for a in alternatives(review) if a.reading_id == reading_id]
    found.sort(key=lambda a: not a.chosen)
    return [(a, apply(review, a.reading_id, a.alternative_id)) for a in found]
