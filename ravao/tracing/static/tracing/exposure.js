/* Ravao exposure check: compares the public exposure windows with the visits this device keeps
   in localStorage["ravao.visits"] ([{venue, name, in, out}], written by the check-in page) and
   shows a warning in <div id="exposure-warning">. The history never leaves the device: only the
   public feed is fetched, without cookies. Needs /jsi18n/ loaded first for the translation. */
(function () {
  "use strict";
  var box = document.getElementById("exposure-warning");
  if (!box || !window.fetch || !window.localStorage) { return; }
  var gettext = window.gettext || function (s) { return s; };
  var interpolate = window.interpolate || function (s, a) { return s.replace("%s", a[0]); };
  var visits;
  try { visits = JSON.parse(window.localStorage.getItem("ravao.visits") || "[]"); } catch (e) { return; }
  if (!Array.isArray(visits) || visits.length === 0) { return; }
  var feed = box.getAttribute("data-feed") || "/api/v1/exposure-windows";
  fetch(feed, { credentials: "omit", headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : { windows: [] }; })
    .then(function (data) {
      var hits = [];
      (data.windows || []).forEach(function (w) {
        var from = Date.parse(w.from), to = Date.parse(w.to);
        visits.forEach(function (v) {
          if (!v || String(v.venue || "").toUpperCase() !== String(w.venue).toUpperCase()) { return; }
          var vin = Date.parse(v["in"]);
          var vout = v.out ? Date.parse(v.out) : vin + 3600000; // no check-out kept: assume an hour
          if (vin < to && vout > from && hits.indexOf(w) < 0) { hits.push(w); }
        });
      });
      if (hits.length === 0) { return; }
      box.textContent = "";
      var title = document.createElement("strong");
      title.textContent = gettext("You may have been exposed");
      box.appendChild(title);
      hits.forEach(function (w) {
        var p = document.createElement("p");
        var when = ravaoDates.datetime(w.from) + " – " + ravaoDates.datetime(w.to);
        p.textContent = interpolate(gettext("You were at %s during a period when a confirmed case was there."), [w.venue_name]) +
          " (" + when + ") " + (w.message || gettext("Watch for symptoms and call your local health station."));
        box.appendChild(p);
      });
      box.className = "exposure-warning";
      box.style.cssText = "background:#fdecea;color:#c62828;border:1px solid #c62828;padding:.75rem 1rem;border-radius:.4rem;margin:.5rem 0";
      box.setAttribute("role", "alert");
      box.hidden = false;
    })
    .catch(function () { /* offline: nothing to show */ });
})();
