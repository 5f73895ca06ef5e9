"""Sphinx extension: no stale notebook output, whatever the execution cache holds.

myst-nb's ``cache`` mode keys a cached execution on the notebook's code only, and
Sphinx re-reads a page only when its own source changes. The notebooks read ``data/``
and this package, so an edit there would leave old numbers in the book. This extension
hashes those inputs and (1) points the execution cache at a folder named after the
hash, so changed inputs always execute afresh, and (2) tells Sphinx to re-read every
page when the hash differs from the last build, since prose pages glue numbers from
the notebooks. Before Sphinx reads, (3) the notebooks the cache lacks are executed on
all cores at once (``peerwork_review.execution``) instead of one by one, and (4) the
PRISMA diagram's download files are drawn from the data when the inputs changed.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from docutils.parsers.rst import Directive

from . import paths

CACHE_PREFIX = "inputs-"


def inputs_hash(root: Path) -> str:
    """SHA-256 over the data files, the bibliography and this package's source."""
    digest = hashlib.sha256()
    files = sorted(paths.data_dir(root).glob("*"))
    files += [paths.bibliography(root)]
    files += sorted(paths.PACKAGE_DIR.rglob("*.py"))
    for path in files:
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _key_cache_on_inputs(app, config) -> None:
    root = paths.project_root(Path(app.srcdir))
    app.peerwork_inputs_hash = inputs_hash(root)
    cache_root = Path(app.outdir).parent / ".jupyter_cache"
    cache_dir = cache_root / f"{CACHE_PREFIX}{app.peerwork_inputs_hash[:16]}"
    if cache_root.is_dir():  # keep only the cache that matches the current inputs
        for old in cache_root.glob(f"{CACHE_PREFIX}*"):
            if old != cache_dir:
                shutil.rmtree(old, ignore_errors=True)
    config.nb_execution_cache_path = str(cache_dir)


def _reread_when_inputs_change(app, env, added, changed, removed):
    if getattr(env, "peerwork_inputs_hash", None) == app.peerwork_inputs_hash:
        return []
    env.peerwork_inputs_hash = app.peerwork_inputs_hash
    return sorted(env.found_docs)


def _execute_notebooks_in_parallel(app, env, docnames):
    if app.config.nb_execution_mode != "cache":
        return
    from sphinx.errors import ExtensionError
    from sphinx.util import logging

    from .execution import execute_into_cache

    notebooks = [Path(env.doc2path(doc)) for doc in sorted(docnames)]
    notebooks = [path for path in notebooks if path.suffix == ".ipynb"]
    executed = execute_into_cache(app.config.nb_execution_cache_path, notebooks,
                                  app.config.nb_execution_timeout, app.config.nb_execution_allow_errors)
    if executed:
        logging.getLogger(__name__).info(f"executed {len(executed)} notebook(s) in parallel")
    failed = [run for run in executed if run.error is not None]
    if failed and app.config.nb_execution_raise_on_error:
        raise ExtensionError("\n\n".join(f"executing {run.path.relative_to(app.srcdir)} failed:\n{run.error}" for run in failed))
    # Otherwise myst-nb executes the failed ones again and reports them as it is configured to.


def _write_downloads(app, env, docnames):
    """Draw the PRISMA files the book offers for download, when they are missing or the inputs changed.

    The build writes them, not notebook execution, so they exist whatever the execution
    cache holds and in builds with execution off.
    """
    root = paths.project_root(Path(app.srcdir))
    stem = paths.outputs_dir(root) / "figures" / "prisma-flow"
    stamp = stem.with_name(".inputs-hash")
    files = [stem.with_suffix(".svg"), stem.with_suffix(".png")]
    if stamp.is_file() and stamp.read_text() == app.peerwork_inputs_hash and all(f.is_file() for f in files):
        return
    from .load import load
    from .prisma_flow import write_downloads

    write_downloads(load(root), stem)
    stamp.write_text(app.peerwork_inputs_hash)


# -- directives that generate pages at build time ------------------------------


