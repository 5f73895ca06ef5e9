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
over how the remainder can be split. Theme families use a closed form
(:mod:`peerwork_review.derivation.consistency_themes`). Everything is linear in the number of studies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from peerwork_review.derivation import derive
from peerwork_review.derivation.consistency_themes import theme_families
from peerwork_review.derivation.families import (  # noqa: F401 - TABLE_3 re-exported for the notebook
    ANOTHER_COUNTRY,
    TABLE_3,
    Cell,
    Family,
    Implication,
    studies_phrase,
    values_by_study,
)
from peerwork_review.derivation.figure_inputs import (
    CATEGORY_FIGURES,
    CATEGORY_VALUES,
    DISTINCT_COUNTRY_FIGURES,
    prevalence_theme,
)
from peerwork_review.derivation.reproduction import INCONSISTENT, check_table
from peerwork_review.model.review import TABLES, Review, rows
from peerwork_review.reading.figure_values import published
from peerwork_review.reading.load import parse_expression

# -- value families: one category per study ----------------------------------------


def _closure(review: Review, figure_ids: set[str]) -> str | None:
    """The stated sum saying exactly these categories add up to the included studies, if the article states one."""
    for check in rows(review.checks):
        terms = parse_expression(check["expression"])
        if (
            check["figure_id"] == "studies_included"
            and all(s > 0 for s, _ in terms)
            and {n for _, n in terms} == figure_ids
        ):
            return check["check_id"]
    return None


@dataclass(frozen=True)
class Completion:
    """What the published counts allow for the studies whose value is unknown."""

    reasons: tuple[str, ...]  # why no completion fits (empty when one does)
    allowed: tuple[str, ...]  # the values an unknown study takes in some completion
    implied: tuple[str, ...]  # sentences: how many unknown studies must take which value

    @property
    def consistent(self) -> bool:
        return not self.reasons


def _split(
    known: Counter, unknown: int, counts: dict[str, int], closed: bool, n: int, what: str
) -> tuple[list[str], dict[str, int], int]:
    """Reasons no completion fits, the unknown studies each counted category must take, and the rest."""
    reasons = []
    for category, count in counts.items():
        if known[category] > count:
            reasons.append(
                f"the dataset already has {known[category]} studies with {what} '{category}', more than the published {count}"
            )
    if closed:
        for category, k in sorted((c, k) for c, k in known.items() if c not in counts and k):
            reasons.append(
                f"{studies_phrase(k)} {'has' if k == 1 else 'have'} {what} '{category}', which the article's complete breakdown does not list"
            )
        if sum(counts.values()) != n:
            reasons.append(
                f"the article's breakdown adds up to {sum(counts.values())} studies, but the dataset has {n}"
            )
    deficits = {c: max(count - known[c], 0) for c, count in counts.items()}
    need = sum(deficits.values())
    if need > unknown:
        reasons.append(f"the published counts need {need} more studies than the {unknown} whose {what} is unknown")
    leftover = max(unknown - need, 0)
    if closed and leftover and not reasons:
        reasons.append(
            f"{studies_phrase(leftover)} whose {what} is unknown would take a value the article's complete breakdown does not list"
        )
    return reasons, deficits, leftover


def _deficit_sentences(unknown: int, deficits: dict[str, int], what: str) -> list[str]:
    return [
        f"of the {studies_phrase(unknown)} with no {what}, exactly {d} {'is' if d == 1 else 'are'} '{c}'"
        for c, d in deficits.items()
        if d
    ]


def complete_categories(
    values: dict[str, str | None], counts: dict[str, int], closed: bool, domain: tuple[str, ...], what: str
) -> Completion:
    """One value per study from ``domain``; ``counts`` are the published counts; ``closed`` when
    the article says its counts add up to every study (so values it does not count are absent)."""
    unknown = [s for s, v in values.items() if v is None]
    known = Counter(v for v in values.values() if v is not None)
    reasons, deficits, leftover = _split(known, len(unknown), counts, closed, len(values), what)
    others = [c for c in domain if c not in counts] if not closed else []
    if leftover and not others and not reasons:
        reasons.append(
            f"{studies_phrase(leftover)} whose {what} is unknown would be left over, and every {what} the data allow is counted"
        )
    if reasons:
        return Completion(tuple(reasons), (), ())
    allowed = tuple([c for c in domain if deficits.get(c)] + (others if leftover else []))
    implied = _deficit_sentences(len(unknown), deficits, what)
    if leftover:
        implied.append(
            f"the other {leftover} {'is' if leftover == 1 else 'are'} {' or '.join(repr(c) for c in others)}"
        )
    return Completion((), allowed, tuple(implied) if unknown else ())


