// A visible cue on tables wider than their box (on a phone): a line saying the table
// scrolls sideways, and a shadow at the edge that still has columns to show.
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
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".table-block"), init);
  });
})();
