// Filters for the case lists. Reads data-* attributes and toggles `hidden`; never writes HTML.
(function () {
  "use strict";
  var state = { verdict: "all", tag: "", text: "" };
  var cases = Array.prototype.slice.call(document.querySelectorAll(".case"));
  var counter = document.getElementById("case-count");

  function tagsOf(el) {
    try { return JSON.parse(el.getAttribute("data-tags") || "[]"); } catch (e) { return []; }
  }

  function apply() {
    var shown = 0;
    cases.forEach(function (el) {
      var ok = (state.verdict === "all" || el.getAttribute("data-verdict") === state.verdict) &&
               (state.tag === "" || tagsOf(el).indexOf(state.tag) !== -1) &&
               (state.text === "" || el.textContent.toLowerCase().indexOf(state.text) !== -1);
      el.hidden = !ok;
      if (ok) { shown += 1; }
    });
    if (counter) { counter.textContent = shown + " of " + cases.length + " shown"; }
  }

  document.querySelectorAll("[data-filter-verdict]").forEach(function (button) {
    button.addEventListener("click", function () {
      state.verdict = button.getAttribute("data-filter-verdict");
      document.querySelectorAll("[data-filter-verdict]").forEach(function (b) {
        b.setAttribute("aria-pressed", b === button ? "true" : "false");
      });
      apply();
    });
  });
  var tagSelect = document.getElementById("filter-tag");
  if (tagSelect) { tagSelect.addEventListener("change", function () { state.tag = tagSelect.value; apply(); }); }
  var search = document.getElementById("filter-text");
  if (search) { search.addEventListener("input", function () { state.text = search.value.trim().toLowerCase(); apply(); }); }
  apply();
})();
