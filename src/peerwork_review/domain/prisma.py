"""The PRISMA 2020 flow diagram: its columns, its boxes in order, their words, and the sums between them.

The words are those of the PRISMA 2020 template (Page et al. 2021), so the diagram, the
table beside it and the workbook's flow guide name each box alike.
"""

from __future__ import annotations

from dataclasses import dataclass

# column -> the template's heading, and the short name a table uses
COLUMN_TITLES = {
    "databases": "Identification via databases and registers",
    "other_methods": "Identification via other methods",
}
COLUMN_NAMES = {"databases": "Databases", "other_methods": "Other methods"}

# column -> its boxes, top to bottom
STAGES = {
    "databases": [
        "identified",
        "removed_duplicates",
        "removed_automation",
        "removed_other",
        "screened",
        "excluded_screening",
        "sought",
        "not_retrieved",
        "assessed",
        "excluded_full_text",
    ],
    "other_methods": ["identified", "sought", "not_retrieved", "assessed", "excluded_full_text"],
}

LABELS = {
    "identified": "Records identified",
    "removed_duplicates": "Duplicate records removed",
    "removed_automation": "Records marked as ineligible by automation tools",
    "removed_other": "Records removed for other reasons",
    "screened": "Records screened",
    "excluded_screening": "Records excluded",
    "sought": "Reports sought for retrieval",
    "not_retrieved": "Reports not retrieved",
    "assessed": "Reports assessed for eligibility",
    "excluded_full_text": "Reports excluded",
}

# Boxes of records that leave the flow; the diagram draws them to the side.
SIDE_PREFIXES = ("removed_", "excluded_", "not_")

# Roles of reports.csv that count as included reports.
INCLUDED_ROLES = ("main", "additional")


@dataclass(frozen=True)
class Sum:
    """``total = first - minus[0] - minus[1] …`` in every column listed, wherever every part is known."""

    total: str
    first: str
    minus: tuple[str, ...]
    columns: tuple[str, ...]
    description: str

    @property
    def parts(self) -> tuple[tuple[str, int], ...]:
        """Each part with its sign."""
        return ((self.first, 1), *((stage, -1) for stage in self.minus))


SUMS = (
    Sum(
        "screened",
        "identified",
        ("removed_duplicates", "removed_automation", "removed_other"),
        ("databases",),
        "identified minus records removed before screening",
    ),
    Sum("sought", "screened", ("excluded_screening",), ("databases",), "screened minus excluded"),
    Sum("assessed", "sought", ("not_retrieved",), ("databases", "other_methods"), "sought minus not retrieved"),
)


def sums(column: str) -> list[Sum]:
    """The sums that hold in ``column``, in the order of the diagram."""
    return [s for s in SUMS if column in s.columns]
