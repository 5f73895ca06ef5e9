"""The figures and tables the book offers for download: written out of the stored outputs, and linked by a role
that offers nothing else."""

from __future__ import annotations

import io

import nbformat
from sphinx.application import Sphinx

from peerwork_review import paths
from peerwork_review.book.downloads import write_outputs
from peerwork_review.notebooks import notebook
from tests.jupyter import displayed

CONF = """
from sphinx import addnodes

from peerwork_review.book.downloads import OutputDownload


def setup(app):
    app.add_role("output-download", OutputDownload(nodeclass=addnodes.download_reference))
"""


def test_glued_figures_and_tables_are_written_once_and_kept_when_unchanged(tmp_path):
    import matplotlib.pyplot as plt
    import pandas as pd

    figure, _ = plt.subplots()
    outputs = displayed(notebook.glue_figure, "chart", figure, "a chart", True)
    outputs += displayed(notebook.glue_download, "rows", pd.DataFrame({"a": [1, 2]}), "some rows")
    outputs += displayed(notebook.glue, "count", 3, "a count")
    path = tmp_path / "notebooks" / "n.ipynb"
    path.parent.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=outputs)]), path)
    write_outputs(tmp_path, [path])
    written = tmp_path / "_build" / "outputs"
    assert sorted(p.name for p in written.iterdir()) == ["chart.png", "chart.svg", "rows.csv"]
    assert (written / "chart.png").read_bytes().startswith(b"\x89PNG")
    assert (written / "rows.csv").read_text() == "a\n1\n2\n"
    before = {p.name: p.stat().st_mtime_ns for p in written.iterdir()}
    write_outputs(tmp_path, [path])
    assert {p.name: p.stat().st_mtime_ns for p in written.iterdir()} == before


def test_the_role_links_a_written_file_and_refuses_any_other_path(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.ROOT_VARIABLE, str(tmp_path))
    (tmp_path / "conf.py").write_text(CONF)
    (tmp_path / "_build" / "outputs").mkdir(parents=True)
    (tmp_path / "_build" / "outputs" / "prisma_flow.png").write_bytes(b"png")
    (tmp_path / "secret.txt").write_text("not for download")
    (tmp_path / "index.rst").write_text(
        "Title\n=====\n\n:output-download:`PNG <prisma_flow.png>`, :output-download:`text <../secret.txt>`\n"
    )
    warnings = io.StringIO()
    app = Sphinx(tmp_path, tmp_path, tmp_path / "out", tmp_path / "doctrees", "html", status=None, warning=warnings)
    app.build()
    assert "output-download takes the name of a glued figure or table" in warnings.getvalue()
    assert [p.name for p in (tmp_path / "out" / "_downloads").rglob("*") if p.is_file()] == ["prisma_flow.png"]
    assert 'class="xref download docutils literal' in (tmp_path / "out" / "index.html").read_text()
