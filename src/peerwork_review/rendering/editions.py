"""The editions of the book: their history, the errata, how to cite and how to get each one, and the Atom feed.

Every edition is a search run (:mod:`peerwork_review.model.editions`); its counts are those
of its run's PRISMA diagram, so the history and the diagrams agree.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd

from peerwork_review import paths
from peerwork_review.derivation.derive import in_sentence
from peerwork_review.derivation.flow import flow_numbers
from peerwork_review.model.editions import Edition, edition, editions, undone
from peerwork_review.model.review import TABLES, Review, rows
from peerwork_review.reading.citation import Citation
from peerwork_review.reading.reading_rules import JOIN
from peerwork_review.rendering import prisma_flow, render
from peerwork_review.rendering.render import Markup, escape, role_title

NOT_RELEASED = "not released yet"


def page(run_id: str, first: str) -> str:
    """The book page about a run: the search page for the published review's, the run's own page for a later one."""
    if run_id == first:
        return "/notebooks/01-search-and-selection"
    return "/notebooks/" + paths.update_page(run_id).removesuffix(".ipynb")


def window(e: Edition) -> str:
    return f"{prisma_flow.month_name(e.date_start)} to {prisma_flow.month_name(e.date_end)}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{render.value_text(n)} {one if n == 1 else many}"


def done(review: Review, e: Edition) -> tuple[str, int]:
    """What an edition did to the review, in words, and the studies it then included."""
    flow = flow_numbers(review, e.run_id)
    corrected = int((review.corrections["search_run_id"] == e.run_id).sum())
    parts = [
        f"added {_plural(flow.new_studies, 'study', 'studies')} and {_plural(flow.new_reports, 'report', 'reports')}"
    ]
    if flow.withdrawn_studies:
        parts.append(f"withdrew {_plural(flow.withdrawn_studies, 'study', 'studies')}")
    if corrected:
        parts.append(f"corrected {_plural(corrected, 'value', 'values')}")
    return prisma_flow.join_names(parts), flow.total_studies


def summary(review: Review, e: Edition) -> str:
    """What an edition did, in one sentence of plain text."""
    did, total = done(review, e)
    return (
        f"Edition {e.number}, {e.label}: a search from {window(e)}; it {did}, "
        f"so the review includes {_plural(total, 'study', 'studies')}."
    )


def history(review: Review) -> pd.DataFrame:
    """One row per edition, the earliest first: its search, its date, what it did and the studies it then included."""
    out = []
    for e in editions(review):
        did, total = done(review, e)
        out.append(
            {
                "Edition": str(e.number),
                "Search": Markup(f"{{doc}}`{role_title(e.label)} <{page(e.run_id, review.article_run)}>`"),
                "Searched": window(e),
                "Released": e.released or NOT_RELEASED,
                "What it did": did[0].upper() + did[1:],
                "Studies included": str(total),
            }
        )
    return pd.DataFrame(out)


# -- errata --------------------------------------------------------------------------


def _what(data: Review, table: str, key: str, column: str) -> str:
    """'Gates et al. 2010, country (Study locations)': the study's name where the row is a study's, the column's
    and the file's titles."""
    study = key.split(JOIN)[0]
    who = data.study_label(study) if "study_id" in data.resources[table]["schema"].get("primaryKey", []) else key
    field, title = data.column_title(f"data/{data.resources[table]['path']}", column)
    return f"{who}, {in_sentence(field)} ({title})"


def _shown(value: object, source: object) -> str:
    return f"{'not known' if value is None else value} ({source})"


