"""Where the book's HTML differs from Sphinx's: tables, figures with a narrow layout, and bibliography entries.

Tables: caption above a box that scrolls sideways on its own. Docutils puts a table's caption inside ``<table>``, so when a wide table scrolls on a
phone its caption scrolls away with it (and gets cut). This writer puts the caption
(with its number and permalink) in a paragraph above a scroll box, names the box and
the table after the caption for screen readers, and makes the box focusable so it can
be scrolled from the keyboard. Tables with many columns (or the class ``wide``) are
marked ``wide``: on wide screens they use the margin beside the text (``book/_static``).
The scroll cue and column widths are left to ``book/_static``.

Figures: a figure followed by one of the class ``narrow-layout`` (a second rendering of
the same diagram, laid out for phones, without a caption of its own) becomes one figure
whose image is a ``<picture>``: narrow screens get the narrow rendering, wide screens and
paper the first one.

Bibliography entries: docutils marks each ``doc-biblioentry`` inside a ``list``, which
ARIA does not allow (a list holds list items; axe-core reports it as critical). Entries
are written as the list's items.
"""

from __future__ import annotations

import html
import itertools
import posixpath
import types
import urllib.parse
from typing import TYPE_CHECKING

from docutils import nodes

# The mixins' base only for mypy, which then knows the attributes they use: at run time
# install() puts them before the theme's translator, whichever that is.
if TYPE_CHECKING:
    from sphinx.writers.html5 import HTML5Translator as _Translator
else:
    _Translator = object

# From this many columns a table takes the full content width on wide screens.
WIDE_FROM_COLUMNS = 5
NARROW_LAYOUT = "narrow-layout"
# Up to this width a wide diagram's text would show below 9 px (book/_static/edition.css says the same).
NARROW_MEDIA = "screen and (max-width: 44em)"
_counter = itertools.count(1)


def _columns(table: nodes.Element) -> int:
    groups = list(table.findall(nodes.tgroup))
    return int(groups[0].get("cols", 1)) if groups else 1


class TableBlockMixin(_Translator):
    """Mixed into the theme's HTML translator (see :func:`install`)."""

    def visit_table(self, node: nodes.Element) -> None:
        self._table_row_indices.append(0)
        columns = _columns(node)
        anchor = node["ids"][0] if node["ids"] else None
        wide = columns >= WIDE_FROM_COLUMNS or "wide" in node["classes"]
        block = "table-block wide" if wide else "table-block"
        ids = "".join(f' id="{html.escape(i)}"' for i in node["ids"][:1])
        self.body.append(f'<div class="{block}"{ids}>\n')
        title = next((c for c in node.children if isinstance(c, nodes.title)), None)
        label = ' aria-label="Table"'
        if title is not None:
            caption_id = f"{anchor}-caption" if anchor else f"table-caption-{next(_counter)}"
            self.body.append(f'<p class="table-caption" id="{caption_id}">')
            if anchor:
                self.add_fignumber(node)
            self.body.append('<span class="caption-text">')
            for child in title.children:
                child.walkabout(self)
            self.body.append("</span>")
            if anchor and self.config.html_permalinks and self.builder.add_permalinks:
                self.add_permalink_ref(node, "Link to this table")
            self.body.append("</p>\n")
            label = f' aria-labelledby="{caption_id}"'
        self.body.append(f'<div class="table-scroll" role="region" tabindex="0"{label}>\n')
        classes = " ".join(dict.fromkeys(["table", *[c for c in node["classes"] if c != "wide"]]))
        self.body.append(f'<table class="{html.escape(classes)}" style="--table-columns: {columns}"{label}>\n')

    def depart_table(self, node: nodes.Element) -> None:
        self._table_row_indices.pop()
        self.body.append("</table>\n</div>\n</div>\n")

    def visit_title(self, node: nodes.Element) -> None:
        if isinstance(node.parent, nodes.table):
            raise nodes.SkipNode  # written above the scroll box by visit_table
        super().visit_title(node)


def _narrow_rendering(image: nodes.Element) -> nodes.Element | None:
    """The image of the narrow-layout figure right after the figure holding ``image``, if any."""
    figure = image.parent
    while figure is not None and not isinstance(figure, nodes.figure):
        figure = figure.parent
    if figure is None or NARROW_LAYOUT in figure["classes"] or figure.parent is None:
        return None
    siblings = figure.parent.children
    after = siblings[siblings.index(figure) + 1 : siblings.index(figure) + 2]
    if not after or not isinstance(after[0], nodes.figure) or NARROW_LAYOUT not in after[0]["classes"]:
        return None
    return after[0].next_node(nodes.image)


class FigureMixin(_Translator):
    def visit_figure(self, node: nodes.Element) -> None:
        if NARROW_LAYOUT in node["classes"]:
            raise nodes.SkipNode  # written as the <source> of the figure before it
        super().visit_figure(node)

    def visit_image(self, node: nodes.Element) -> None:
        narrow = _narrow_rendering(node)
        if narrow is None:
            return super().visit_image(node)
        uri = narrow["uri"]
        if uri in self.builder.images:
            uri = posixpath.join(self.builder.imgpath, urllib.parse.quote(self.builder.images[uri]))
        self.body.append(f'<picture><source media="{NARROW_MEDIA}" srcset="{html.escape(uri)}" />')
        super().visit_image(node)
        self.body.append("</picture>")


class CitationListMixin(_Translator):
    def visit_citation(self, node: nodes.citation) -> None:
        if not isinstance(node.previous_sibling(), nodes.citation):
            self.body.append('<div role="list" class="citation-list">\n')
        self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def install(app) -> None:
    """``builder-inited``, after the theme has installed its translator: add the mixins on top."""
    if app.builder.format != "html":
        return
    base = app.registry.translators.get(app.builder.name) or app.builder.default_translator_class
    if issubclass(base, TableBlockMixin):
        return
    translator = types.new_class("EditionTranslator", (TableBlockMixin, FigureMixin, CitationListMixin, base), {})
    app.set_translator(app.builder.name, translator, override=True)
