"""The search index, escaped for the page that shows it.

Sphinx's search page inserts every section title it finds as HTML (``searchtools.js`` sets
``innerHTML``), but the index keeps section titles as plain text, so a theme name holding
markup would run in a reader's search results. After the build, every section title in
``searchindex.js`` is written as HTML text. Page titles are rendered, hence escaped, by
Sphinx already. Escaping is idempotent (an incremental build reads the last index back).
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from peerwork_review import paths

PREFIX, SUFFIX = "Search.setIndex(", ")"  # sphinx.search._JavaScriptIndex


def escape_section_titles(app, exception) -> None:
    path = Path(app.outdir) / "searchindex.js"
    if exception is not None or app.builder.format != "html" or not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    if not (text.startswith(PREFIX) and text.endswith(SUFFIX)):
        raise RuntimeError(f"{path} is not in the format this Sphinx extension knows; its titles cannot be escaped")
    index = json.loads(text.removeprefix(PREFIX).removesuffix(SUFFIX))
    index["alltitles"] = {html.escape(html.unescape(title)): where for title, where in index["alltitles"].items()}
    paths.write_whole(path, PREFIX + json.dumps(index, sort_keys=True) + SUFFIX)
