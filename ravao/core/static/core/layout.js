/* Small page behaviours that used to be inline (the Content-Security-Policy allows no inline
   script or style attribute): bar positions from data-left/data-width (percent), and selects
   that submit their form when changed (data-autosubmit). */
(function () {
  "use strict";
  function apply(root) {
    root.querySelectorAll("[data-left],[data-width]").forEach(function (el) {
      if (el.dataset.left !== undefined) el.style.left = el.dataset.left + "%";
      if (el.dataset.width !== undefined) el.style.width = el.dataset.width + "%";
    });
    root.querySelectorAll("[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { if (el.form) el.form.submit(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { apply(document); });
  else apply(document);
})();
