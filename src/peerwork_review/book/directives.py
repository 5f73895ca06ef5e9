"""Directives that make parts of pages from the data or from stored outputs when the book is built.

``{data-dictionary}``, ``{source-register}`` and ``{reference-notes}`` show tables of
``data/`` itself (they need no notebook: nothing is derived); ``{glued-markdown}`` places a
notebook's stored markdown output on a prose page; ``{colophon}`` describes the build.
Everything from the data is escaped before MyST reads it.
"""

from __future__ import annotations

import datetime
import os
import platform
import re
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import nbformat
import pandas as pd
from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList

from peerwork_review import paths
from peerwork_review.notebooks.notebook import glued
from peerwork_review.reading.load import read_and_validate, read_descriptor
from peerwork_review.reading.sources import register_table
from peerwork_review.rendering.render import Markup, cite, escape, list_table, role_title, web_link


class _MystDirective(Directive):
    """Base: build MyST text, parse it in place."""

    has_content = False

    def markup(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def env(self):
        return self.state.document.settings.env

    @property
    def root(self) -> Path:
        return paths.project_root(Path(self.env.srcdir))

    def depends_on(self, path: Path) -> None:
        self.env.note_dependency(str(path))

    def run(self):
        container = nodes.container()
        self.state.nested_parse(StringList(self.markup().splitlines()), self.content_offset, container)
        return container.children


class DataDictionary(_MystDirective):
    """``{data-dictionary}``: every resource and field of data/datapackage.json, with downloads."""

    def markup(self) -> str:
        descriptor = read_descriptor(paths.data_dir(self.root))
        self.depends_on(paths.data_dir(self.root) / "datapackage.json")
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
                    rules.append(
                        "one of: " + ", ".join(c["enum"])
                        if len(c["enum"]) <= 12
                        else "a country name (ISO 3166-1 list in datapackage.json)"
                    )
                if "minimum" in c:
                    rules.append(f"at least {c['minimum']}")
                if "pattern" in c:  # as code: its quotes stay straight and its backslashes show as written
                    rules.append(Markup(f"pattern {_code(c['pattern'])}"))
                prov = f.get("provenance")
                prov_text = {
                    "key": "identifier or link",
                    "editorial": "written by this edition",
                    "self": "is a source",
                }.get(prov, f"source in {prov}")
                fields.append(
                    {
                        "Field": f["name"],
                        "Type": f["type"],
                        "Rules": Markup("; ".join(escape(rule) for rule in rules)),
                        "Provenance": prov_text,
                        # the words the book's pages use for the field, where they differ from its name
                        "Description": (f"Shown as “{f['title']}”. " if "title" in f else "")
                        + f.get("description", ""),
                    }
                )
            keys = resource["schema"].get("primaryKey", [])
            fks = resource["schema"].get("foreignKeys", [])
            links = "; ".join(
                f"{', '.join(fk['fields'])} → {fk['reference']['resource']}.{', '.join(fk['reference']['fields'])}"
                for fk in fks
            )
            anchor = "data-" + "".join(ch if ch.isalnum() else "-" for ch in resource["name"])
            path = resource["path"]
            # The path goes into a role, whose title is raw text; validation confines it to a plain file name in data/.
            download = f"{{download}}`{role_title(path)} <../data/{path}>`" if _plain_path(path) else escape(path)
            key = f" Primary key: {escape(', '.join(keys))}." if keys else ""
            out += [
                f"```{{rubric}} {escape(resource['title'])}",
                f":name: {anchor}",
                "```",
                "",
                f"{escape(resource.get('description', ''))} Download {download}.{key}"
                + (f" Links: {escape(links)}." if links else ""),
                "",
                # unnumbered: the dictionary's tables must not take numbers from the results'
                list_table(pd.DataFrame(fields), f"Fields of {path}", None, widths=[18, 8, 22, 16, 36]),
                "",
            ]
        return "\n".join(out)


class GluedMarkdown(_MystDirective):
    """``{glued-markdown} ../notebooks/x.ipynb::key``: a glued markdown output of another notebook.

    myst-nb pastes text, HTML and images across documents, but not markdown; a sentence or
    list whose shape depends on the data (and which cites and links) is glued as markdown
    by a notebook and placed on a prose page with this directive.
    """

    required_arguments = 1

    def markup(self) -> str:
        target, _, key = self.arguments[0].partition("::")
        path = (Path(self.env.doc2path(self.env.docname)).parent / target).resolve()
        if not key or not path.is_file():
            raise self.error(f"glued-markdown needs 'path/to/notebook.ipynb::key'; got {self.arguments[0]!r}")
        self.depends_on(path)
        markdown = glued(nbformat.read(path, as_version=4)).get(key, {}).get("data", {}).get("text/markdown")
        if markdown is None:
            raise self.error(f"{target} has no glued markdown named {key!r}: run `make refresh`")
        return markdown


def _code(text: str) -> str:
    """MyST inline code of ``text``, whatever backticks it holds: fenced by a longer run of them."""
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    return f"{fence} {' '.join(text.split())} {fence}"


def _plain_path(path: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9_.-]+\.csv", path))


class SourceRegister(_MystDirective):
    """``{source-register}``: data/sources.csv, the public pages every provenance resolves to."""

    def markup(self) -> str:
        self.depends_on(paths.data_dir(self.root) / "sources.csv")
        tables, _, _ = read_and_validate(self.root)
        frame = register_table(tables)
        frame["Address"] = [web_link(url) for url in frame["Address"]]
        return list_table(
            frame,
            "Register of the public sources this edition read values from (data/sources.csv).",
            "table-source-register",
            widths=[16, 30, 8, 6, 28, 12],
        )


class ReferenceNotes(_MystDirective):
    """``{reference-notes}``: where references.bib differs from the article's reference list, and why."""

    def markup(self) -> str:
        self.depends_on(paths.data_dir(self.root) / "article_references.csv")
        tables, _, _ = read_and_validate(self.root)
        noted = [r for r in tables["article_references"].records if r.get("note")]
        if not noted:
            return "No entry of references.bib differs from the article's reference list."
        frame = pd.DataFrame(
            [
                {
                    "Reference in the article": str(r["ref_number"]),
                    "Entry": cite([r["bib_key"]], "t"),
                    "How this bibliography differs": r["note"],
                    "Source": r["note_source"],
                }
                for r in noted
            ]
        )
        return list_table(
            frame,
            "Entries of this bibliography that differ from the article's reference list.",
            "table-reference-notes",
            widths=[10, 20, 40, 30],
            sortable=False,
        )


class Colophon(_MystDirective):
    """``{colophon}``: git commit, commit date and package versions of this build.

    Nothing here depends on the wall clock, so two builds of one commit are identical.
    """

    PACKAGES = [
        "jupyter-book",
        "sphinx",
        "myst-nb",
        "myst-parser",
        "sphinxcontrib-bibtex",
        "pybtex",
        "pandas",
        "matplotlib",
        "nbval",
        "peerwork-review",
    ]

    def markup(self) -> str:
        facts = colophon_facts(self.root)
        frame = pd.DataFrame([{"Item": k, "Value": v} for k, v in facts.items()])
        return list_table(frame, "This build", None, widths=[40, 60], sortable=False)


def colophon_facts(root: Path) -> dict[str, str]:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        committed = git("log", "-1", "--format=%ct")
        if git("status", "--porcelain", "--untracked-files=no"):
            commit += " (with uncommitted changes)"
    except (OSError, subprocess.CalledProcessError):
        commit, committed = "not a git checkout", ""
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or committed
    when = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).strftime("%Y-%m-%d") if epoch else "unknown"
    facts = {"Git commit": commit, "Date of the commit (UTC)": when, "Python": platform.python_version()}
    for name in Colophon.PACKAGES:
        try:
            facts[name] = version(name)
        except PackageNotFoundError:
            facts[name] = "not installed"
    return facts
