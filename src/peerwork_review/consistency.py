"""What the article's numbers imply: whether the published figures of a family can all hold at once.

A *family* is a set of published figures about the same values of the same studies: the
locations, the designs, the quality ratings, each theme with its subthemes, and each sum
the article states. Each figure alone allows a range (``reproduction``); together they can
allow less. For each family this module decides whether some completion of the unknown
values satisfies every figure of the family at once, and lists what the figures force.

Nothing here is data: the results are shown as implications of the article's numbers,
never written into ``data/`` and never counted as reproduced.

The algorithms count rather than search. Studies whose value is unknown are
interchangeable within a family, so a completion is described by *how many* of them take
each value; the published counts fix most of those numbers, and the rest is a short loop
over how the remainder can be split. Theme families use a closed form (see
:func:`_theme_tree`). Everything is linear in the number of studies.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import derive, paths
from .figure_values import published
from .load import parse_expression, read_descriptor
from .model import Review, rows
from .reproduction import CATEGORY_FIGURES, DISTINCT_COUNTRY_FIGURES, prevalence_theme

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


# -- value families: one category per study ----------------------------------------


@lru_cache(maxsize=8)
def _enums(root: Path) -> dict[tuple[str, str], tuple[str, ...]]:
    out = {}
    for resource in read_descriptor(paths.data_dir(root))["resources"]:
        for field in resource["schema"]["fields"]:
            if "enum" in field.get("constraints", {}):
                out[(resource["name"], field["name"])] = tuple(field["constraints"]["enum"])
    return out


def _studies(n: int) -> str:
    return f"{n} study" if n == 1 else f"{n} studies"


def _values(ids, values) -> dict[str, str | None]:
    """Study -> value, with every kind of missing value (None, NaN, NA) as None."""
    return {s: (None if v is None or v != v or v is pd.NA else v) for s, v in zip(ids, values)}


def _closure(review: Review, figure_ids: set[str]) -> str | None:
    """The stated sum saying these categories add up to the included studies, if the article states one."""
    for check in rows(review.checks):
        terms = parse_expression(check["expression"])
        if check["figure_id"] == "studies_included" and all(s > 0 for s, _ in terms) and {n for _, n in terms} <= figure_ids:
            return check["check_id"]
    return None


@dataclass
class _Split:
    """How the unknown values can be completed: exact numbers per published category, then the rest."""

    reasons: list[str]
    deficits: dict[str, int]  # category -> unknown studies that must take it
    leftover: int             # unknown studies left for categories the article does not count


def _split(known: Counter, unknown: int, counts: dict[str, int], closed_total: int | None, n: int, what: str) -> _Split:
    reasons = []
    for category, count in counts.items():
        if known[category] > count:
            reasons.append(f"the dataset already has {known[category]} studies with {what} '{category}', more than the published {count}")
    if closed_total is not None:
        outside = {c: k for c, k in known.items() if c not in counts and k}
        for category, k in sorted(outside.items()):
            reasons.append(f"{k} {'study has' if k == 1 else 'studies have'} {what} '{category}', which the article's complete breakdown does not list")
        if closed_total != n:
            reasons.append(f"the article's breakdown adds up to {closed_total} studies, but the dataset has {n}")
    deficits = {c: max(count - known[c], 0) for c, count in counts.items()}
    need = sum(deficits.values())
    if need > unknown:
        reasons.append(f"the published counts need {need} more studies than the {unknown} whose {what} is unknown")
    leftover = max(unknown - need, 0)
    if closed_total is not None and leftover and not reasons:
        reasons.append(f"{leftover} of the studies whose value is unknown would take a value the article's complete breakdown does not list")
    return _Split(reasons, deficits, leftover)


def _category_family(review: Review, family_id: str, title: str, values: dict[str, str | None], file: str, column: str,
                     domain: tuple[str, ...], figures: dict[str, tuple[str, int]]) -> Family:
    """A family of category counts (designs, ratings) over ``values`` (study -> category or None)."""
    counts = {category: count for category, count in figures.values()}
    figure_ids = set(figures)
    closure = _closure(review, figure_ids)
    unknown = sorted(s for s, v in values.items() if v is None)
    known = Counter(v for v in values.values() if v is not None)
    total = sum(counts.values()) if closure else None
    split = _split(known, len(unknown), counts, total, len(values), column)
    others = [c for c in domain if c not in counts] if closure is None else []
    if split.leftover and not others and not split.reasons:
        split.reasons.append(f"{split.leftover} studies whose value is unknown would be left over, and every {column} the data allow is counted")
    cells = tuple(Cell(file, s, column) for s in unknown)
    if split.reasons:
        return Family(family_id, title, _ids(figures, closure), cells, False, tuple(split.reasons), (), ())
    allowed = tuple([c for c in domain if split.deficits.get(c)] + (others if split.leftover else []))
    implied = [f"of the {_studies(len(unknown))} with no {column}, exactly {d} {'is' if d == 1 else 'are'} '{c}'"
               for c, d in split.deficits.items() if d]
    if split.leftover:
        implied.append(f"the other {split.leftover} {'is' if split.leftover == 1 else 'are'} {' or '.join(repr(c) for c in others)}")
    narrowed = len(allowed) < len(domain)
    implications = tuple(Implication(c, allowed, _ids(figures, closure)) for c in cells) if narrowed else ()
    return Family(family_id, title, _ids(figures, closure), cells, True, (), tuple(implied) if unknown else (), implications)


def _ids(figures: dict, closure: str | None) -> tuple[str, ...]:
    return tuple(figures) + (("studies_included",) if closure else ())


# -- locations: categories plus the two counts of distinct countries -----------------


def _location_family(review: Review, figures: dict[str, tuple[str, int]], distinct: dict[str, int]) -> Family:
    locations = derive.study_locations(review)
    values = _values(locations["study_id"], locations["location"])
    counts = {category: count for category, count in figures.values()}
    closure = _closure(review, set(figures))
    unknown = sorted(s for s, v in values.items() if v is None)
    known = Counter(v for v in values.values() if v is not None)
    total = sum(counts.values()) if closure else None
    split = _split(known, len(unknown), counts, total, len(values), "location")
    ids = _ids(figures, closure) + tuple(distinct)
    cells = tuple(Cell("data/study_countries.csv", s, "country") for s in unknown)
    if split.reasons:
        return Family("location", "Study locations", ids, cells, False, tuple(split.reasons), (), ())

    published_single = {c for c in counts if c != derive.MULTIPLE}
    base = sum(1 for c in published_single if counts[c] > 0) + sum(1 for c, k in known.items() if c != derive.MULTIPLE and c not in published_single and k)
    joinable = any(c != derive.MULTIPLE and c not in published_single and k for c, k in known.items())
    multi_known = {c for cs, loc in zip(locations["countries"], locations["location"]) if loc == derive.MULTIPLE for c in cs}

    def problems(singles: int, multis: int) -> list[str]:
        found = []
        low = base + (0 if singles == 0 or joinable else 1)
        if "main_countries" in distinct and not low <= distinct["main_countries"] <= base + singles:
            found.append(f"single-country studies would cover {low}–{base + singles} countries, not the published {distinct['main_countries']}")
        unknown_multi = split.deficits.get(derive.MULTIPLE, 0) + multis
        multi_low = len(multi_known) if unknown_multi == 0 else max(len(multi_known), 2)
        if "multi_country_countries" in distinct:
            wanted = distinct["multi_country_countries"]
            if wanted < multi_low or (unknown_multi == 0 and wanted != len(multi_known)):
                shown = f"{multi_low}" if unknown_multi == 0 else f"{multi_low} or more"
                found.append(f"multi-country studies would cover {shown} countries, not the published {wanted}")
        return found

    splits = [(split.leftover - m, m) for m in range(split.leftover + 1)] if derive.MULTIPLE not in counts else [(split.leftover, 0)]
    feasible = [(s, m) for s, m in splits if not problems(s, m)]
    if not feasible:
        return Family("location", "Study locations", ids, cells, False, tuple(problems(*splits[0])), (), ())
    allowed = [c for c in counts if split.deficits[c]]
    allowed += [derive.MULTIPLE] if any(m for _, m in feasible) else []
    allowed += [ANOTHER_COUNTRY] if any(s for s, _ in feasible) else []
    implied = [f"of the {_studies(len(unknown))} with no known location, exactly {d} {'is' if d == 1 else 'are'} in '{c}'"
               for c, d in split.deficits.items() if d]
    if split.leftover:
        implied.append(f"the other {split.leftover} are in {' or '.join(allowed[len(implied):])}")
    implications = tuple(Implication(c, tuple(allowed), ids) for c in cells)
    return Family("location", "Study locations", ids, cells, True, (), tuple(implied) if unknown else (), implications)


# -- themes: a theme and its subthemes ------------------------------------------------


def _theme_tree(review: Review, root: str, children: list[str], support: dict[str, set[str]], counts: dict[str, int],
                figure_of: dict[str, str], names: dict[str, str]) -> Family:
    """Closed form for one theme ``root`` with subthemes ``children``.

    Unknowns: whether each uncited study supports each theme. Constraints: the published
    counts, and a study supporting a subtheme supports its theme. With P the studies
    supporting the theme (|P| = its count, if published), each subtheme's supporters are
    any superset of its cited studies inside P; so the family is consistent exactly when
    cited(theme) <= count(theme) <= n and cited(sub) <= count(sub) <= count(theme) (or n).
    """
    studies = list(review.studies["study_id"])
    n = len(studies)
    c_root = counts.get(root)
    members = [root] + children
    reasons = []
    if c_root is not None and not len(support[root]) <= c_root <= n:
        reasons.append(f"'{names[root]}' is published as {c_root} studies, but {len(support[root])} are cited for it (with its subthemes) of {n}")
    ceiling = c_root if c_root is not None else n
    for u in children:
        if u in counts and not len(support[u]) <= counts[u] <= ceiling:
            reasons.append(f"'{names[u]}' is published as {counts[u]} studies, but {len(support[u])} are cited for it and at most "
                           f"{ceiling} can support its theme")
    cells = tuple(Cell(TABLE_3, s, t) for t in members for s in studies if s not in support[t])
    figures = tuple(figure_of[t] for t in members if t in figure_of)
    title = f"Theme: {names[root]}" + (" and its subthemes" if children else "")
    if reasons:
        return Family(f"theme-{root}", title, figures, cells, False, tuple(reasons), (), ())

    full_child = [u for u in children if counts.get(u) == n]
    root_yes = (c_root == n) or bool(full_child)
    root_no = c_root is not None and c_root == len(support[root])
    implications = []
    for s in studies:
        if s in support[root]:
            continue
        if root_yes:
            because = (figure_of[root],) if c_root == n else tuple(figure_of[u] for u in full_child)
            implications.append(Implication(Cell(TABLE_3, s, root), (YES,), because))
        elif root_no:
            implications.append(Implication(Cell(TABLE_3, s, root), (NO,), (figure_of[root],)))
    for u in children:
        c_u = counts.get(u)
        for s in studies:
            if s in support[u]:
                continue
            if c_u is not None and c_u == len(support[u]):
                implications.append(Implication(Cell(TABLE_3, s, u), (NO,), (figure_of[u],)))
            elif root_no and s not in support[root]:
                implications.append(Implication(Cell(TABLE_3, s, u), (NO,), (figure_of[root],)))
            elif c_u is not None:
                room = n - 1 if c_root is None else (c_root - 1 if s in support[root] or c_root == n else c_root)
                if c_u > room:
                    implications.append(Implication(Cell(TABLE_3, s, u), (YES,), tuple(figure_of[t] for t in (u, root) if t in figure_of)))
    implied = []
    for t in members:
        if t in counts:
            open_ = n - len(support[t])
            need = counts[t] - len(support[t])
            if open_:
                implied.append(f"'{names[t]}': {need} of the {_studies(open_)} not cited for it must support it")
    return Family(f"theme-{root}", title, figures, cells, True, (), tuple(implied), tuple(implications))


def _theme_families(review: Review, prevalence: dict[str, tuple[str, int]]) -> list[Family]:
    support_rows = derive.theme_support(review)
    support = {t: set() for t in review.themes["theme_id"]}
    for theme_id, study_id in zip(support_rows["theme_id"], support_rows["study_id"]):
        support[theme_id].add(study_id)
    parents = _values(review.themes["theme_id"], review.themes["parent_theme_id"])
    names = dict(zip(review.themes["theme_id"], review.themes["name"]))
    counts = {theme: count for theme, (_, count) in prevalence.items()}
    figure_of = {theme: figure_id for theme, (figure_id, _) in prevalence.items()}
    children: dict[str, list[str]] = {}
    for theme, parent in parents.items():
        if parent is not None and parent in parents:
            children.setdefault(parent, []).append(theme)
    roots = [t for t in derive.ordered_themes(review)["theme_id"] if parents[t] is None or parents[t] not in parents]
    out = []
    for root in roots:
        members = [root] + children.get(root, [])
        if any(t in counts for t in members):
            out.append(_theme_tree(review, root, children.get(root, []), support, counts, figure_of, names))
    return out


# -- the article's stated sums ----------------------------------------------------------


def _sum_families(review: Review) -> list[Family]:
    values = {r["figure_id"]: published(r) for r in rows(review.figures)}
    out = []
    for check in rows(review.checks):
        terms = parse_expression(check["expression"])
        total = sum(sign * values[name] for sign, name in terms)
        ok = total == values[check["figure_id"]]
        reasons = () if ok else (f"the parts add up to {total:,}, not {values[check['figure_id']]:,}",)
        out.append(Family(f"sum-{check['check_id']}", f"Stated sum: {check['description']}",
                          (check["figure_id"],) + tuple(n for _, n in terms), (), ok, reasons, (), ()))
    return out


# -- entry point ------------------------------------------------------------------------------


def families(review: Review) -> list[Family]:
    """Every family of published figures, each judged against the review as of the figures' search run."""
    out = []
    for run in dict.fromkeys(review.figures["search_run_id"]):
        scoped = review.as_of(run)
        figs = [r for r in rows(review.figures) if r["search_run_id"] == run]
        groups: dict[str, dict[str, tuple[str, int]]] = {}
        prevalence, distinct = {}, {}
        for r in figs:
            if r["figure_id"] in CATEGORY_FIGURES:
                family, category = CATEGORY_FIGURES[r["figure_id"]]
                groups.setdefault(family, {})[r["figure_id"]] = (category, published(r))
            elif r["figure_id"] in DISTINCT_COUNTRY_FIGURES:
                distinct[r["figure_id"]] = published(r)
            elif prevalence_theme(r["figure_id"]) in set(scoped.themes["theme_id"]):
                prevalence[prevalence_theme(r["figure_id"])] = (r["figure_id"], published(r))
        enums = _enums(review.root)
        if "location" in groups or distinct:
            out.append(_location_family(scoped, groups.get("location", {}), distinct))
        if "design" in groups:
            values = _values(scoped.studies["study_id"], scoped.studies["design"])
            out.append(_category_family(scoped, "design", "Study designs", values, "data/studies.csv", "design",
                                        enums[("studies", "design")], groups["design"]))
        if "quality" in groups:
            values = _values(scoped.quality["study_id"], scoped.quality["mmat_rating"])
            out.append(_category_family(scoped, "quality", "Quality ratings (MMAT)", values, "data/quality_appraisal.csv", "mmat_rating",
                                        enums[("quality_appraisal", "mmat_rating")], groups["quality"]))
        out += _theme_families(scoped, prevalence)
    out += _sum_families(review)
    return out


def forced(found: list[Family]) -> list[Implication]:
    """Every unknown cell whose value the published figures decide, over all families."""
    return [i for f in found if f.consistent for i in f.implications if i.forced is not None]
