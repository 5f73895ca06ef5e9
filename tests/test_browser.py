"""Browser check of the built book: what a reader sees, not just what Sphinx wrote.

One headless Chromium visits every page twice (module fixture `crawl`): at 1,400 px
(links, images, citations, sorting) and at 390 px, a phone; at both, accessibility with
axe-core, layout (cut-off text, words split, sideways scrolling) and the smallest text of
every diagram as shown. Each test then asserts one
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
from peerwork_review.rendering.prisma_layout import DISPLAY_WIDTH_PX, PHONE_WIDTH_PX  # noqa: E402

DESKTOP, PHONE = 1400, 390
# axe-core findings that fail the check: these impacts, and content outside any landmark
BLOCKING_IMPACTS = {"critical", "serious"}
BLOCKING_RULES = {"region"}
# No preload: axe would fetch every stylesheet again (and resolve the theme's @import
# against the page, a false 404) only for its orientation-lock rule; we lock no orientation.
AXE_OPTIONS = {"resultTypes": ["violations"], "preload": False}
MIN_PRISMA_TEXT_PX = 11  # on a desktop
MIN_DIAGRAM_TEXT_PX = 9  # any diagram, at either width

SKIPPED_DIRS = {"_static", "_sources", "_modules"}
SKIPPED_PAGES = {"genindex.html", "search.html"}
NO_ANCHOR_CHECK = ("_sources/", "_downloads/")  # raw files: existence matters, ids do not
# Console noise produced by the external requests we abort on purpose; local
# failures are caught separately through the `response`/`requestfailed` events.
ABORT_NOISE = ("net::ERR_FAILED", "Failed to load resource")
# Markup a reader should never see: MyST escapes and backticks in text, a label with nothing after it.
RAW_MARKUP = (
    (r"\S*\\[!-/:-@\[-`{-~]\S*", "a backslash escape shown as text"),
    (r"\S*`\S*", "a backtick shown as text"),
    (r"\b[Kk]eys?: \.", "a key named without a value"),
)
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
  const out = {page_overflow: document.documentElement.scrollWidth - width, clipped: [], scrolling: [], split: []};
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
  // a word whose letters run onto two lines: split without a hyphen
  const splitWords = (cell) => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    const found = [];
    while (walker.nextNode()) {
      const node = walker.currentNode;
      for (const m of node.nodeValue.matchAll(/[\\p{L}\\p{N}]{2,}/gu)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set(Array.from(range.getClientRects(), r => Math.round(r.top)));
        if (lines.size > 1) found.push(m[0]);
      }
    }
    return found;
  };
  document.querySelectorAll('.bd-article td, .bd-article th').forEach(cell => {
    if (!cell.getClientRects().length) return;  // not displayed
    const r = cell.getBoundingClientRect();
    if (cell.scrollWidth > cell.clientWidth + 1) out.clipped.push(`${label(cell)}: text wider than its cell`);
    out.split.push(...splitWords(cell).map(word => `${label(cell)}: "${word}" split across lines`));
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

# Every diagram's smallest text as shown: the font sizes of the SVG the browser chose
# (a narrow screen gets a narrow rendering) scaled to the width it is shown at.
DIAGRAM_TEXT = """async () => {
  const out = [];
  for (const img of document.querySelectorAll('.bd-article figure img')) {
    const src = img.currentSrc || img.src;
    if (!src.endsWith('.svg') || !img.getClientRects().length) continue;
    const svg = await (await fetch(src)).text();
    const viewBox = svg.match(/viewBox="[\\d.\\s-]*?([\\d.]+)\\s+[\\d.]+"/);
    const sizes = Array.from(svg.matchAll(/font-size:\\s*([\\d.]+)px/g), m => parseFloat(m[1]));
    const shown = img.getBoundingClientRect().width;
    out.push({
      figure: img.closest('figure').id,
      file: src.split('/').pop(),
      shown,
      smallest_px: Math.min(...sizes) * shown / (viewBox ? parseFloat(viewBox[1]) : shown),
      linked: !!img.closest('a[href$=".svg"]'),
    });
  }
  return out;
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
SORT_COLUMN = "Sample"  # numbers after a few letters ("N = 13; 7 male")
TEXT_COLUMN = "Location"  # text, and "not available"


def _cells(page, column: str) -> list[str]:
    return page.evaluate(
        """(name) => {
      const table = Array.from(document.querySelectorAll('table.sortable'))
        .find(t => Array.from(t.tHead.rows[0].cells).some(c => c.textContent.trim().startsWith(name)));
      const column = Array.from(table.tHead.rows[0].cells).findIndex(c => c.textContent.trim().startsWith(name));
      return Array.from(table.tBodies[0].rows, r => r.cells[column].textContent.replace(/\\s+/g, ' ').trim());
    }""",
        column,
    )


def _first_number(text: str) -> float | None:
    if re.match(r"not available\b", text, re.I):
        return None  # the value is missing; any number after it is a detail
    found = re.search(r"\d+(\.\d+)?", text.replace(",", ""))
    return float(found[0]) if found else None


def _check_sorting(page) -> dict:
    """Press the sort buttons (mouse and keyboard) of SORT_COLUMN three times and of TEXT_COLUMN twice:
    each column's cells, and the header's aria-sort, after each press."""
    out: dict = {"original": _cells(page, "Study")}
    for column, presses in ((SORT_COLUMN, 3), (TEXT_COLUMN, 2)):
        header = page.locator("th", has=page.get_by_role("button", name=re.compile(f"^{column}"))).first
        button = header.get_by_role("button")
        out[column] = [(None, header.get_attribute("aria-sort"))]
        for press in range(presses):
            if press % 2:
                button.focus()
                page.keyboard.press("Enter")
            else:
                button.click()
            out[column].append((_cells(page, column), header.get_attribute("aria-sort")))
        out[f"{column} rows"] = _cells(page, "Study")
    return out


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
        # An abort is the crawl's doing: leaving a page, or a narrower window switching a
        # diagram to its narrow rendering, cancels what was still loading. A missing file is a 404.
        if request.url.startswith(base) and "ERR_ABORTED" not in (request.failure or ""):
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

    def at_width(page, rel: str, width: int) -> None:
        """What depends on the width: layout, accessibility, the diagrams' text; and a screenshot."""
        facts = page.evaluate(LAYOUT)
        if facts["page_overflow"] > 0:
            found["layout"].append(f"{rel} at {width} px: the page scrolls sideways by {facts['page_overflow']} px")
        found["layout"] += [f"{rel} at {width} px: {problem}" for problem in facts["clipped"]]
        found["split_words"] += [f"{rel} at {width} px: {problem}" for problem in facts["split"]]
        if width == DESKTOP:
            found["scrolls_at_desktop"] += [f"{rel}: {caption}" for caption in facts["scrolling"]]
        for violation in axe.run(page, options=AXE_OPTIONS).response["violations"]:
            if violation["impact"] in BLOCKING_IMPACTS or violation["id"] in BLOCKING_RULES:
                targets = ", ".join(str(n["target"][0]) for n in violation["nodes"][:3])
                found["axe"].append(
                    f"{rel} at {width} px: {violation['id']} ({violation['impact']}, {len(violation['nodes'])} "
                    f"element(s), e.g. {targets}): {violation['help']}"
                )
        found["diagrams"] += [(rel, width, diagram) for diagram in page.evaluate(DIAGRAM_TEXT)]
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
                for pattern, meaning in RAW_MARKUP:
                    found["roles"] += [f"{rel}: {meaning}: …{m[0]}…" for m in re.finditer(pattern, facts["text"])]
                at_width(tab, rel, DESKTOP)
                if rel == SORT_PAGE:
                    found["sorting"].append(_check_sorting(tab))
                # reloaded, not just narrowed: the theme sets its sidebars up for the width it loads at
                tab.set_viewport_size({"width": PHONE, "height": 844})
                tab.reload(wait_until="load")
                at_width(tab, rel, PHONE)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    found["pages"] = pages
    found["blocked"] = sorted(blocked)
    return found


def _assert_none(problems: list[str], what: str):
    assert not problems, f"{len(problems)} {what}:\n  " + "\n  ".join(problems)


def test_pages_were_crawled_and_screenshotted(crawl, built_book):
    # Guards against a silently empty crawl; blocked hosts are reported for information only.
    print(f"\n{len(crawl['pages'])} pages checked; external hosts blocked: {', '.join(crawl['blocked']) or 'none'}")
    assert "index.html" in crawl["pages"] and len(crawl["pages"]) > 5, crawl["pages"]
    shown = {rel for rel, _ in crawl["screenshots"]}
    assert {rel for rel in crawl["pages"] if not REFRESH.search((built_book / rel).read_text())} == shown
    assert sorted(w for _, w in crawl["screenshots"]) == sorted([DESKTOP, PHONE] * len(shown))
    assert all(path.stat().st_size > 0 for path in SCREENSHOTS.glob("*.jpg"))


def test_no_javascript_errors(crawl):
    _assert_none(crawl["js"], "JavaScript or local loading errors")


def test_internal_links_and_anchors_resolve(crawl):
    _assert_none(crawl["links"], "broken internal links")


def test_citations_and_roles_rendered(crawl):
    _assert_none(crawl["roles"], "unresolved citations, unrendered roles or raw markup")


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


def test_no_word_in_a_table_is_split_across_lines(crawl):
    """At both widths: a column too narrow for its words makes the table scroll, never split a word."""
    _assert_none(crawl["split_words"], "words split without a hyphen")


def test_no_critical_serious_or_landmark_accessibility_violations_at_either_width(crawl):
    _assert_none(crawl["axe"], "critical, serious or landmark (region) axe-core violations")


def test_every_diagram_text_is_legible_at_both_widths(crawl):
    """At least 9 px as shown, on a phone as on a desktop: phones get each diagram's narrow rendering."""
    print("\nsmallest diagram text as shown (px):")
    for _, width, d in crawl["diagrams"]:
        print(f"  {d['figure']} at {width} px: {d['smallest_px']:.1f} ({d['file']}, shown {d['shown']:.0f} px wide)")
    small = [
        f"{rel} at {width} px: {d['figure']} ({d['file']}) shows its smallest text at {d['smallest_px']:.1f} px"
        for rel, width, d in crawl["diagrams"]
        if d["smallest_px"] < MIN_DIAGRAM_TEXT_PX
    ]
    _assert_none(small, "diagrams with text below 9 px")
    on_phone = {d["figure"]: d for _, width, d in crawl["diagrams"] if width == PHONE}
    on_desktop = {d["figure"]: d for _, width, d in crawl["diagrams"] if width == DESKTOP}
    # <picture> serves the narrow rendering on a phone: another file than the desktop's
    assert on_phone["fig-prisma-flow"]["file"] != on_desktop["fig-prisma-flow"]["file"]
    assert round(on_phone["fig-prisma-flow"]["shown"]) == PHONE_WIDTH_PX


def test_prisma_diagram_text_is_legible_and_links_to_its_svg(crawl):
    ((rel, _, diagram),) = [
        (r, w, d) for r, w, d in crawl["diagrams"] if d["figure"] == "fig-prisma-flow" and w == DESKTOP
    ]
    assert diagram["linked"], f"{rel}: the diagram is not a link to its SVG"
    assert diagram["shown"] >= DISPLAY_WIDTH_PX - 5, f"{rel}: the diagram shows {diagram['shown']:.0f} px wide"
    assert diagram["smallest_px"] >= MIN_PRISMA_TEXT_PX, (
        f"{rel}: smallest text shows at {diagram['smallest_px']:.1f} px"
    )


def test_sort_button_sorts_on_the_first_number_and_a_third_press_restores_the_order(crawl):
    """The Sample column ("N = 4; 2 peer workers…", "N = 13", "N = 132"): numbers in numeric order,
    cells without a number last in both directions; aria-sort on the sorted header; the third press
    gives the table its own order back."""
    (result,) = crawl["sorting"]
    (_, before), (ascending, up), (descending, down), (_, after) = result[SORT_COLUMN]
    assert before is None and up == "ascending" and down == "descending" and after is None
    numbers = [_first_number(c) for c in ascending]
    known = [n for n in numbers if n is not None]
    assert known == sorted(known) and len(set(known)) > 2
    assert numbers[: len(known)] == known, "cells without a number must come last"
    numbers = [_first_number(c) for c in descending]
    assert numbers[: len(known)] == sorted(known, reverse=True), "and last when sorted the other way too"
    assert result[f"{SORT_COLUMN} rows"] == result["original"]


def test_text_columns_sort_blanks_and_not_available_last_both_ways(crawl):
    (result,) = crawl["sorting"]
    (_, _), (ascending, up), (descending, down) = result[TEXT_COLUMN]
    assert (up, down) == ("ascending", "descending")
    for cells, reverse in ((ascending, False), (descending, True)):
        missing = [c for c in cells if not c or c.lower().startswith("not available")]
        known = cells[: len(cells) - len(missing)]
        assert cells[len(known) :] == missing, "missing values must come last"
        assert [c.lower() for c in known] == sorted((c.lower() for c in known), reverse=reverse)
