"""The PDF edition: the book's single-page HTML build, printed by Chromium.

``peerwork-review pdf`` (``make pdf``) builds the whole book as one HTML page
(``jupyter-book build --builder singlehtml``, stored notebook outputs, the book's own
print styles), then prints it with the Chromium found on the machine (Debian's
``chromium``; no browser is downloaded) through Playwright. The page gets a contents
list and every chapter starts on a new page. The PDF has page numbers in its footer,
numbered contents, bookmarks for every heading and tags for screen readers.

Contents page numbers take two prints: the first, with placeholders as wide as the
numbers, tells on which page each chapter starts (from the PDF's bookmarks); the
second prints them. Chromium runs a bookmark's words together where its heading wraps,
and doubles the title of a heading that starts a page, so each bookmark is then given
its heading's text. The result is written to ``_build/pdf/`` and, when the HTML book
has been built, next to it as ``_build/html/peerwork-review.pdf``, which the landing
page links.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml
from playwright.sync_api import sync_playwright
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from peerwork_review import paths
from peerwork_review.book.build import build as build_book

PDF_NAME = "peerwork-review.pdf"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PLACEHOLDER = "000"
# The origin the book's files are served from, by Playwright's request routing; .invalid
# names no host, so nothing that escapes the routing reaches the network.
ORIGIN = "http://peerwork-review.invalid/"
PRINT_SCALE = 0.85

# Run in the page before printing: chapter breaks and the contents list. The single page
# marks where each page of the book starts (span#document-<docname>, then its section);
# the parts and their chapters come from _toc.yml. Links to the single page by its name
# become links within it; links to files beside the HTML book (downloads) become text.
# Returns the ids the contents link to.
PREPARE = """([parts, placeholder, page]) => {
  document.body.classList.add('pdf-edition');
  // links within the book point at the single page by name; in the PDF they jump within it
  document.querySelectorAll('a[href^="' + page + '#"]').forEach(a => {
    a.setAttribute('href', a.getAttribute('href').slice(page.length));
  });
  // downloads and image files exist only beside the HTML book: plain text on paper
  document.querySelectorAll('a[href]').forEach(a => {
    if (!a.getAttribute('href').startsWith('#') && a.href.startsWith(location.origin)) a.removeAttribute('href');
  });
  const nav = document.createElement('nav');
  nav.id = 'pdf-contents';
  nav.setAttribute('aria-label', 'Contents');
  const heading = document.createElement('h2');
  heading.textContent = 'Contents';
  nav.appendChild(heading);
  const targets = [];
  parts.forEach(part => {
    const caption = document.createElement('p');
    caption.className = 'pdf-part';
    caption.textContent = part.caption;
    const list = document.createElement('ol');
    part.docs.forEach(doc => {
      const marker = document.getElementById('document-' + doc);
      const section = marker && marker.nextElementSibling;
      if (!section) return;
      // section ids repeat across pages of the book; the marker's is unique. Moved into the
      // section, it sits on the chapter's first page.
      section.prepend(marker);
      section.classList.add('pdf-chapter');
      const title = section.querySelector('h1, h2, h3').cloneNode(true);
      title.querySelectorAll('.headerlink').forEach(a => a.remove());
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = '#' + marker.id;
      link.textContent = title.textContent.trim();
      const page = document.createElement('span');
      page.className = 'pdf-page';
      page.textContent = placeholder;
      item.append(link, page);
      list.appendChild(item);
      targets.push(marker.id);
    });
    nav.append(caption, list);
  });
  const landing = document.querySelector('.bd-article section');
  landing.insertBefore(nav, landing.querySelector(':scope > section'));
  return targets;
}"""

HEADINGS = """() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'), h => {
  const copy = h.cloneNode(true);
  copy.querySelectorAll('.headerlink').forEach(a => a.remove());
  return copy.textContent.replace(/\\s+/g, ' ').trim();
})"""

FILL = """(pages) => {
  document.querySelectorAll('#pdf-contents .pdf-page').forEach((span, i) => { span.textContent = pages[i]; });
}"""

STYLE = """
#jb-print-docs-body, #jb-print-toc { display: none !important; }
body.pdf-edition .bd-article h1:first-of-type { display: block !important; }
body.pdf-edition section.pdf-chapter { break-before: page; }
body.pdf-edition section.pdf-chapter > h2 { font-size: 1.9em; margin-top: 0; }
#pdf-contents { break-before: page; break-after: page; }
#pdf-contents .pdf-part { font-weight: 700; margin: 1em 0 0.3em; }
#pdf-contents ol { list-style: none; padding: 0; }
#pdf-contents li { display: flex; gap: 0.5em; align-items: baseline; margin: 0.3em 0; }
#pdf-contents li a { text-decoration: none; color: inherit; }
#pdf-contents li::after { content: ""; order: 1; flex: 1; border-bottom: 1px dotted #999; }
#pdf-contents .pdf-page { order: 2; font-variant-numeric: tabular-nums; }
"""

FOOTER = (
    '<div style="font-size: 8px; width: 100%; padding: 0 12mm; display: flex; justify-content: space-between; '
    'font-family: sans-serif; color: #555;"><span>{title}</span>'
    '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
)


def find_browser() -> str:
    """The Chromium to print with: $PEERWORK_CHROMIUM, or the first of BROWSERS on the PATH."""
    chosen = os.environ.get("PEERWORK_CHROMIUM") or next(filter(None, map(shutil.which, BROWSERS)), None)
    if not chosen:
        raise SystemExit(
            "No Chromium found: install Debian's chromium (apt-get install chromium) "
            "or set PEERWORK_CHROMIUM to a Chromium or Chrome executable."
        )
    return chosen


def build_single_page(root: Path) -> Path:
    """The book as one HTML page, built like the HTML book (stored outputs, strict); returns the page to print."""
    if build_book(root, "singlehtml") != 0:
        raise SystemExit("the single-page build failed: see the messages above")
    return root / "_build" / "singlehtml" / "book" / "index.html"


def destination_pages(pdf: bytes, ids: list[str]) -> list[int | None]:
    """The page (1-based) each of ``ids`` lands on: Chromium names a link target "/" + its id."""
    reader = PdfReader(io.BytesIO(pdf))
    named = reader.named_destinations

    def page(name: str) -> int:
        number = reader.get_destination_page_number(named[name])
        assert number is not None  # Chromium names only targets on its own pages
        return number + 1

    return [page(f"/{i}") if f"/{i}" in named else None for i in ids]


def _read_as(title: str, heading: str) -> bool:
    repeat = title[: len(title) - len(heading)]
    return bool(heading) and title.endswith(heading) and heading.startswith(repeat)


def retitle_bookmarks(pdf: bytes, headings: list[str]) -> bytes:
    """Each bookmark titled with the text of its heading: the next heading, in document order,
    whose letters Chromium's title ends with, after at most a repeat of their beginning (the
    lines of a heading on top of a page are read once more)."""

    def letters(text: str) -> str:
        return re.sub(r"\s+", "", text)

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    keys = [letters(h) for h in headings]
    start = 0

    def retitle(node) -> None:
        nonlocal start
        while node is not None:
            item = node.get_object()
            title = letters(str(item["/Title"]))
            found = next((i for i in range(start, len(keys)) if _read_as(title, keys[i])), None)
            if found is not None:
                item[NameObject("/Title")] = TextStringObject(headings[found])
                start = found + 1
            retitle(item.get("/First"))
            node = item.get("/Next")

    outlines = writer.root_object.get("/Outlines")
    if outlines is not None:
        retitle(outlines.get_object().get("/First"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def toc_parts(root: Path) -> list[dict]:
    """The parts of _toc.yml with the pages (docnames) of each."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return [
        {"caption": part.get("caption", ""), "docs": [c["file"] for c in part.get("chapters", [])]}
        for part in toc.get("parts", [])
    ]


