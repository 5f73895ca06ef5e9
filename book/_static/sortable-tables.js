// Sortable tables (class "sortable"): each header cell gets a <button> that sorts by its
// column; pressing it again reverses the order. The sorted column's header carries
// aria-sort. A column whose cells hold numbers ("10,491", "N = 13; 2 peers", "6–7")
// sorts on the first number in each cell; other columns sort as text. Cells with no
// number in a numeric column ("not available") go last.
(function () {
  "use strict";
  var NUMBER = /-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?/;
  // a cell whose value is missing, alone or followed by details ("not available; 22 in focus groups")
  var NO_VALUE = /^(|\u2014|\u2013|-|not available|not reported|not stated|none)(;.*)?$/i;
  // a number counts as the cell's value when at most this many letters come before it ("N = 13")
  var MAX_PREFIX = 3;

  function text(cell) { return (cell && cell.textContent || "").replace(/\s+/g, " ").trim(); }

  function firstNumber(value) {
    var match = value.match(NUMBER);
    if (!match || value.slice(0, match.index).replace(/[^A-Za-z]/g, "").length > MAX_PREFIX) return null;
    return parseFloat(match[0].replace(/,/g, ""));
  }

  function isNumeric(rows, column) {
    var values = rows.map(function (row) { return text(row.cells[column]); })
      .filter(function (value) { return !NO_VALUE.test(value); });
    return values.length > 0 && values.every(function (value) { return firstNumber(value) !== null; });
  }

  function compare(numeric) {
    return function (a, b) {
      if (numeric) {
        if (a.n === null || b.n === null) return (a.n === null) - (b.n === null);
        if (a.n !== b.n) return a.n - b.n;
      }
      return a.t.localeCompare(b.t, undefined, { numeric: true, sensitivity: "base" });
    };
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
    var headers = Array.prototype.slice.call(head.rows[0].cells);
    headers.forEach(function (th, column) {
      var button = makeButton(th);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = isNumeric(rows, column);
        var keyed = rows.map(function (row, index) {
          var value = text(row.cells[column]);
          return { row: row, index: index, n: NO_VALUE.test(value) ? null : firstNumber(value), t: value };
        });
        var order = compare(numeric);
        keyed.sort(function (a, b) {
          var missing = numeric ? (a.n === null) - (b.n === null) : 0;
          if (missing) return missing;  // cells without a value stay last either way
          return (ascending ? order(a, b) : order(b, a)) || a.index - b.index;
        });
        keyed.forEach(function (item) { body.appendChild(item.row); });
        headers.forEach(function (other) {
          other.removeAttribute("aria-sort");
          other.querySelector(".sort-icon").textContent = "\u21c5";
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        button.querySelector(".sort-icon").textContent = ascending ? "\u25b2" : "\u25bc";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
  });
})();
