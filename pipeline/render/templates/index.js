(function () {
  "use strict";
  // Sortable columns: each heading becomes a button; cells sort by their data-sort value.
  var table = document.getElementById("documents");
  var body = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function key(row, col) {
    var value = row.cells[col].dataset.sort;
    var number = Number(value);
    return value !== "" && !isNaN(number) ? number : value.toLowerCase();
  }
  function sort(col) {
    // The first click on a column of numbers puts the largest first; on words, A to Z. The next click reverses.
    var sorted = heads[col].getAttribute("aria-sort");
    var numeric = heads[col].classList.contains("num");
    var ascending = sorted ? sorted !== "ascending" : !numeric;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, col), y = key(b, col);
      var order = x < y ? -1 : x > y ? 1 : 0;
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    heads.forEach(function (th, i) {
      if (i === col) th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
  }
  heads.forEach(function (th, col) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () { sort(col); });
  });
})();
