"""The reader's side of the book's Sphinx setup: the article's numbers (:mod:`.numbering`), author-year
citations (:mod:`.citation_style`), tables that scroll on their own (:mod:`.html_writer`), no empty code cells."""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from peerwork_review.book import citation_style, html_writer, numbering


class DropEmptyHiddenCells(SphinxPostTransform):
    """A code cell whose input is hidden and which shows no output would be an empty
    "Show code cell source" bar: leave it out of the page. Its code stays in the notebook.

    Runs before myst-nb wraps hidden inputs in toggles (its priority 199).
    """

    default_priority = 150
    formats = ("html",)

    def run(self, **kwargs):
        for cell in list(self.document.findall(nodes.container)):
            if cell.get("nb_element") != "cell_code" or cell.get("hide_mode") != "input":
                continue
            outputs = [
                c for c in cell.children if isinstance(c, nodes.Element) and c.get("nb_element") == "cell_code_output"
            ]
            if not any(o.children for o in outputs):
                cell.parent.remove(cell)


def setup(app) -> None:
    citation_style.register()
    numbering.setup(app)
    app.add_post_transform(DropEmptyHiddenCells)
    # after the theme (default priority) has installed its translator
    app.connect("builder-inited", html_writer.install, priority=900)
