"""Tables for the page "What the article's numbers imply": families, forced values, readings."""

from __future__ import annotations

import pandas as pd

from peerwork_review.derivation import consistency
from peerwork_review.derivation.families import TABLE_3, Family, Implication
from peerwork_review.model import readings
from peerwork_review.model.review import Review


def _names(review: Review) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    figures = dict(zip(review.figures["figure_id"], review.figures["description"]))
    studies = {s: review.study_label(s) for s in review.studies["study_id"]}
    themes = dict(zip(review.themes["theme_id"], review.themes["name"]))
    return figures, studies, themes


def cell_text(implication: Implication, studies: dict[str, str], themes: dict[str, str]) -> tuple[str, str]:
    """(study, what is unknown) in words."""
    cell = implication.cell
    what = (
        f"supports '{themes.get(cell.column, cell.column)}' ({TABLE_3})"
        if cell.file == TABLE_3
        else f"{cell.column} ({cell.file})"
    )
    return studies.get(cell.study_id, cell.study_id), what


def family_table(review: Review, found: list[Family]) -> pd.DataFrame:
    figures, _, _ = _names(review)
    out = []
    for f in found:
        said = f.implied if f.consistent else f.reasons
        out.append(
            {
                "Family": f.title,
                "One completion satisfies every figure": "yes" if f.consistent else "no",
                "What the figures imply, or why no completion fits": (
                    "; ".join(said) or "nothing beyond each figure's own range"
                )
                if f.cells or not f.consistent
                else "no unknown values: the figures are checked directly",
                "Unknown values": str(len(f.cells)),
                "Published figures": "; ".join(figures.get(i, i) for i in f.figures),
            }
        )
    return pd.DataFrame(out)


def forced_table(review: Review, forced: list[Implication]) -> pd.DataFrame:
    figures, studies, themes = _names(review)
    out = []
    for i in forced:
        study, what = cell_text(i, studies, themes)
        out.append(
            {
                "Study": study,
                "Unknown value": what,
                "Forced value": i.forced,
                "Because of": "; ".join(figures.get(f, f) for f in i.because),
            }
        )
    return pd.DataFrame(out, columns=["Study", "Unknown value", "Forced value", "Because of"])


def family_changes(review: Review) -> pd.DataFrame:
    """Per alternative: the families no completion satisfies, and the cells the figures force."""
    out = []
    for reading_id in readings.reading_ids(review):
        for alternative, changed in readings.under_each(review, reading_id):
            found = consistency.families(changed)
            labels = {s: changed.study_label(s) for s in changed.studies["study_id"]}
            themes = dict(zip(changed.themes["theme_id"], changed.themes["name"]))
            forced = [
                f"{labels.get(i.cell.study_id, i.cell.study_id)}: "
                + (
                    f"supports '{themes[i.cell.column]}' = {i.forced}"
                    if i.cell.file == consistency.TABLE_3
                    else f"{i.cell.column} = {i.forced}"
                )
                for i in consistency.forced(found)
            ]
            out.append(
                {
                    "Question": alternative.question,
                    "Alternative": alternative.alternative_id + (" (this edition)" if alternative.chosen else ""),
                    "Families no completion satisfies": "; ".join(f.title for f in found if not f.consistent) or "none",
                    "Values the figures force": "; ".join(forced) or "none",
                }
            )
    return pd.DataFrame(out)
