// Layout behaviour of the edition's pages:
// 1. a visible cue on tables wider than their box (on a phone): a line saying the table
//    scrolls sideways, and a shadow at the edge that still has columns to show; long
//    addresses and identifiers in tables may break after their punctuation, so that no
//    word is ever split;
// 2. the book's title in a landmark;
// 3. wide tables and figures (class "wide") use the margin beside the text on wide
//    screens, so the page's contents list (secondary sidebar) folds away while one is
//    in view, as sphinx-book-theme does for its own "full-width" content (whose script
//    fails on pages without that sidebar, hence our own class).
(function () {
  "use strict";
  function update(block, box) {
    var scrollable = box.scrollWidth > box.clientWidth + 1;
    block.classList.toggle("is-scrollable", scrollable);
    block.classList.toggle("at-end", box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
    block.style.setProperty("--table-scroll-height", box.offsetHeight + "px");
  }
  function init(block) {
    var box = block.querySelector(":scope > .table-scroll");
    if (!box) return;
    var hint = document.createElement("p");
    hint.className = "table-scroll-hint";
    hint.setAttribute("aria-hidden", "true");
    hint.textContent = "Scroll sideways to see every column \u2192";
    block.insertBefore(hint, box);
    box.addEventListener("scroll", function () { update(block, box); }, { passive: true });
    if (window.ResizeObserver) new ResizeObserver(function () { update(block, box); }).observe(box);
    update(block, box);
  }
  // A <wbr> after each "/", "_", ".", "=", "&", "?" or ":" inside a run of 16 or more
  // characters without a space (addresses, file names, identifiers), never between letters.
  var LONG = /\S{16,}/;
  var AFTER_PUNCTUATION = /(?<=[\/_.=&?:])(?=\S)/;
  function markBreaks(cell) {
    var walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    var texts = [];
    while (walker.nextNode()) if (LONG.test(walker.currentNode.nodeValue)) texts.push(walker.currentNode);
    texts.forEach(function (node) {
      var parts = node.nodeValue.split(AFTER_PUNCTUATION);
      if (parts.length < 2) return;
      var fragment = document.createDocumentFragment();
      parts.forEach(function (part, i) {
        if (i) fragment.appendChild(document.createElement("wbr"));
        fragment.appendChild(document.createTextNode(part));
      });
      node.parentNode.replaceChild(fragment, node);
    });
  }
  function foldContentsBesideWideBlocks() {
    var sidebar = document.querySelector("div.bd-sidebar-secondary");
    var wide = document.querySelectorAll(".wide");
    if (!sidebar || !wide.length || !window.IntersectionObserver) return;
    var inView = new Set();
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) inView.add(entry.target); else inView.delete(entry.target);
      });
      sidebar.classList.toggle("hide", inView.size > 0);
    }, { rootMargin: "0px 0px -33% 0px" });
    Array.prototype.forEach.call(wide, function (element) { observer.observe(element); });
  }
  // A chapter whose pages are generated from the data (the Updates) has none until the
  // review is updated; the theme still draws its expand toggle, an empty control.
  function dropEmptyNavigationToggles() {
    Array.prototype.forEach.call(document.querySelectorAll("nav details"), function (details) {
      if (!details.querySelector("li")) details.remove();
      else {
        var summary = details.querySelector(":scope > summary");
        if (summary && !summary.textContent.trim()) summary.setAttribute("aria-label", "Show the pages of this chapter");
      }
    });
  }
  // The theme puts the book's title at the top of the sidebar, outside any landmark; as the
  // link home it is navigation, so it gets a landmark of its own.
  function giveTheTitleALandmark() {
    var title = document.querySelector(".bd-sidebar-primary .navbar-brand");
    var item = title && title.closest(".sidebar-primary-item");
    if (!item || item.closest("nav, header, main, aside, footer, [role]")) return;
    item.setAttribute("role", "navigation");
    item.setAttribute("aria-label", "Book");
  }
  document.addEventListener("DOMContentLoaded", function () {
    giveTheTitleALandmark();
    Array.prototype.forEach.call(document.querySelectorAll(".table-scroll th, .table-scroll td"), markBreaks);
    Array.prototype.forEach.call(document.querySelectorAll(".table-block"), init);
    foldContentsBesideWideBlocks();
    dropEmptyNavigationToggles();
  });
})();
