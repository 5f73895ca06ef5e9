"""Turn derived tables into MyST markdown that the book renders, with every data value escaped.

Text that comes from ``data/`` is escaped before it reaches MyST, so a value holding
HTML or MyST markup shows as text and never runs. Markup this package writes itself
(citation roles, links) is wrapped in :class:`Markup` so it passes through unescaped.
"""

from __future__ import annotations

import html
import re
from typing import Iterable, Sequence

import pandas as pd

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


class Markup(str):
    """A string of MyST markup written by this package, not by data."""


def escape(value: object) -> Markup:
    """MyST/CommonMark-safe inline text: every ASCII punctuation character backslash-escaped."""
    if isinstance(value, Markup):
        return value
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return Markup("")
    text = " ".join(str(value).split())
    return Markup(_PUNCTUATION.sub(r"\\\1", text))


def cite(keys: Iterable[str], kind: str = "p") -> Markup:
    keys = list(dict.fromkeys(keys))
    if not keys:
        return Markup("")
    return Markup(f"{{cite:{kind}}}`{','.join(keys)}`")


def list_table(
    frame: pd.DataFrame,
    caption: str,
    name: str,
    widths: Sequence[int] | None = None,
    sortable: bool = True,
) -> Markup:
    """A numbered, captioned MyST list-table; cells are escaped unless they are :class:`Markup`."""
    lines = [f"```{{list-table}} {escape(caption)}", f":name: {name}", ":header-rows: 1"]
    if widths:
        lines.append(f":widths: {' '.join(map(str, widths))}")
    classes = ["data-table"] + (["sortable"] if sortable else [])
    lines += [f":class: {' '.join(classes)}", ""]
    for row in [list(frame.columns), *frame.itertuples(index=False)]:
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


def table(frame: pd.DataFrame, caption: str, name: str, widths: Sequence[int] | None = None,
          preview: pd.DataFrame | None = None, sortable: bool = True) -> MystOutput:
    return MystOutput(list_table(frame, caption, name, widths, sortable), preview if preview is not None else plain(frame))


def markdown(text: str) -> MystOutput:
    return MystOutput(text)


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip MyST markup from a frame meant for the HTML preview in Jupyter."""
    return frame.map(lambda v: html.unescape(re.sub(r"\{cite:[pt]\}`([^`]*)`", r"[\1]", v)) if isinstance(v, str) else v)


class CsvDownload:
    """A table offered as a CSV file: ``text/csv`` for the book's download mechanism (glue it).

    Until that mechanism takes stored outputs, :meth:`link` gives readers a link that
    holds the file itself. The two are separate outputs because the book warns about
    (and a strict build fails on) a displayed ``text/csv``.
    """

    def __init__(self, frame: pd.DataFrame, filename: str, label: str):
        self.csv = frame.to_csv(index=False, lineterminator="\n")
        self.filename = filename
        self.label = label

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {"text/csv": self.csv, "text/plain": f"{self.label} ({self.filename})"}

    def link(self) -> "_HtmlOnly":
        from urllib.parse import quote

        return _HtmlOnly(f'<a class="csv-download" download="{html.escape(self.filename)}" '
                         f'href="data:text/csv;charset=utf-8,{quote(self.csv)}">{html.escape(self.label)}</a>',
                         f"{self.label} ({self.filename})")


class _HtmlOnly:
    def __init__(self, markup: str, text: str):
        self.markup, self.text = markup, text

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return self.text
