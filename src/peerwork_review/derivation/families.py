"""The vocabulary of the joint consistency check: unknown cells, what the figures imply for them, families.

:mod:`peerwork_review.derivation.consistency` judges the families of categories and
locations, :mod:`peerwork_review.derivation.consistency_themes` those of the themes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

TABLE_3 = "review Table 3 (no public copy found)"
ANOTHER_COUNTRY = "a country the article does not list"
YES, NO = "yes", "no"


@dataclass(frozen=True, order=True)
class Cell:
    """One unknown value: the file (or the review's table) it belongs in, the study, the column or theme."""

    file: str
    study_id: str
    column: str


@dataclass(frozen=True)
class Implication:
    """The values the published figures leave for one unknown cell; a single value is forced."""

    cell: Cell
    allowed: tuple[str, ...]
    because: tuple[str, ...]  # figure ids

    @property
    def forced(self) -> str | None:
        return self.allowed[0] if len(self.allowed) == 1 else None


@dataclass(frozen=True)
class Family:
    family_id: str
    title: str
    figures: tuple[str, ...]
    cells: tuple[Cell, ...]
    consistent: bool
    reasons: tuple[str, ...]  # why no completion satisfies every figure (empty when consistent)
    implied: tuple[str, ...]  # what the figures together say about the unknown values
    implications: tuple[Implication, ...]


def studies_phrase(n: int) -> str:
    return f"{n} study" if n == 1 else f"{n} studies"


def values_by_study(ids, values) -> dict[str, str | None]:
    """Study -> value, with every kind of missing value (None, NaN, NA) as None."""
    return {s: (None if pd.isna(v) else v) for s, v in zip(ids, values)}