def print_pdf(page_file: Path, target: Path, title: str, parts: list[dict]) -> Path:
    """Print ``page_file`` to ``target`` with numbered contents; returns ``target``."""
    options: dict[str, Any] = dict(
        format="A4",
        print_background=True,
        display_header_footer=True,
        prefer_css_page_size=True,
        # The screen's type at 85 per cent: about 10 pt text and 6.5 pt tables on A4.
        scale=PRINT_SCALE,
        outline=True,
        tagged=True,
        header_template="<span></span>",
        footer_template=FOOTER.format(title=escape(title)),
        margin={"top": "16mm", "bottom": "18mm", "left": "12mm", "right": "12mm"},
    )
    # Sphinx writes the single page into book/ but links its files as if it sat at the
    # top of the build, so it is served from there. Offline: the book's own files only.
    folder = page_file.parent.parent.resolve()
    entry = ORIGIN + "edition.html"
    html = page_file.read_bytes()

    def route(route):
        url = route.request.url
        file = (folder / unquote(urlsplit(url).path).lstrip("/")).resolve()
        if url == entry:
            route.fulfill(body=html, content_type="text/html; charset=utf-8")
        elif not url.startswith(ORIGIN):
            route.abort()
        elif file.is_relative_to(folder) and file.is_file():
            route.fulfill(path=file)
        else:
            route.fulfill(status=404)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=find_browser(), args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        page = browser.new_page()
        page.route("**/*", route)
        page.goto(entry, wait_until="load")
        page.add_style_tag(content=STYLE)
        targets = page.evaluate(PREPARE, [parts, PLACEHOLDER, page_file.resolve().relative_to(folder).as_posix()])
        pages: list[int | None] = []
        for _ in range(3):  # filling in the numbers could, in principle, move a chapter
            pdf = page.pdf(**options)
            found = destination_pages(pdf, targets)
            if found == pages:
                break
            pages = found
            page.evaluate(FILL, [str(p) if p else "" for p in pages])
        pdf = retitle_bookmarks(pdf, page.evaluate(HEADINGS))
        browser.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    paths.write_whole(target, pdf)
    return target


def build(root: Path) -> Path:
    """The whole book as one PDF; also copied into the HTML build when there is one."""
    title = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))["title"]
    target = print_pdf(build_single_page(root), root / "_build" / "pdf" / PDF_NAME, title, toc_parts(root))
    html = root / "_build" / "html"
    if html.is_dir():
        shutil.copyfile(target, html / PDF_NAME)
    return target
