// The pages' only script, loaded from this site (the CSP allows no inline script):
// a <select data-autosubmit> sends its form when it changes; without scripts the
// form's own button (in <noscript>) does.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) {
    el.form.submit();
  }
});
