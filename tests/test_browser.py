"""Browser check of the built book: what a reader sees, not just what Sphinx wrote.

One headless Chromium visits every page twice (module fixture `crawl`): at 1,400 px
(links, images, citations, accessibility with axe-core, layout, the PRISMA diagram's
text size, sorting) and at 390 px, a phone (layout). Each test then asserts one
category of problems, listing every offending page at once. Screenshots of every page
at both widths go to artifacts/screenshots. The book is served from 127.0.0.1 only and
every other request is aborted, so the check is offline and reproducible; external
assets the theme asks for are merely noted. axe-core comes vendored in the
axe-playwright-python package, so nothing is fetched at test time.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from collections import defaultdict
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

pytestmark = pytest.mark.slow  # a built book in a browser

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# `make test` installs it where it can (see the Makefile); a missing browser fails the check, never skips it.
assert CHROMIUM, "the browser check needs Chromium: apt-get install chromium (make test does it where it may)"

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402  (only needed once Chromium exists)

from peerwork_review.pdf.printing import PDF_NAME  # noqa: E402
from peerwork_review.rendering.prisma_diagram import DISPLAY_WIDTH_PX  # noqa: E402

DESKTOP, PHONE = 1400, 390
# axe-core impacts that fail the check
BLOCKING_IMPACTS = {"critical", "serious"}
# No preload: axe would fetch every stylesheet again (and resolve the theme's @import
# against the page, a false 404) only for its orientation-lock rule; we lock no orientation.
AXE_OPTIONS = {"resultTypes": ["violations"], "preload": False}
MIN_DIAGRAM_TEXT_PX = 11

SKIPPED_DIRS = {"_static", "_sources", "_modules"}
SKIPPED_PAGES = {"genindex.html", "search.html"}
NO_ANCHOR_CHECK = ("_sources/", "_downloads/")  # raw files: existence matters, ids do not
# Console noise produced by the external requests we abort on purpose; local
# failures are caught separately through the `response`/`requestfailed` events.
ABORT_NOISE = ("net::ERR_FAILED", "Failed to load resource")
REFRESH = re.compile(r'<meta http-equiv="refresh" content="\d+;\s*url=([^"]+)"', re.I)

# Gathered in the browser in one round trip. Text excludes code so that a page
# documenting MyST syntax (`{cite}`, `{glue}`) is not mistaken for a broken render.
PAGE_FACTS = """() => {
  // Cloned into an inert document: a plain cloneNode would re-fetch every <img>.
  const clean = document.implementation.createHTMLDocument('').importNode(document.body, true);
  clean.querySelectorAll('pre, code, script, style').forEach(n => n.remove());
  return {
    links: Array.from(document.querySelectorAll('a[href]'), a => [a.getAttribute('href'), a.href]),
    broken_images: Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
    no_alt: Array.from(document.querySelectorAll('main img, .bd-article img'))
      .filter(i => !(i.getAttribute('alt') || '').trim()).map(i => i.getAttribute('src')),
    empty_glue: Array.from(document.querySelectorAll('span.pasted-text, .pasted-inline'))
      .filter(e => !e.textContent.trim()).length,
    bare_cites: Array.from(document.querySelectorAll('.xref.cite')).filter(e => !e.closest('a'))
      .map(e => e.textContent.trim()),
    text: clean.textContent,
  };
}"""


# Where table text is cut off: a cell whose text is wider than the cell, or a cell outside
# the window (or outside a box that clips) with no box that scrolls to it. Also whether
# the page itself scrolls sideways, and which tables scroll inside their box.
LAYOUT = """() => {
  const width = document.documentElement.clientWidth;
  const out = {page_overflow: document.documentElement.scrollWidth - width, clipped: [], scrolling: []};
  const label = (cell) => {
    const block = cell.closest('.table-block');
    const caption = block && block.querySelector('.table-caption');
    const table = (caption ? caption.textContent : 'table without caption').trim().slice(0, 50);
    return `${table} | ${cell.textContent.trim().slice(0, 30)}`;
  };
  const overflowBox = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const x = getComputedStyle(a).overflowX;
      if (x === 'auto' || x === 'scroll') return {box: a, scrolls: true};
      if (x === 'hidden' || x === 'clip') return {box: a, scrolls: false};
    }
    return null;
  };
  const seen = new Set();
  document.querySelectorAll('.bd-article td, .bd-article th').forEach(cell => {
    if (!cell.getClientRects().length) return;  // not displayed
    const r = cell.getBoundingClientRect();
    if (cell.scrollWidth > cell.clientWidth + 1) out.clipped.push(`${label(cell)}: text wider than its cell`);
    const owner = overflowBox(cell);
    let bounds = {left: 0, right: width};
    if (owner && owner.scrolls) {
      if (!seen.has(owner.box)) {
        seen.add(owner.box);
        if (owner.box.scrollWidth > owner.box.clientWidth + 1) out.scrolling.push(label(cell).split(' | ')[0]);
        const b = owner.box.getBoundingClientRect();
        if (b.left < -0.5 || b.right > width + 0.5) out.clipped.push(`${label(cell)}: scroll box outside the window`);
      }
      return;
    }
    if (owner) bounds = owner.box.getBoundingClientRect();
    if (r.left < Math.max(0, bounds.left) - 0.5 || r.right > Math.min(width, bounds.right) + 0.5)
      out.clipped.push(`${label(cell)}: cut off, and no box scrolls to it`);
  });
  return out;
}"""

# The PRISMA diagram's smallest text as shown: its SVG's font sizes scaled to the displayed width.
DIAGRAM_TEXT = """async () => {
  const img = document.querySelector('#fig-prisma-flow img');
  if (!img) return null;
  const svg = await (await fetch(img.currentSrc || img.src)).text();
  const viewBox = svg.match(/viewBox="[\\d.\\s-]*?([\\d.]+)\\s+[\\d.]+"/);
  const sizes = Array.from(svg.matchAll(/font-size:\\s*([\\d.]+)px/g), m => parseFloat(m[1]));
  const shown = img.getBoundingClientRect().width;
  const linked = !!img.closest('a[href$=".svg"]');
  return {shown, view_width: viewBox ? parseFloat(viewBox[1]) : null, min_size: Math.min(...sizes), linked};
}"""


class _Anchors(HTMLParser):
    """Every id (and legacy <a name>) a page offers as a link target."""

    def __init__(self):
        super().__init__()
        self.found: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if value and (key == "id" or (key == "name" and tag == "a")):
                self.found.add(value)


@functools.cache
def anchors_in(path: Path) -> frozenset[str]:
    parser = _Anchors()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.found)


def html_pages(html: Path) -> list[str]:
    pages = []
    for path in sorted(html.rglob("*.html")):
        rel = path.relative_to(html)
        if not SKIPPED_DIRS.intersection(rel.parts) and rel.as_posix() not in SKIPPED_PAGES:
            pages.append(rel.as_posix())
    return pages


def link_problem(html: Path, base: str, absolute: str) -> str | None:
    """Why an internal URL does not resolve under `html`, or None if it does."""
    parts = urlsplit(absolute)
    rel = unquote(parts.path).lstrip("/")
    if rel == PDF_NAME:
        return None  # written by make pdf, not by the HTML build; tests/test_pdf.py checks the link
    target = html / rel
    if not rel or rel.endswith("/") or target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return f"missing file {absolute[len(base) :]}"
    fragment = unquote(parts.fragment)
    if fragment and target.suffix == ".html" and not rel.startswith(NO_ANCHOR_CHECK):
        if fragment not in anchors_in(target):
            return f"missing anchor {absolute[len(base) :]}"
    return None


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass


SORT_PAGE = "notebooks/02-study-characteristics.html"
SORT_COLUMN = "Sample"


def _first_numbers(page, column: str) -> list[float | None]:
    return page.evaluate(
        """(name) => {
      const table = Array.from(document.querySelectorAll('table.sortable'))
        .find(t => Array.from(t.tHead.rows[0].cells).some(c => c.textContent.trim().startsWith(name)));
      const column = Array.from(table.tHead.rows[0].cells).findIndex(c => c.textContent.trim().startsWith(name));
      return Array.from(table.tBodies[0].rows, r => {
        const text = r.cells[column].textContent.trim();
        if (/^not available\\b/i.test(text)) return null;  // the value is missing; any number after it is a detail
        const m = text.replace(/,/g, '').match(/\\d+(\\.\\d+)?/);
        return m ? parseFloat(m[0]) : null;
      });
    }""",
        column,
    )


def _check_sorting(page) -> dict:
    """Press the sort button of SORT_COLUMN twice (mouse, then keyboard); the rows' first numbers in order."""
    header = page.locator("th", has=page.get_by_role("button", name=re.compile(f"^{SORT_COLUMN}"))).first
    button = header.get_by_role("button")
    before = header.get_attribute("aria-sort")
    button.click()
    ascending = (_first_numbers(page, SORT_COLUMN), header.get_attribute("aria-sort"))
    button.focus()
    page.keyboard.press("Enter")
    descending = (_first_numbers(page, SORT_COLUMN), header.get_attribute("aria-sort"))
    return {"before": before, "ascending": ascending, "descending": descending}


