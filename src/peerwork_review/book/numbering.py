"""Table and figure numbers: the article's own for what the edition regenerates, a separate series for the rest.

Sphinx numbers tables (and figures) one after another through the book, so the
article's Table 1 would become whatever its position makes it. A table or figure that
regenerates one of the article's carries the class ``article-number-N``
(:func:`peerwork_review.rendering.render.article_class`) and is numbered N, as in the article.
Every other numbered table or figure is the edition's own and is numbered in its own
series, in reading order: ``E1``, ``E2``, … (the prefix is the ``edition_number_prefix``
setting in ``_config.yml``), so the two can never be confused. A table or figure with
the class ``unnumbered`` (the data dictionary's tables, the colophon's) gets no number
and takes none from the series.
"""

from __future__ import annotations

import copy
import re

from docutils import nodes
from sphinx.util import logging

from peerwork_review.rendering.render import UNNUMBERED, article_class

ARTICLE_CLASS = re.compile("^" + article_class(0).replace("0", r"(\d+)") + "$")
FIGTYPES = ("table", "figure")
logger = logging.getLogger(__name__)


def _article_numbers(app, doctree) -> None:
    """``doctree-read``: remember which ids on this page carry the article's numbers (None: no number)."""
    found: dict[str, int | None] = {}
    for node in doctree.findall(lambda n: isinstance(n, (nodes.table, nodes.figure))):
        if UNNUMBERED in node["classes"] and node["ids"]:
            found[node["ids"][0]] = None
        for cls in node["classes"]:
            match = ARTICLE_CLASS.match(cls)
            if match and node["ids"]:
                found[node["ids"][0]] = int(match.group(1))
    if not hasattr(app.env, "peerwork_article_numbers"):
        app.env.peerwork_article_numbers = {}
    app.env.peerwork_article_numbers[app.env.docname] = found


def _purge(app, env, docname) -> None:
    getattr(env, "peerwork_article_numbers", {}).pop(docname, None)


def _merge(app, env, docnames, other) -> None:
    if not hasattr(env, "peerwork_article_numbers"):
        env.peerwork_article_numbers = {}
    for docname in docnames:
        env.peerwork_article_numbers[docname] = getattr(other, "peerwork_article_numbers", {}).get(docname, {})


def renumber(env, prefix: str) -> None:
    """Replace Sphinx's running numbers: article numbers where given, ``prefix``-numbers for the rest."""
    article = getattr(env, "peerwork_article_numbers", {})
    for figtype in FIGTYPES:
        items = sorted(
            (number, docname, node_id)
            for docname, types in env.toc_fignumbers.items()
            for node_id, number in types.get(figtype, {}).items()
        )
        count = 0
        seen: dict[tuple[str, int], str] = {}
        for _, docname, node_id in items:
            if node_id in article.get(docname, {}) and article[docname][node_id] is None:
                del env.toc_fignumbers[docname][figtype][node_id]
            elif node_id in article.get(docname, {}):
                number = article[docname][node_id]
                if (figtype, number) in seen:
                    logger.warning(
                        f"{figtype} {number} of the article is regenerated twice: "
                        f"{seen[figtype, number]} and {docname}#{node_id}",
                        location=docname,
                    )
                seen[figtype, number] = f"{docname}#{node_id}"
                env.toc_fignumbers[docname][figtype][node_id] = (number,)
            else:
                count += 1
                env.toc_fignumbers[docname][figtype][node_id] = (f"{prefix}{count}",)


def _give_sphinx_its_own_numbers(app, env) -> list[str]:
    """``env-get-updated``, before Sphinx numbers: Sphinx rewrites every page whose numbers
    differ from the last build's, so it must compare its numbers with its own, not with
    ours (else every page with a numbered table is rewritten by every build)."""
    env.peerwork_previous_numbers = env.toc_fignumbers
    env.toc_fignumbers = getattr(env, "peerwork_sphinx_numbers", env.toc_fignumbers)
    return []


def _renumber(app, env) -> list[str]:
    """``env-get-updated``, after Sphinx numbers: ours replace its; pages whose numbers changed are rewritten."""
    env.peerwork_sphinx_numbers = copy.deepcopy(env.toc_fignumbers)
    renumber(env, app.config.edition_number_prefix)
    previous = getattr(env, "peerwork_previous_numbers", {})
    return sorted(d for d in set(previous) | set(env.toc_fignumbers) if previous.get(d) != env.toc_fignumbers.get(d))


def setup(app) -> None:
    app.add_config_value("edition_number_prefix", "E", "env")
    app.connect("doctree-read", _article_numbers)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    # around Sphinx's own numbering (TocTreeCollector, default priority 500)
    app.connect("env-get-updated", _give_sphinx_its_own_numbers, priority=100)
    app.connect("env-get-updated", _renumber, priority=900)