def complete_locations(
    values: dict[str, str | None],
    multi_countries: set[str],
    counts: dict[str, int],
    closed: bool,
    distinct: dict[str, int],
) -> Completion:
    """Locations: a country, or ``derive.MULTIPLE``; any country may occur. ``multi_countries``
    are the countries of the known multi-country studies; ``distinct`` may hold the published
    numbers of countries among single-country studies (``main_countries``) and across
    multi-country ones (``multi_country_countries``)."""
    unknown = [s for s, v in values.items() if v is None]
    known = Counter(v for v in values.values() if v is not None)
    reasons, deficits, leftover = _split(known, len(unknown), counts, closed, len(values), "location")
    if reasons:
        return Completion(tuple(reasons), (), ())
    single = {c for c in counts if c != derive.MULTIPLE}
    extra = [c for c, k in known.items() if c != derive.MULTIPLE and c not in single and k]
    base = sum(1 for c in single if counts[c] > 0) + len(extra)

    def problems(singles: int, multis: int) -> list[str]:
        """Why ``singles`` unknown studies in uncounted countries and ``multis`` more multi-country ones do not fit."""
        found = []
        low, high = base + (1 if singles and not extra else 0), base + singles
        if "main_countries" in distinct and not low <= distinct["main_countries"] <= high:
            found.append(
                f"single-country studies would cover {low}–{high} countries, not the published {distinct['main_countries']}"
            )
        added = deficits.get(derive.MULTIPLE, 0) + multis
        if "multi_country_countries" in distinct:
            wanted, have = distinct["multi_country_countries"], len(multi_countries)
            fits = wanted == have if not added else wanted >= max(have, 2)
            if not fits:
                shown = f"{have}" if not added else f"{max(have, 2)} or more"
                found.append(f"multi-country studies would cover {shown} countries, not the published {wanted}")
        return found

    splits = [(leftover - m, m) for m in range(leftover + 1)] if derive.MULTIPLE not in counts else [(leftover, 0)]
    feasible = [(s, m) for s, m in splits if not problems(s, m)]
    if not feasible:
        return Completion(tuple(problems(*splits[0])), (), ())
    allowed = [c for c in counts if deficits[c]]
    implied = _deficit_sentences(len(unknown), deficits, "known location")
    allowed += [derive.MULTIPLE] if any(m for _, m in feasible) else []
    allowed += [ANOTHER_COUNTRY] if any(s for s, _ in feasible) else []
    if leftover:
        implied.append(
            f"the other {leftover} {'is' if leftover == 1 else 'are'} in {' or '.join(allowed[len(implied) :])}"
        )
    return Completion((), tuple(allowed), tuple(implied) if unknown else ())


def _family(
    family_id: str, title: str, ids: tuple[str, ...], cells: tuple[Cell, ...], done: Completion, domain_size: int | None
) -> Family:
    narrowed = domain_size is None or len(done.allowed) < domain_size
    implications = tuple(Implication(c, done.allowed, ids) for c in cells) if done.consistent and narrowed else ()
    return Family(family_id, title, ids, cells, done.consistent, done.reasons, done.implied, implications)


def _ids(figures: dict, closure: str | None) -> tuple[str, ...]:
    return tuple(figures) + (("studies_included",) if closure else ())


def _unknown_cells(values: dict[str, str | None], file: str, column: str) -> tuple[Cell, ...]:
    return tuple(Cell(file, s, column) for s in sorted(s for s, v in values.items() if v is None))