@pytest.fixture(scope="module")
def crawl(built_book):
    """Visit every page at both widths; return {category: ["page: problem", ...]} plus info."""
    html = Path(built_book)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    found: dict[str, list] = defaultdict(list)
    blocked: set[str] = set()
    current = [""]  # page being visited, for the event handlers

    def route(route):
        if route.request.url.startswith(base):
            route.continue_()
        else:  # offline by design; not a failure
            blocked.add(urlsplit(route.request.url).netloc or route.request.url[:60])
            route.abort()

    def on_console(msg):
        if msg.type == "error" and not any(noise in msg.text for noise in ABORT_NOISE):
            found["js"].append(f"{current[0]}: console error: {msg.text}")

    def on_response(response):
        if response.url.startswith(base) and response.status >= 400:
            found["js"].append(f"{current[0]}: HTTP {response.status} for {response.url[len(base) :]}")

    def on_failed(request):
        if request.url.startswith(base):
            found["js"].append(f"{current[0]}: request failed ({request.failure}) {request.url[len(base) :]}")

    def visit(page, rel: str) -> bool:
        """Open ``rel`` (following the root's redirect); False when it only redirects."""
        current[0] = rel
        page.goto(base + rel, wait_until="load")
        redirect = REFRESH.search((html / rel).read_text(encoding="utf-8", errors="replace"))
        if not redirect:
            return True
        target = urljoin(base + rel, redirect.group(1))
        current[0] = f"{rel} -> {target[len(base) :]}"  # errors come from the target
        if problem := link_problem(html, base, target):
            found["links"].append(f"{rel}: redirect: {problem}")
        else:
            page.wait_for_url(target)
            page.wait_for_load_state("load")
        return False

    def layout(page, rel: str, width: int) -> None:
        facts = page.evaluate(LAYOUT)
        if facts["page_overflow"] > 0:
            found["layout"].append(f"{rel} at {width} px: the page scrolls sideways by {facts['page_overflow']} px")
        found["layout"] += [f"{rel} at {width} px: {problem}" for problem in facts["clipped"]]
        if width == DESKTOP:
            found["scrolls_at_desktop"] += [f"{rel}: {caption}" for caption in facts["scrolling"]]
        # JPEG: a third cheaper to encode than PNG, and as good to look at. The first screen of each
        # page by default; PEERWORK_FULL_SCREENSHOTS=1 takes whole pages (ten times the time) to review.
        page.screenshot(
            path=str(SCREENSHOTS / f"{rel.removesuffix('.html').replace('/', '-')}-{width}.jpg"),
            full_page=bool(os.environ.get("PEERWORK_FULL_SCREENSHOTS")),
            type="jpeg",
            quality=80,
        )
        found["screenshots"].append((rel, width))

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in [*SCREENSHOTS.glob("*.png"), *SCREENSHOTS.glob("*.jpg")]:
        old.unlink()
    pages = html_pages(html)
    axe = Axe()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # One tab for both widths.
            tab = browser.new_page(viewport={"width": DESKTOP, "height": 900})
            tab.route("**/*", route)
            tab.on("pageerror", lambda exc: found["js"].append(f"{current[0]}: uncaught {exc}"))
            tab.on("console", on_console)
            tab.on("response", on_response)
            tab.on("requestfailed", on_failed)
            for rel in pages:
                tab.set_viewport_size({"width": DESKTOP, "height": 900})
                if not visit(tab, rel):
                    continue  # its target is crawled (and checked) as a page of its own
                facts = tab.evaluate(PAGE_FACTS)
                problems = set()
                for raw, absolute in facts["links"]:
                    if raw.strip() == "#" or not absolute.startswith(base):
                        continue  # bare "#" is a JS hook; other origins are external links
                    if problem := link_problem(html, base, absolute):
                        problems.add(f"{rel}: {problem}")
                found["links"].extend(sorted(problems))
                found["images"] += [f"{rel}: image did not load: {src}" for src in facts["broken_images"]]
                found["images"] += [f"{rel}: image without alt text: {src}" for src in facts["no_alt"]]
                if facts["empty_glue"]:
                    found["glue"].append(f"{rel}: {facts['empty_glue']} glued value(s) rendered empty")
                found["roles"] += [f"{rel}: unresolved citation {c!r}" for c in facts["bare_cites"]]
                for marker, meaning in (
                    ("[?]", "unresolved citation [?]"),
                    ("{cite", "unrendered {cite} role"),
                    ("{glue", "unrendered {glue} role"),
                ):
                    if marker in facts["text"]:
                        found["roles"].append(f"{rel}: {meaning}")
                for violation in axe.run(tab, options=AXE_OPTIONS).response["violations"]:
                    if violation["impact"] in BLOCKING_IMPACTS:
                        targets = ", ".join(str(n["target"][0]) for n in violation["nodes"][:3])
                        found["axe"].append(
                            f"{rel}: {violation['id']} ({violation['impact']}, {len(violation['nodes'])} "
                            f"element(s), e.g. {targets}): {violation['help']}"
                        )
                if (diagram := tab.evaluate(DIAGRAM_TEXT)) is not None:
                    found["diagram"].append((rel, diagram))
                layout(tab, rel, DESKTOP)
                if rel == SORT_PAGE:
                    found["sorting"].append(_check_sorting(tab))
                # reloaded, not just narrowed: the theme sets its sidebars up for the width it loads at
                tab.set_viewport_size({"width": PHONE, "height": 844})
                tab.reload(wait_until="load")
                layout(tab, rel, PHONE)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    found["pages"] = pages
    found["blocked"] = sorted(blocked)
    return found


