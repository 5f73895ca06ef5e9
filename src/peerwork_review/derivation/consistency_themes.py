"""The theme families of :mod:`peerwork_review.derivation.consistency`: a theme and its subthemes.

The unknowns are the cells of the review's Table 3 (does a study the Results do not cite
for a theme support it?); the published counts of studies per theme and subtheme, and
the rule that a study supporting a subtheme supports its theme, constrain them. A closed
form decides each family (:func:`complete_theme_tree`), linear in the number of studies.
"""

from __future__ import annotations

from collections.abc import Callable

from peerwork_review.derivation import derive
from peerwork_review.derivation.families import (
    NO,
    TABLE_3,
    YES,
    Cell,
    Family,
    Implication,
    studies_phrase,
    values_by_study,
)
from peerwork_review.model.review import Review


def complete_theme_tree(
    studies: list[str], root: str, children: list[str], support: dict[str, set[str]], counts: dict[str, int]
) -> tuple[list[str], list[tuple[str, str, str, tuple[str, ...]]]]:
    """Closed form for one theme ``root`` with subthemes ``children``.

    Unknowns: whether each study not cited for a theme supports it. Constraints: the
    published ``counts``, and a study supporting a subtheme supports its theme. With P the
    studies supporting the theme (|P| = its count, if published), each subtheme's
    supporters are any superset of its cited studies inside P; so a completion exists
    exactly when cited(theme) <= count(theme) <= n and cited(sub) <= count(sub) <= |P|.
    A cell is forced when the opposite value leaves no room: returns the reasons no
    completion exists, and the forced cells as (study, theme, value, themes whose counts force it).
    """
    n = len(studies)
    c_root = counts.get(root)
    reasons = []
    if c_root is not None and not len(support[root]) <= c_root <= n:
        reasons.append(
            f"'{root}' is published as {c_root} studies, but {len(support[root])} are cited for it (with its subthemes), of {n}"
        )
    ceiling = c_root if c_root is not None else n
    for u in children:
        if u in counts and not len(support[u]) <= counts[u] <= ceiling:
            reasons.append(
                f"'{u}' is published as {counts[u]} studies, but {len(support[u])} are cited for it and at most {ceiling} can support its theme"
            )
    if reasons:
        return reasons, []
    full = [u for u in children if counts.get(u) == n]
    root_yes = c_root == n or bool(full)
    root_no = c_root is not None and c_root == len(support[root])
    forced = []
    for s in studies:
        if s not in support[root] and root_yes:
            forced.append((s, root, YES, (root,) if c_root == n else tuple(full)))
        elif s not in support[root] and root_no:
            forced.append((s, root, NO, (root,)))
    for u in children:
        c_u = counts.get(u)
        for s in studies:
            if s in support[u]:
                continue
            if c_u is not None and c_u == len(support[u]):
                forced.append((s, u, NO, (u,)))
            elif root_no and s not in support[root]:
                forced.append((s, u, NO, (root,)))
            elif c_u is not None:
                # the most studies the subtheme can have without s
                room = n - 1 if c_root is None else (c_root - 1 if s in support[root] or c_root == n else c_root)
                if c_u > room:
                    forced.append((s, u, YES, (u, root) if c_root is not None else (u,)))
    return reasons, forced


def _theme_tree(
    review: Review,
    root: str,
    children: list[str],
    support: dict[str, set[str]],
    counts: dict[str, int],
    figure_of: dict[str, str],
    names: dict[str, str],
) -> Family:
    studies = list(review.studies["study_id"])
    members = [root] + children
    reasons, forced = complete_theme_tree(studies, root, children, support, counts)
    cells = tuple(Cell(TABLE_3, s, t) for t in members for s in studies if s not in support[t])
    figures = tuple(figure_of[t] for t in members if t in figure_of)
    title = f"Theme: {names[root]}" + (" and its subthemes" if children else "")
    if reasons:
        for t in members:
            reasons = [r.replace(f"'{t}'", f"'{names[t]}'") for r in reasons]
        return Family(f"theme-{root}", title, figures, cells, False, tuple(reasons), (), ())
    implications = tuple(
        Implication(Cell(TABLE_3, s, t), (value,), tuple(figure_of[b] for b in because))
        for s, t, value, because in forced
    )
    implied = tuple(
        f"'{names[t]}': {counts[t] - len(support[t])} of the {studies_phrase(len(studies) - len(support[t]))} not cited for it must support it"
        for t in members
        if t in counts and len(support[t]) < len(studies)
    )
    return Family(f"theme-{root}", title, figures, cells, True, (), implied, implications)


def cited_studies(review: Review) -> dict[str, set[str]]:
    """Theme -> the studies the Results cite for it, directly or under a subtheme.

    The same links as :func:`derive.theme_support`, as plain sets: that table also keeps
    the reports and sources of each link, which costs more than a family may take.
    """
    study_of = {r: s for r, s in zip(review.reports["report_id"], review.reports["study_id"]) if isinstance(s, str)}
    parent = values_by_study(review.themes["theme_id"], review.themes["parent_theme_id"])
    support: dict[str, set[str]] = {t: set() for t in review.themes["theme_id"]}
    for theme_id, report_id in zip(review.coding["theme_id"], review.coding["report_id"]):
        study = study_of.get(report_id)
        if study is not None:
            support[theme_id].add(study)
            parent_id = parent.get(theme_id)
            if parent_id in support:
                support[parent_id].add(study)
    return support


def theme_families(review: Review, prevalence: dict[str, tuple[str, int]]) -> list[tuple[str, Callable[[], Family]]]:
    """One builder per theme with its subthemes, for the trees with a published count.

    Which studies the Results cite for each theme is worked out by the first builder
    that runs and shared by the others (so the benchmark charges it to a family).
    """
    support: dict[str, set[str]] = {}

    def cited() -> dict[str, set[str]]:
        if not support:
            support.update(cited_studies(review))
        return support

    parents = values_by_study(review.themes["theme_id"], review.themes["parent_theme_id"])
    names = dict(zip(review.themes["theme_id"], review.themes["name"]))
    counts = {theme: count for theme, (_, count) in prevalence.items()}
    figure_of = {theme: figure_id for theme, (figure_id, _) in prevalence.items()}
    children: dict[str, list[str]] = {}
    for theme, parent in parents.items():
        if parent is not None and parent in parents:
            children.setdefault(parent, []).append(theme)
    roots = [t for t in derive.ordered_themes(review)["theme_id"] if parents[t] is None or parents[t] not in parents]

    def builder(root: str) -> Callable[[], Family]:
        return lambda: _theme_tree(review, root, children.get(root, []), cited(), counts, figure_of, names)

    return [
        (f"theme-{root}", builder(root)) for root in roots if any(t in counts for t in [root] + children.get(root, []))
    ]