def _category_family(review: Review, family: str, figures: dict[str, tuple[str, int]]) -> Family:
    title, resource, column = CATEGORY_VALUES[family]
    table = getattr(review, TABLES[resource])
    values = values_by_study(table["study_id"], table[column])
    spec = next(f for f in review.resources[resource]["schema"]["fields"] if f["name"] == column)
    domain = tuple(spec["constraints"]["enum"])
    closure = _closure(review, set(figures))
    what = derive.in_sentence(review.column_title(f"data/{resource}.csv", column)[0])
    done = complete_categories(values, dict(figures.values()), closure is not None, domain, what)
    cells = _unknown_cells(values, f"data/{resource}.csv", column)
    return _family(family, title, _ids(figures, closure), cells, done, len(domain))


def _location_family(review: Review, figures: dict[str, tuple[str, int]], distinct: dict[str, int]) -> Family:
    locations = derive.study_locations(review)
    values = values_by_study(locations["study_id"], locations["location"])
    multi = {c for cs, loc in zip(locations["countries"], locations["location"]) if loc == derive.MULTIPLE for c in cs}
    closure = _closure(review, set(figures))
    done = complete_locations(values, multi, dict(figures.values()), closure is not None, distinct)
    cells = _unknown_cells(values, "data/study_countries.csv", "country")
    return _family("location", "Study locations", _ids(figures, closure) + tuple(distinct), cells, done, None)


def _sum_families(review: Review) -> list[Family]:
    """One family per sum the article states: its parts add up to its total, or the article disagrees with itself."""
    out = []
    for check, summed in zip(rows(review.checks), rows(check_table(review))):
        parts = tuple(name for _, name in parse_expression(check["expression"]))
        ok = summed["status"] != INCONSISTENT
        reasons = () if ok else (f"the parts add up to {summed['sum_of_parts']:,}, not {summed['published']:,}",)
        title = f"Stated sum: {check['description']}"
        out.append(Family(f"sum-{check['check_id']}", title, (check["figure_id"], *parts), (), ok, reasons, (), ()))
    return out


# -- entry point ------------------------------------------------------------------------------


def builders(review: Review) -> list[tuple[str, Callable[[], Family]]]:
    """(family id, function that judges it) for every family; the benchmark times them one by one."""
    out: list[tuple[str, Callable[[], Family]]] = []
    for run in dict.fromkeys(review.figures["search_run_id"]):
        scoped = review.as_of(run)
        # family -> figure id -> (category, published count)
        groups: dict[str, dict[str, tuple[str, int]]] = {}
        prevalence: dict[str, tuple[str, int]] = {}
        distinct: dict[str, int] = {}
        themes: set[str] = set(scoped.themes["theme_id"])
        for r in rows(review.figures[review.figures["search_run_id"] == run]):
            if r["figure_id"] in CATEGORY_FIGURES:
                family, category = CATEGORY_FIGURES[r["figure_id"]]
                groups.setdefault(family, {})[r["figure_id"]] = (category, published(r))
            elif r["figure_id"] in DISTINCT_COUNTRY_FIGURES:
                distinct[r["figure_id"]] = published(r)
            elif (theme := prevalence_theme(r["figure_id"])) in themes:
                prevalence[theme] = (r["figure_id"], published(r))
        if "location" in groups or distinct:
            out.append(("location", partial(_location_family, scoped, groups.get("location", {}), distinct)))
        for family in CATEGORY_VALUES:
            if family in groups:
                out.append((family, partial(_category_family, scoped, family, groups[family])))
        out += theme_families(scoped, prevalence)
    out += [(family.family_id, _judged(family)) for family in _sum_families(review)]
    return out


def _judged(family: Family) -> Callable[[], Family]:
    """The builder of a family judged already."""
    return lambda: family


def families(review: Review) -> list[Family]:
    """Every family of published figures, each judged against the review as of the figures' search run."""
    return [build() for _, build in builders(review)]


def forced(found: list[Family]) -> list[Implication]:
    """Every unknown cell whose value the published figures decide, over all families."""
    return [i for f in found if f.consistent for i in f.implications if i.forced is not None]