def _assert_none(problems: list[str], what: str):
    assert not problems, f"{len(problems)} {what}:\n  " + "\n  ".join(problems)


def test_pages_were_crawled_and_screenshotted(crawl):
    # Guards against a silently empty crawl; blocked hosts are reported for information only.
    print(f"\n{len(crawl['pages'])} pages checked; external hosts blocked: {', '.join(crawl['blocked']) or 'none'}")
    assert "index.html" in crawl["pages"] and len(crawl["pages"]) > 5, crawl["pages"]
    shown = {rel for rel, _ in crawl["screenshots"]}
    assert {rel for rel in crawl["pages"] if not REFRESH.search((ROOT / "_build/html" / rel).read_text())} == shown
    assert sorted(w for _, w in crawl["screenshots"]) == sorted([DESKTOP, PHONE] * len(shown))
    assert all(path.stat().st_size > 0 for path in SCREENSHOTS.glob("*.jpg"))


def test_no_javascript_errors(crawl):
    _assert_none(crawl["js"], "JavaScript or local loading errors")


def test_internal_links_and_anchors_resolve(crawl):
    _assert_none(crawl["links"], "broken internal links")


def test_citations_and_roles_rendered(crawl):
    _assert_none(crawl["roles"], "unresolved citations or unrendered roles")


