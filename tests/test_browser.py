"""Browser check of the built book: what a reader sees, not just what Sphinx wrote.

One headless Chromium visits every page once (module fixture `crawl`); each test
then asserts one category of problems, listing every offending page at once.
The book is served from 127.0.0.1 only and every other request is aborted, so the
check is offline and reproducible; external assets the theme asks for are merely noted.
"""

from __future__ import annotations

import functools
import re
import shutil
import threading
from collections import defaultdict
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if CHROMIUM is None:  # CI installs it; a developer machine may not have it.
    pytest.skip("Chromium not found: install Debian's chromium (apt-get install chromium) to run the browser check",
                allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402  (only needed once Chromium exists)

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


class _Anchors(HTMLParser):
    """Every id (and legacy <a name>) a page offers as a link target."""

    def __init__(self):
        super().__init__()
        self.found: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if value and (key == "id" or (key == "name" and tag == "a")):
                self.found.add(value)


@functools.lru_cache(maxsize=None)
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
    target = html / rel
    if not rel or rel.endswith("/") or target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return f"missing file {absolute[len(base):]}"
    fragment = unquote(parts.fragment)
    if fragment and target.suffix == ".html" and not rel.startswith(NO_ANCHOR_CHECK):
        if fragment not in anchors_in(target):
            return f"missing anchor {absolute[len(base):]}"
    return None


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass


@pytest.fixture(scope="module")
def crawl(built_book):
    """Visit every page once; return {category: ["page: problem", ...]} plus info."""
    html = Path(built_book)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    found: dict[str, list[str]] = defaultdict(list)
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
            found["js"].append(f"{current[0]}: HTTP {response.status} for {response.url[len(base):]}")

    def on_failed(request):
        if request.url.startswith(base):
            found["js"].append(f"{current[0]}: request failed ({request.failure}) {request.url[len(base):]}")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = html_pages(html)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route("**/*", route)
            page.on("pageerror", lambda exc: found["js"].append(f"{current[0]}: uncaught {exc}"))
            page.on("console", on_console)
            page.on("response", on_response)
            page.on("requestfailed", on_failed)
            for rel in pages:
                current[0] = rel
                page.goto(base + rel, wait_until="load")
                redirect = REFRESH.search((html / rel).read_text(encoding="utf-8", errors="replace"))
                if redirect:  # the root index.html only forwards to the real landing page
                    target = urljoin(base + rel, redirect.group(1))
                    current[0] = f"{rel} -> {target[len(base):]}"  # errors come from the target
                    if problem := link_problem(html, base, target):
                        found["links"].append(f"{rel}: redirect: {problem}")
                    else:
                        page.wait_for_url(target)
                        page.wait_for_load_state("load")
                facts = page.evaluate(PAGE_FACTS)
                if rel == "index.html" or rel.startswith("notebooks/"):
                    name = rel.removesuffix(".html").replace("/", "-") + ".png"
                    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
                    found["screenshots"].append(name)
                if redirect:  # its target is crawled (and checked) as a page of its own
                    continue
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
                for marker, meaning in (("[?]", "unresolved citation [?]"), ("{cite", "unrendered {cite} role"),
                                        ("{glue", "unrendered {glue} role")):
                    if marker in facts["text"]:
                        found["roles"].append(f"{rel}: {meaning}")
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
    expected = 1 + sum(p.startswith("notebooks/") for p in crawl["pages"])
    assert len(crawl["screenshots"]) == expected, crawl["screenshots"]
    assert all((SCREENSHOTS / name).stat().st_size > 0 for name in crawl["screenshots"])


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
