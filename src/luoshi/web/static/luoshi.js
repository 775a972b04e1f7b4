// The pages' only script, loaded from this site (the CSP allows no inline script):
// small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // A <select data-autosubmit> sends its form when it changes; without scripts the
  // form's own button (in <noscript>) does.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
  });
  // A filter box over a checkbox list (co-units): type part of a name to narrow it;
  // ticked boxes stay in view.
  document.querySelectorAll(".picklist").forEach(function (box) {
    var filter = box.querySelector(".picklist-filter");
    if (!filter) { return; }
    filter.hidden = false;
    filter.addEventListener("input", function () {
      var q = filter.value.trim();
      box.querySelectorAll("label.pick").forEach(function (label) {
        var ticked = label.querySelector("input").checked;
        label.hidden = q !== "" && !ticked && label.textContent.indexOf(q) < 0;
      });
    });
  });
  // A refused form is shown again with its reason beside it: bring the reason into view
  // (on a phone it may be several screens below the top the page reloads at).
  var problem = document.getElementById("problem");
  if (problem && problem.scrollIntoView) { problem.scrollIntoView({ block: "center" }); }
  // "Select all" for a bulk form: ticks every box that belongs to that form.
  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      var form = all.getAttribute("data-select-all");
      document.querySelectorAll('input[type=checkbox][form="' + form + '"]').forEach(function (c) {
        if (c !== all) { c.checked = all.checked; }
      });
    });
  });
})();