def test_images_load_and_have_alt_text(crawl):
    _assert_none(crawl["images"], "image problems")


def test_glued_values_not_empty(crawl):
    _assert_none(crawl["glue"], "pages with empty glued values")


def test_no_table_text_is_cut_off_and_no_page_scrolls_sideways(crawl):
    """At both widths: every cell's text is visible, or inside a box that scrolls to it."""
    _assert_none(crawl["layout"], "layout problems")


def test_tables_fit_the_desktop_width(crawl):
    """At 1,400 px long text wraps: no table needs its scroll box."""
    _assert_none(crawl["scrolls_at_desktop"], "tables that scroll sideways at 1,400 px")


def test_no_critical_or_serious_accessibility_violations(crawl):
    _assert_none(crawl["axe"], "critical or serious axe-core violations")


def test_prisma_diagram_text_is_legible_and_links_to_its_svg(crawl):
    ((rel, diagram),) = crawl["diagram"]
    assert diagram["linked"], f"{rel}: the diagram is not a link to its SVG"
    assert diagram["shown"] >= DISPLAY_WIDTH_PX - 5, f"{rel}: the diagram shows {diagram['shown']:.0f} px wide"
    shown_px = diagram["min_size"] * diagram["shown"] / diagram["view_width"]
    assert shown_px >= MIN_DIAGRAM_TEXT_PX, f"{rel}: smallest diagram text shows at {shown_px:.1f} px"


def test_sort_button_sorts_on_the_first_number(crawl):
    """The Sample column ("N = 4; 2 peer workers…", "N = 13", "N = 132"): numbers in numeric order,
    cells without a number last; aria-sort on the sorted header."""
    (result,) = crawl["sorting"]
    assert result["before"] is None
    numbers, state = result["ascending"]
    known = [n for n in numbers if n is not None]
    assert state == "ascending" and known == sorted(known) and len(set(known)) > 2
    assert numbers[: len(known)] == known, "cells without a number must come last"
    numbers, state = result["descending"]
    assert state == "descending" and [n for n in numbers if n is not None] == sorted(known, reverse=True)
