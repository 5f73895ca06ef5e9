"""The generated larger review of the benchmarks (tests/scale.py) is a valid review."""

from __future__ import annotations

from peerwork_review.model.review import load
from tests.scale import scale_dataset, with_unknowns


def test_a_generated_10x_review_validates(review, project_copy):
    counts = scale_dataset(project_copy, 10)
    generated = load(project_copy)
    assert len(generated.studies) == counts["studies"] == 10 * len(review.studies)
    assert len(generated.themes) == counts["themes"] == 10 * len(review.themes)
    assert set(review.studies["study_id"]) < set(generated.studies["study_id"])


def test_with_unknowns_gives_every_copy_its_templates_unknown_design(review, project_copy):
    scale_dataset(project_copy, 10)
    unknown = with_unknowns(load(project_copy), 10).studies["design"].isna().sum()
    assert unknown == 10 * review.studies["design"].isna().sum() > 0
