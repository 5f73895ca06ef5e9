"""Joint consistency: the counting algorithms agree with brute force, and the article's 2023 figures imply what they imply."""

from __future__ import annotations

import itertools
import random

import pytest

from peerwork_review.derivation import consistency, derive
from peerwork_review.derivation.consistency import complete_categories, complete_locations
from peerwork_review.derivation.consistency_themes import cited_studies, complete_theme_tree
from peerwork_review.derivation.families import ANOTHER_COUNTRY, NO, YES
from peerwork_review.model import readings
from tests.helpers import ROOT, copy_project, tree_hash

MULTIPLE = derive.MULTIPLE


# -- brute force on small random instances ----------------------------------------------


def test_categories_agree_with_brute_force():
    rng = random.Random(14)
    domain = ("a", "b", "c")
    for _ in range(400):
        n = rng.randint(1, 5)
        values = {f"s{i}": rng.choice(domain + (None, None)) for i in range(n)}
        published = {c: rng.randint(0, n) for c in rng.sample(domain, rng.randint(1, 3))}
        closed = rng.random() < 0.5
        unknown = [s for s, v in values.items() if v is None]
        allowed = set()
        for choice in itertools.product(domain, repeat=len(unknown)):
            full = {**values, **dict(zip(unknown, choice))}
            counts = {c: sum(v == c for v in full.values()) for c in domain}
            if all(counts[c] == k for c, k in published.items()) and not (
                closed and any(counts[c] for c in domain if c not in published)
            ):
                allowed |= set(choice)
                allowed.add("any")
        done = complete_categories(values, published, closed, domain, "value")
        assert done.consistent == ("any" in allowed), (values, published, closed, done)
        if done.consistent and unknown:
            assert set(done.allowed) == allowed - {"any"}, (values, published, closed, done)


def _location_options(universe):
    singles = [("single", c) for c in universe]
    multis = [("multi", frozenset(s)) for k in range(2, len(universe) + 1) for s in itertools.combinations(universe, k)]
    return singles + multis


def test_locations_agree_with_brute_force():
    """Countries A-C may be published; D is a known unpublished one; Y and Z stand for any other country."""
    rng = random.Random(2023)
    universe = ("A", "B", "C", "D", "Y", "Z")
    options = _location_options(universe)
    for _ in range(300):
        n = rng.randint(1, 5)
        studies = {}
        for i in range(n):
            kind = rng.random()
            if kind < 0.3:
                studies[f"s{i}"] = None
            elif kind < 0.8:
                studies[f"s{i}"] = ("single", rng.choice("ABCD"))
            else:
                studies[f"s{i}"] = ("multi", frozenset(rng.sample("ABCD", 2)))
        unknown = [s for s, v in studies.items() if v is None][:2]
        studies = {s: v for s, v in studies.items() if v is not None or s in unknown}
        categories = list(rng.sample(["A", "B", "C", MULTIPLE], rng.randint(1, 4)))
        published = {c: rng.randint(0, 2) for c in categories}  # small counts leave studies for other countries
        closed = rng.random() < 0.5
        distinct = {}
        if rng.random() < 0.6:
            distinct["main_countries"] = rng.randint(0, 4)
        if rng.random() < 0.6:
            distinct["multi_country_countries"] = rng.randint(0, 4)

        def location(v):
            return v[1] if v[0] == "single" else MULTIPLE

        allowed = set()
        for choice in itertools.product(options, repeat=len(unknown)):
            full = {**studies, **dict(zip(unknown, choice))}
            located = [location(v) for v in full.values()]
            if any(located.count(c) != k for c, k in published.items()):
                continue
            if closed and any(c not in published for c in located):
                continue
            if (
                "main_countries" in distinct
                and len({c for c in located if c != MULTIPLE}) != distinct["main_countries"]
            ):
                continue
            spread = set().union(*[v[1] for v in full.values() if v[0] == "multi"])
            if "multi_country_countries" in distinct and len(spread) != distinct["multi_country_countries"]:
                continue
            allowed.add("any")
            for v in choice:
                loc = location(v)
                allowed.add(loc if loc in published else (MULTIPLE if loc == MULTIPLE else ANOTHER_COUNTRY))
        values = {s: (None if v is None else location(v)) for s, v in studies.items()}
        multi = set().union(*[v[1] for v in studies.values() if v is not None and v[0] == "multi"])
        done = complete_locations(values, multi, published, closed, distinct)
        case = (studies, published, closed, distinct, done)
        assert done.consistent == ("any" in allowed), case
        if done.consistent and unknown:
            assert set(done.allowed) == allowed - {"any"}, case


