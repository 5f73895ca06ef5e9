// Sortable tables (class "sortable"): each header cell gets a <button> that sorts by its
// column: the first press sorts ascending, the second descending, the third restores the
// table's own order. The sorted column's header carries aria-sort. Cells are compared by
// kind, then within their kind: numbers ("10,491", "N = 13; 2 peers", "6–7": the first
// number), then dates ("1980-01", "2021-06-01"), then text. Cells without a value
// ("not available", "not found", an empty cell) go last in both directions.
(function () {
  "use strict";
  var NUMBER = /-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?/;
  var DATE = /^\d{4}-\d{2}(?:-\d{2})?$/;
  // a cell whose value is missing, alone or followed by details ("not available; 22 in focus groups")
  var NO_VALUE = /^(|\u2014|\u2013|-|not available|not found|not reported|not stated|none)(;.*)?$/i;
  // a number counts as the cell's value when at most this many letters come before it ("N = 13")
  var MAX_PREFIX = 3;
  var KIND = { number: 0, date: 1, text: 2, missing: 3 };
  var NEXT = { none: "ascending", ascending: "descending", descending: "none" };

  function text(cell) { return (cell && cell.textContent || "").replace(/\s+/g, " ").trim(); }

  function firstNumber(value) {
    var match = value.match(NUMBER);
    if (!match || value.slice(0, match.index).replace(/[^A-Za-z]/g, "").length > MAX_PREFIX) return null;
    return parseFloat(match[0].replace(/,/g, ""));
  }

  function sortKey(value) {
    if (NO_VALUE.test(value)) return { kind: KIND.missing, t: value };
    if (DATE.test(value)) return { kind: KIND.date, t: value };
    var n = firstNumber(value);
    return n === null ? { kind: KIND.text, t: value } : { kind: KIND.number, n: n, t: value };
  }

  function compare(a, b) {
    if (a.kind !== b.kind) return a.kind - b.kind;
    if (a.kind === KIND.number && a.n !== b.n) return a.n - b.n;
    return a.t.localeCompare(b.t, undefined, { numeric: true, sensitivity: "base" });
  }

  function makeButton(th) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort-button";
    var label = document.createElement("span");
    Array.prototype.slice.call(th.childNodes).forEach(function (node) {
      if (node.nodeName === "P") {
        while (node.firstChild) label.appendChild(node.firstChild);
        node.remove();
      } else {
        label.appendChild(node);
      }
    });
    var icon = document.createElement("span");
    icon.className = "sort-icon";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = "\u21c5";
    button.appendChild(label);
    button.appendChild(icon);
    th.appendChild(button);
    return button;
  }

  function makeSortable(table) {
    var head = table.tHead;
    var body = table.tBodies[0];
    if (!head || !body) return;
    var original = Array.prototype.slice.call(body.rows);
    var headers = Array.prototype.slice.call(head.rows[0].cells);
    headers.forEach(function (th, column) {
      var button = makeButton(th);
      button.addEventListener("click", function () {
        var state = NEXT[th.getAttribute("aria-sort") || "none"];
        var rows = original.slice();
        if (state !== "none") {
          var keyed = rows.map(function (row, index) {
            return { row: row, index: index, key: sortKey(text(row.cells[column])) };
          });
          keyed.sort(function (a, b) {
            var missing = (a.key.kind === KIND.missing) - (b.key.kind === KIND.missing);
            if (missing) return missing;  // cells without a value stay last either way
            return (state === "ascending" ? compare(a.key, b.key) : compare(b.key, a.key)) || a.index - b.index;
          });
          rows = keyed.map(function (item) { return item.row; });
        }
        rows.forEach(function (row) { body.appendChild(row); });
        headers.forEach(function (other) {
          other.removeAttribute("aria-sort");
          other.querySelector(".sort-icon").textContent = "\u21c5";
        });
        if (state !== "none") {
          th.setAttribute("aria-sort", state);
          button.querySelector(".sort-icon").textContent = state === "ascending" ? "\u25b2" : "\u25bc";
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
  });
})();
