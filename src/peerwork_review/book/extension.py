"""Sphinx extension: the book shows the stored notebook outputs, and only current ones.

Notebooks are not executed by the build (``execute_notebooks: "off"``): the pages show
exactly the outputs nbval verifies, written by ``make refresh``. Before anything is read,
the build stops if a notebook's outputs are not current (:mod:`.guard`), and the downloads
and the feed of editions are written out of the stored outputs (:mod:`.downloads`). When any
notebook changed, every page is re-read, since prose pages glue values from the notebooks.
"""

from __future__ import annotations

import hashlib
import html
import json
import shutil
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from myst_nb.sphinx_ext import add_global_html_resources
from sphinx import addnodes
from sphinx.errors import ExtensionError

from peerwork_review import paths
from peerwork_review.book import bibtex_lookups, reader_edition, search_index
from peerwork_review.book.directives import (
    Colophon,
    DataDictionary,
    GluedMarkdown,
    ReferenceNotes,
    SourceRegister,
    colophon_facts,
)
from peerwork_review.book.downloads import OutputDownload, write_outputs
from peerwork_review.book.guard import CHECKED, refusal


def _root(app) -> Path:
    return paths.project_root(Path(app.srcdir))


def _refuse_outdated_outputs(app) -> None:
    """For a build started without `peerwork-review build` (``jupyter-book build .``)."""
    root = _root(app).resolve()
    if root not in CHECKED and (why := refusal(root)):
        raise ExtensionError(why)


def _place_myst_nb_css(app) -> None:
    """Put myst-nb's stylesheet in place before any page is written.

    myst-nb copies it when the build finishes, and Sphinx gives a stylesheet link a
    checksum only if the file is already there, so a clean build and the next one would
    write different links.
    """
    if app.builder.format == "html":
        (Path(app.outdir) / "_static").mkdir(parents=True, exist_ok=True)
        add_global_html_resources(app, None)


def _keep_compiled_templates(app) -> None:
    """Keep the page templates compiled from one build to the next, beside the doctrees.

    Jinja compiles every template a build renders, from its source, before the first
    page: a good part of what a rebuild after a prose edit cost more than a no-op
    rebuild. It checks each kept template against its source.
    """
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is not None:
        folder = Path(app.doctreedir) / "jinja2"
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def _on_builder_inited(app) -> None:
    _refuse_outdated_outputs(app)
    root = _root(app)
    write_outputs(root, paths.stored_notebooks(root))
    _place_myst_nb_css(app)
    _keep_compiled_templates(app)


def _lend_read_doctrees(app, env):
    """While Sphinx numbers sections and figures, give it the doctrees this build has just read.

    It walks every document's doctree for that, even in a build that read them all a
    moment before and holds them for writing: each is unpickled again from disk, a tenth
    of the 100x review's cold build. Those walks only read, so the doctree in memory does;
    documents not read in this build come from disk as before.
    """
    from_disk, in_memory = env.get_doctree, env._write_doc_doctree_cache
    env.get_doctree = lambda docname: in_memory[docname] if docname in in_memory else from_disk(docname)
    return []


def _take_back_read_doctrees(app, env):
    env.__dict__.pop("get_doctree", None)
    return []


def _notebooks_fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for path in paths.stored_notebooks(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _reread_when_notebooks_change(app, env, added, changed, removed):
    fingerprint = _notebooks_fingerprint(_root(app))
    if getattr(env, "peerwork_notebooks", None) == fingerprint:
        return []
    env.peerwork_notebooks = fingerprint
    return sorted(env.found_docs)


def _reread_colophon_when_its_facts_change(app, env, added, changed, removed):
    facts = json.dumps(colophon_facts(_root(app)), sort_keys=True)
    if getattr(env, "peerwork_colophon", None) == facts:
        return []
    env.peerwork_colophon = facts
    return [doc for doc in env.found_docs if doc.endswith("colophon")]


def _forget_pages_before_rereading(app, env, docnames):
    """Forget every page about to be read again before reading any, as Sphinx's parallel reader does.

    Its serial reader forgets each page just before reading it, so a label that moved to a page
    read earlier is still held by its old page: a duplicate label, which fails the strict build
    until ``_build`` is removed.
    """
    for docname in docnames:
        app.events.emit("env-purge-doc", env, docname)
        env.clear_doc(docname)


def _feed(app) -> Path:
    return paths.outputs_dir(_root(app)) / paths.FEED


def _name_the_feed(app, pagename, templatename, context, doctree):
    """Every page names the feed of editions in its head, so a feed reader finds it from any page."""
    if _feed(app).is_file():
        href = context["pathto"](_feed(app).name, 1)
        context["metatags"] = context.get("metatags", "") + (
            f'\n    <link rel="alternate" type="application/atom+xml" title="Editions" href="{html.escape(href)}" />'
        )


def _publish_the_feed(app, exception):
    """The feed goes to the root of the HTML book, at an address that stays the same from edition to edition."""
    if exception is None and app.builder.format == "html" and _feed(app).is_file():
        shutil.copyfile(_feed(app), Path(app.outdir) / _feed(app).name)


def _drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    """sphinx-thebe can register its inline configuration script twice; a second copy
    redeclares a const and throws in the browser, so keep the first of identical scripts."""
    seen, unique = set(), []
    for script in context.get("script_files", []):
        # the same inline script arrives once with filename None and once with ""
        key = (getattr(script, "filename", str(script)) or "", repr(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    bibtex_lookups.setup(app)
    reader_edition.setup(app)
    # early: a later html-page-context handler that returns a template stops the chain
    app.connect("html-page-context", _drop_duplicate_scripts, priority=100)
    app.connect("builder-inited", _on_builder_inited)
    app.connect("html-page-context", _name_the_feed)
    app.connect("build-finished", _publish_the_feed)
    app.connect("env-get-outdated", _reread_when_notebooks_change)
    app.connect("env-get-outdated", _reread_colophon_when_its_facts_change)
    app.connect("env-before-read-docs", _forget_pages_before_rereading)
    # around Sphinx's own handler (the toctree collector, default priority)
    app.connect("env-get-updated", _lend_read_doctrees, priority=100)
    app.connect("env-get-updated", _take_back_read_doctrees, priority=900)
    app.connect("build-finished", search_index.escape_section_titles)
    app.add_directive("data-dictionary", DataDictionary)
    app.add_directive("colophon", Colophon)
    app.add_directive("glued-markdown", GluedMarkdown)
    app.add_directive("source-register", SourceRegister)
    app.add_directive("reference-notes", ReferenceNotes)
    app.add_role("output-download", OutputDownload(nodeclass=addnodes.download_reference))
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