def test_a_study_left_for_an_unlisted_country_adds_a_country():
    done = complete_locations({"s1": "A", "s2": None}, set(), {"A": 1}, False, {"main_countries": 1})
    assert done.allowed == (MULTIPLE,)


def test_theme_trees_agree_with_brute_force():
    rng = random.Random(5)
    for _ in range(300):
        studies = [f"s{i}" for i in range(rng.randint(1, 4))]
        children = ["u", "v"][: rng.randint(0, 2)]
        support = {t: {s for s in studies if rng.random() < 0.4} for t in children}
        support["r"] = {s for s in studies if rng.random() < 0.4}.union(*support.values())
        counts = {t: rng.randint(0, len(studies)) for t in ["r"] + children if rng.random() < 0.6}
        cells = [(s, t) for t in ["r"] + children for s in studies if s not in support[t]]
        seen: dict[tuple, set] = {c: set() for c in cells}
        feasible = False
        for bits in itertools.product((False, True), repeat=len(cells)):
            value = dict(zip(cells, bits))
            has = {t: {s for s in studies if s in support[t] or value.get((s, t))} for t in ["r"] + children}
            if any(not has[t] <= has["r"] for t in children):
                continue
            if any(len(has[t]) != k for t, k in counts.items()):
                continue
            feasible = True
            for cell, bit in value.items():
                seen[cell].add(bit)
        reasons, forced = complete_theme_tree(studies, "r", children, support, counts)
        case = (studies, children, support, counts)
        assert (not reasons) == feasible, case
        if feasible:
            expected = {(s, t, YES if True in v else NO) for (s, t), v in seen.items() if len(v) == 1}
            assert {(s, t, value) for s, t, value, _ in forced} == expected, case


def test_cited_studies_are_the_links_derive_reports(review):
    for alternative in readings.alternatives(review):
        changed = readings.apply(review, alternative.reading_id, alternative.alternative_id)
        support = derive.theme_support(changed)
        expected = {t: set(support.loc[support["theme_id"] == t, "study_id"]) for t in changed.themes["theme_id"]}
        assert cited_studies(changed) == expected, alternative.alternative_id


# -- the article's 2023 figures -------------------------------------------------------------


def test_the_2023_figures_force_gates_country_and_two_theme_4_cells(review):
    found = consistency.families(review.as_of("2023"))
    forced = {(i.cell.file, i.cell.study_id, i.cell.column, i.forced) for i in consistency.forced(found)}
    assert forced == {
        ("data/study_countries.csv", "gates2010", "country", "United States"),
        (consistency.TABLE_3, "gates2010", "demonstrated-commitment", YES),
        (consistency.TABLE_3, "kuek2021", "demonstrated-commitment", YES),
    }


def test_every_2023_family_is_consistent_except_the_narrated_screening_sum(review):
    found = consistency.families(review)
    assert [f.family_id for f in found if not f.consistent] == ["sum-screening_single_flow"]
    kinds = {f.family_id.split("-")[0] for f in found}
    assert {"location", "design", "quality", "theme", "sum"} <= kinds


def test_counting_reports_as_separate_studies_breaks_the_breakdowns(review):
    two = readings.apply(review, "gillard-reports", "two-studies")
    broken = {f.family_id for f in consistency.families(two) if not f.consistent}
    assert {"location", "design", "quality"} <= broken


def test_without_mancinis_abstract_the_us_count_still_forces_its_country(review):
    without = readings.apply(review, "mancini-abstract", "abstract-not-used")
    forced = {
        (i.cell.study_id, i.forced)
        for i in consistency.forced(consistency.families(without))
        if i.cell.column == "country"
    }
    assert forced == {("gates2010", "United States"), ("mancini2018", "United States")}


def test_implications_are_never_written_into_data(review):
    before = tree_hash(ROOT / "data")
    consistency.families(review)
    assert tree_hash(ROOT / "data") == before


@pytest.fixture(scope="module")
def updated_review(tmp_path_factory):
    from peerwork_review.model.review import load
    from tests.test_updating import add_second_run

    root = copy_project(tmp_path_factory.mktemp("consistency") / "project", ["data", "references.bib"], frozen=True)
    add_second_run(root)
    return load(root)


def test_a_later_search_run_leaves_the_2023_implications_unchanged(review, updated_review):
    def summary(r):
        return [(f.family_id, f.consistent, f.reasons, f.implied, f.implications) for f in consistency.families(r)]

    assert summary(updated_review) == summary(review)