class _MystDirective(Directive):
    """Base: build MyST text, parse it in place."""

    has_content = False

    def markup(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def run(self):
        from docutils import nodes
        from docutils.statemachine import StringList

        container = nodes.container()
        self.state.nested_parse(StringList(self.markup().splitlines()), self.content_offset, container)
        return container.children


class DataDictionary(_MystDirective):
    """``{data-dictionary}``: every resource and field of data/datapackage.json, with downloads."""

    def markup(self) -> str:
        from .load import read_descriptor
        from .render import escape, list_table

        import pandas as pd

        root = paths.project_root(Path(self.state.document.settings.env.srcdir))
        descriptor = read_descriptor(paths.data_dir(root))
        self.state.document.settings.env.note_dependency(str(paths.data_dir(root) / "datapackage.json"))
        out = [
            "Downloads: {download}`datapackage.json <../data/datapackage.json>` (the descriptor), "
            "{download}`references.bib <../references.bib>` (the bibliography) and {download}`README.md <../data/README.md>` (notes on the data).",
            "",
        ]
        for resource in descriptor["resources"]:
            fields = []
            for f in resource["schema"]["fields"]:
                c = f.get("constraints", {})
                rules = []
                if c.get("required"):
                    rules.append("required")
                if c.get("unique"):
                    rules.append("unique")
                if "enum" in c:
                    rules.append("one of: " + ", ".join(c["enum"]) if len(c["enum"]) <= 12 else "a country name (ISO 3166-1 list in datapackage.json)")
                if "minimum" in c:
                    rules.append(f"at least {c['minimum']}")
                if "pattern" in c:
                    rules.append(f"pattern {c['pattern']}")
                prov = f.get("provenance")
                prov_text = {"key": "identifier or link", "editorial": "written by this edition", "self": "is a source"}.get(prov, f"source in {prov}")
                fields.append({"Field": f["name"], "Type": f["type"], "Rules": "; ".join(rules), "Provenance": prov_text, "Description": f.get("description", "")})
            keys = resource["schema"].get("primaryKey", [])
            fks = resource["schema"].get("foreignKeys", [])
            links = "; ".join(f"{', '.join(fk['fields'])} → {fk['reference']['resource']}.{', '.join(fk['reference']['fields'])}" for fk in fks)
            out += [
                f"```{{rubric}} {escape(resource['title'])}",
                f":name: data-{resource['name'].replace('_', '-')}",
                "```",
                "",
                f"{escape(resource['description'])} Download {{download}}`{resource['path']} <../data/{resource['path']}>`. "
                f"Primary key: {escape(', '.join(keys))}." + (f" Links: {escape(links)}." if links else ""),
                "",
                # unnumbered: the dictionary's tables must not take numbers from the results'
                list_table(pd.DataFrame(fields), f"Fields of {resource['path']}", None, widths=[18, 8, 22, 16, 36]),
                "",
            ]
        return "\n".join(out)


class Colophon(_MystDirective):
    """``{colophon}``: git commit, build date and package versions of this build."""

    PACKAGES = ["jupyter-book", "sphinx", "myst-nb", "myst-parser", "sphinxcontrib-bibtex", "pybtex", "pandas", "matplotlib", "nbval", "peerwork-review"]

    def markup(self) -> str:
        import datetime
        import platform
        import subprocess
        from importlib.metadata import PackageNotFoundError, version

        import pandas as pd

        from .render import list_table

        root = paths.project_root(Path(self.state.document.settings.env.srcdir))
        try:
            commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
            dirty = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
            commit += " (with uncommitted changes)" if dirty else ""
        except (OSError, subprocess.CalledProcessError):
            commit = "not a git checkout"
        rows = [
            {"Item": "Git commit", "Value": commit},
            {"Item": "Built (UTC)", "Value": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")},
            {"Item": "Python", "Value": platform.python_version()},
            {"Item": "Inputs hash (data and analysis code)", "Value": inputs_hash(root)[:16]},
        ]
        for name in self.PACKAGES:
            try:
                rows.append({"Item": name, "Value": version(name)})
            except PackageNotFoundError:
                rows.append({"Item": name, "Value": "not installed"})
        return list_table(pd.DataFrame(rows), "This build", None, widths=[40, 60], sortable=False)


def _always_reread_colophon(app, env, added, changed, removed):
    return [doc for doc in env.found_docs if doc.endswith("colophon")]


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
    from . import reader_edition

    reader_edition.setup(app)
    # early: a later html-page-context handler that returns a template stops the chain
    app.connect("html-page-context", _drop_duplicate_scripts, priority=100)
    app.connect("config-inited", _key_cache_on_inputs)
    app.connect("env-get-outdated", _reread_when_inputs_change)
    app.connect("env-get-outdated", _always_reread_colophon)
    app.connect("env-before-read-docs", _write_downloads)
    app.connect("env-before-read-docs", _execute_notebooks_in_parallel)
    app.add_directive("data-dictionary", DataDictionary)
    app.add_directive("colophon", Colophon)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