def errata(review: Review) -> pd.DataFrame:
    """Every correction: the value and its source before and after, why, and the edition that made it."""
    data = review.everything or review
    out = []
    for c in rows(data.corrections):
        after = undone(data, c["search_run_id"])  # the data as the correcting edition left them
        fields = {f["name"]: f for f in data.resources[c["table"]]["schema"]["fields"]}
        key = data.resources[c["table"]]["schema"]["primaryKey"]
        row = next(
            r
            for r in rows(getattr(after, TABLES[c["table"]]))
            if JOIN.join("" if r[k] is None else str(r[k]) for k in key) == c["key"]
        )
        out.append(
            {
                "Edition": str(edition(data, c["search_run_id"]).number),
                "Value": _what(data, c["table"], c["key"], c["column"]),
                "Before": _shown(c["value_before"], c["source_before"]),
                "After": _shown(row[c["column"]], row[fields[c["column"]]["provenance"]]),
                "Why": c["reason"],
            }
        )
    return pd.DataFrame(out, columns=["Edition", "Value", "Before", "After", "Why"])


# -- citing and getting an edition ---------------------------------------------------------


def citation(review: Review, cff: Citation, run_id: str) -> Markup:
    """How to cite the edition of ``run_id``: this edition's record (CITATION.cff) with the edition's number and date."""
    e = edition(review, run_id)
    released = f"released {e.released}" if e.released else NOT_RELEASED
    return Markup(
        f"{escape(prisma_flow.join_names(cff.authors))}. *{escape(cff.title)}*, edition {e.number} "
        f"(search to {escape(prisma_flow.month_name(e.date_end))}; {escape(released)}). "
        f"<{cff.repository}>, git tag `{e.tag}`."
    )


def getting(cff: Citation, e: Edition) -> Markup:
    """The commands that give a copy of an edition and build its book (the repository's URL comes from CITATION.cff)."""
    folder = cff.repository.rstrip("/").rsplit("/", 1)[-1]
    return Markup(f"```bash\ngit clone --branch {e.tag} {cff.repository}\ncd {folder}\nmake book\n```")


# -- the feed ------------------------------------------------------------------------------


def feed_note(published: bool) -> Markup:
    """Where readers find the feed of editions: once an edition is released, at the root of the book."""
    if published:
        return Markup(
            f"This book publishes an Atom feed of its released editions, `{paths.FEED}` at the root of its web "
            "address, which every page names for feed readers: add any page of the book to a feed reader to follow "
            f"the review ({{download}}`the current feed <../_build/outputs/{paths.FEED}>`)."
        )
    return Markup(
        f"Once its first edition is released, this book publishes an Atom feed of its released editions (`{paths.FEED}` "
        "at the root of its web address), so that readers can follow the review in a feed reader."
    )


def atom_feed(review: Review, cff: Citation) -> str | None:
    """An Atom feed of the released editions, newest first, for readers to follow the review; None until one is released.

    Links are relative to the feed, which the build puts at the root of the book.
    """
    released = sorted((e for e in editions(review) if e.released), key=lambda e: e.number, reverse=True)
    if not released:
        return None
    atom = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", atom)

    def add(parent, tag: str, text: str | None = None, **attributes) -> ET.Element:
        element = ET.SubElement(parent, f"{{{atom}}}{tag}", attributes)
        element.text = text
        return element

    feed = ET.Element(f"{{{atom}}}feed")
    add(feed, "title", f"{cff.title}: editions")
    add(feed, "id", f"{cff.repository}#editions")
    add(feed, "link", rel="self", href=paths.FEED)
    add(feed, "updated", f"{released[0].released}T00:00:00Z")
    for name in cff.authors:
        add(add(feed, "author"), "name", name)
    for e in released:
        entry = add(feed, "entry")
        add(entry, "title", f"Edition {e.number}: {e.label}")
        add(entry, "id", f"{cff.repository}/releases/tag/{e.tag}")
        add(
            entry,
            "link",
            rel="alternate",
            type="text/html",
            href=page(e.run_id, review.article_run).lstrip("/") + ".html",
        )
        add(entry, "updated", f"{e.released}T00:00:00Z")
        add(entry, "summary", summary(review, e))
    ET.indent(feed)
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"
