"""Turn derived tables into MyST markdown that the book renders, with every data value escaped.

Text that comes from ``data/`` is escaped before it reaches MyST, so a value holding
HTML or MyST markup shows as text and never runs. Markup this package writes itself
(citation roles, links) is wrapped in :class:`Markup` so it passes through unescaped.
"""

from __future__ import annotations

import html
import numbers
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


class Markup(str):
    """A string of MyST markup written by this package, not by data."""


def number(value: int) -> str:
    """The book's one number format: thousands separated by commas."""
    return f"{value:,}"


def escape(value: object) -> Markup:
    """MyST/CommonMark-safe inline text: every ASCII punctuation character backslash-escaped.

    Whole numbers take the book's number format (:func:`number`); years are text in the data.
    """
    if isinstance(value, Markup):
        return value
    # pandas-stubs types isna for known scalars and arrays only; pandas takes any object.
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return Markup("")
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = number(int(value))
    text = " ".join(str(value).split())
    return Markup(_PUNCTUATION.sub(r"\\\1", text))


NOT_AVAILABLE = "not available"  # a value no source available to this edition gives


def value_text(value: object) -> str:
    """How a value reads in prose: whole numbers with thousands separators, None as "not available".

    Years and identifiers are passed as strings, so they are never given separators.
    """
    if value is None:
        return NOT_AVAILABLE
    if isinstance(value, bool):
        raise TypeError("say what a true/false value means in words")
    if isinstance(value, numbers.Integral):  # numpy integers too
        return f"{int(value):,}"
    return str(value)


def role_title(value: object) -> Markup:
    """Data as the title of a role such as ``{doc}`title <target>```: roles take their text raw,
    so backslash escapes would show; the characters that would end the role or start its
    target are left out instead."""
    return Markup(re.sub(r"[`<>]", "", " ".join(str(value).split())))


def web_link(url: str) -> Markup:
    """A web address as a link: an http(s) address as an autolink in which every character
    that could end it or start markup is percent-encoded; anything else as plain text."""
    if not re.match(r"^https?://", url):
        return escape(url)
    return Markup(f"<{urllib.parse.quote(url, safe=_URL_SAFE)}>")


_URL_SAFE = "/:?#[]@!$&'()*+,;=%-._~"
_SAFE_KEY = re.compile(r"^[A-Za-z0-9_:.-]+$")


def cite(keys: Iterable[str], kind: str = "p") -> Markup:
    keys = list(dict.fromkeys(keys))
    if not keys:
        return Markup("")
    for key in keys:  # a key is written into a role, so it must not be able to end it
        if not _SAFE_KEY.fullmatch(key):
            raise ValueError(f"bibliography key {key!r} cannot be cited safely")
    return Markup(f"{{cite:{kind}}}`{','.join(keys)}`")


UNNUMBERED = "unnumbered"


def article_class(number: int) -> str:
    """The class that gives a table or figure the article's number (see :mod:`peerwork_review.book.numbering`)."""
    return f"article-number-{number}"


Widths = Sequence[int] | Mapping[str, int]


def list_table(
    frame: pd.DataFrame,
    caption: str,
    name: str | None,
    widths: Widths | None = None,
    sortable: bool = True,
    article_number: int | None = None,
) -> Markup:
    """A captioned MyST list-table; cells are escaped unless they are :class:`Markup`.

    Numbered when it has a ``name``: as the article's Table ``article_number`` when it
    regenerates that table, otherwise in the edition's own series. Without a name it
    is not numbered. ``widths`` by column name fits a table whose columns depend on the data.
    """
    lines = [f"```{{list-table}} {escape(caption)}"] + ([f":name: {name}"] if name else []) + [":header-rows: 1"]
    if isinstance(widths, Mapping):
        widths = [widths[column] for column in frame.columns]
    if widths:
        lines.append(f":widths: {' '.join(map(str, widths))}")
    classes = (
        ["data-table"]
        + (["sortable"] if sortable else [])
        + ([article_class(article_number)] if article_number else [])
        + ([] if name else [UNNUMBERED])
    )
    lines += [f":class: {' '.join(classes)}", ""]
    # A list-table needs a body row: a table with nothing to list says so (a larger or
    # later review can leave one empty, and the strict build stops on a bare header).
    body: list[Sequence[object]] = list(frame.itertuples(index=False)) or [["none"] + [""] * (len(frame.columns) - 1)]
    for row in [list(frame.columns), *body]:
        cells = [escape(c) for c in row]
        lines.append(f"* - {cells[0]}")
        lines += [f"  - {c}" for c in cells[1:]]
    lines.append("```")
    return Markup("\n".join(lines))


class MystOutput:
    """Shows MyST markdown to the book and a plain HTML table to Jupyter users.

    The book prefers ``text/markdown`` (``nb_mime_priority_overrides`` in ``_config.yml``);
    JupyterLab prefers ``text/html``.
    """

    def __init__(self, myst: str, preview: pd.DataFrame | None = None):
        self.myst = myst
        self.preview = preview

    def _repr_markdown_(self) -> str:
        return self.myst

    def _repr_html_(self) -> str | None:
        if self.preview is None:
            return None
        return self.preview.to_html(index=False, escape=True, na_rep="", border=0)

    def __repr__(self) -> str:
        return self.myst


def table(
    frame: pd.DataFrame,
    caption: str,
    name: str | None,
    widths: Widths | None = None,
    preview: pd.DataFrame | None = None,
    sortable: bool = True,
    article_number: int | None = None,
) -> MystOutput:
    return MystOutput(
        list_table(frame, caption, name, widths, sortable, article_number),
        preview if preview is not None else plain(frame),
    )


def markdown(text: str) -> MystOutput:
    return MystOutput(text)


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip MyST markup from a frame meant for the HTML preview in Jupyter: citations as their keys, links as their titles."""

    def strip(v: str) -> str:
        v = re.sub(r"\{doc\}`([^`<]*?)\s*<[^>`]*>`", r"\1", v)
        return html.unescape(re.sub(r"\{cite:[pt]\}`([^`]*)`", r"[\1]", v))

    return frame.map(lambda v: strip(v) if isinstance(v, str) else v)
