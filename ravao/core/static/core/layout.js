/* Small page behaviours that used to be inline (the Content-Security-Policy allows no inline
   script or style attribute): bar positions from data-left/data-width (percent), and selects
   that submit their form when changed (data-autosubmit), and pages that update themselves while
   their "update every minute" box (data-autorefresh="seconds") stays ticked — the person can
   stop it (WCAG 2.2.1), and the choice holds for the tab (sessionStorage). */
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
    root.querySelectorAll("input[data-autorefresh]").forEach(function (box) {
      var key = "ravao.autorefresh." + location.pathname;
      var timer = null;
      box.checked = sessionStorage.getItem(key) !== "off";
      function arm() {
        clearTimeout(timer);
        if (box.checked) timer = setTimeout(function () { location.reload(); }, 1000 * Number(box.dataset.autorefresh || 60));
      }
      box.addEventListener("change", function () { sessionStorage.setItem(key, box.checked ? "on" : "off"); arm(); });
      arm();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { apply(document); });
  else apply(document);
})();
