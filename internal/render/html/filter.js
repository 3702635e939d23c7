(function () {
  "use strict";
  var bar = document.getElementById("filters");
  if (!bar) { return; }
  bar.classList.remove("hidden");
  var boxes = bar.querySelectorAll("input[type=checkbox]");
  var search = document.getElementById("filter-text");
  var claims = document.querySelectorAll(".claim");
  var principles = document.querySelectorAll(".principle");
  function apply() {
    var show = {};
    for (var i = 0; i < boxes.length; i++) { show[boxes[i].value] = boxes[i].checked; }
    var q = (search.value || "").toLowerCase();
    for (var j = 0; j < claims.length; j++) {
      var c = claims[j];
      var ok = show[c.getAttribute("data-status")] && (q === "" || c.textContent.toLowerCase().indexOf(q) >= 0);
      c.classList.toggle("hidden", !ok);
    }
    for (var k = 0; k < principles.length; k++) {
      var p = principles[k];
      p.classList.toggle("hidden", p.querySelectorAll(".claim:not(.hidden)").length === 0);
    }
  }
  for (var b = 0; b < boxes.length; b++) { boxes[b].addEventListener("change", apply); }
  search.addEventListener("input", apply);
})();
