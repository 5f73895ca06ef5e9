"""Figures and tables the book offers for download: written out of the notebooks' stored outputs, and linked.

A notebook glues each figure as SVG (and PNG where one is offered) and each table meant for
download as CSV. Before any page is read, :func:`write_outputs` writes them into
``_build/outputs/<name>.<svg|png|csv>``; a page offers one with the role
``{output-download}`PNG <prisma_flow.png>```, so no notebook cell names a path into
``_build/`` and nothing is drawn or computed twice.
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import nbformat
from sphinx.roles import XRefRole

from peerwork_review import paths
from peerwork_review.notebooks.notebook import glued

EXTENSIONS = {"image/svg+xml": "svg", "image/png": "png", "text/csv": "csv", "application/atom+xml": "atom"}
_FILE_NAME = re.compile(r"[A-Za-z0-9_-]+\.(svg|png|csv|atom)")


def write_outputs(root: Path, notebooks: list[Path]) -> None:
    """Write every glued figure and download table of ``notebooks``; unchanged files keep their modification time."""
    target = paths.outputs_dir(root)
    target.mkdir(parents=True, exist_ok=True)
    for path in notebooks:
        for name, output in glued(nbformat.read(path, as_version=4)).items():
            for mime, extension in EXTENSIONS.items():
                if mime not in output["data"]:
                    continue
                value = output["data"][mime]
                content = base64.b64decode(value) if mime == "image/png" else value.encode("utf-8")
                out = target / f"{name}.{extension}"
                if not out.is_file() or out.read_bytes() != content:
                    paths.write_whole(out, content)


class OutputDownload(XRefRole):
    """``{output-download}`PNG <prisma_flow.png>```: a download of a file :func:`write_outputs` wrote.

    The target is a bare file name (a glue name and its extension), so a page can offer
    nothing but those files.
    """

    def create_xref_node(self):
        if not _FILE_NAME.fullmatch(self.target):
            message = self.inliner.reporter.error(
                f"output-download takes the name of a glued figure or table and its extension "
                f"(such as prisma_flow.png), not {self.target!r}",
                line=self.lineno,
            )
            return [self.inliner.problematic(self.rawtext, self.rawtext, message)], [message]
        self.classes = ["xref", "download"]  # marked up as Sphinx's own {download} links are
        return super().create_xref_node()

    def process_link(self, env, refnode, has_explicit_title, title, target):
        # A leading "/" makes Sphinx read the path from the book's root (BuildEnvironment.relfn2path).
        outputs = os.path.relpath(paths.outputs_dir(paths.project_root(Path(env.srcdir))), env.srcdir)
        return title, f"/{Path(outputs).as_posix()}/{target}"
