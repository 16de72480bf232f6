/* Ravao exposure check: compares the public exposure windows with the visits this device keeps
   in localStorage["ravao.visits"] ([{venue, name, in, out}], written by the check-in page) and
   shows a warning in <div id="exposure-warning">. The history never leaves the device: only the
   public feed is fetched, without cookies. Needs a /jsi18n/ catalogue loaded first.
   On the self-check page (data-answer="always") it also says when nothing matches, or when this
   phone has no visits saved; elsewhere (confirmation, check-in, home pages) it shows only a match. */
(function () {
  "use strict";
  var box = document.getElementById("exposure-warning");
  if (!box || !window.fetch) { return; }
  var always = box.getAttribute("data-answer") === "always";
  var gettext = window.gettext || function (s) { return s; };
  var interpolate = window.interpolate || function (s, a) { return s.replace("%s", a[0]); };
  var DAYS = 14, since = Date.now() - DAYS * 24 * 3600 * 1000;
  function say(cls, title, lines) {
    box.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = title;
    box.appendChild(strong);
    (lines || []).forEach(function (text) { var p = document.createElement("p"); p.textContent = text; box.appendChild(p); });
    box.className = cls;
    box.setAttribute("role", cls === "exposure-warning" ? "alert" : "status");
    box.hidden = false;
  }
  var visits;
  try { visits = JSON.parse(window.localStorage.getItem("ravao.visits") || "[]"); } catch (e) { visits = []; }
  if (!Array.isArray(visits)) { visits = []; }
  visits = visits.filter(function (v) { return v && Date.parse(v.out || v["in"]) >= since; });
  if (visits.length === 0) {
    if (always) {
      say("exposure-ok", gettext("No visits saved on this phone in the last 14 days"),
        [gettext("Only check-ins made on this phone, in this browser, are checked.")]);
    }
    return;
  }
  var feed = box.getAttribute("data-feed") || "/api/v1/exposure-windows";
  fetch(feed, { credentials: "omit", headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : { windows: [] }; })
    .then(function (data) {
      var hits = [];
      (data.windows || []).forEach(function (w) {
        var from = Date.parse(w.from), to = Date.parse(w.to);
        visits.forEach(function (v) {
          if (String(v.venue || "").toUpperCase() !== String(w.venue).toUpperCase()) { return; }
          var vin = Date.parse(v["in"]);
          var vout = v.out ? Date.parse(v.out) : vin + 3600000; // no check-out kept: assume an hour
          if (vin < to && vout > from && hits.indexOf(w) < 0) { hits.push(w); }
        });
      });
      if (hits.length === 0) {
        if (always) {
          say("exposure-ok", gettext("No match in the last 14 days"), [interpolate(
            gettext("None of the %s visits saved on this phone was at a place and time where a confirmed case (F0) was."),
            [visits.length])]);
        }
        return;
      }
      say("exposure-warning", gettext("You may have been exposed"), hits.map(function (w) {
        var when = ravaoDates.datetime(w.from) + " – " + ravaoDates.datetime(w.to);
        return interpolate(gettext("You were at %s while a confirmed case (F0) was there."), [w.venue_name]) +
          " (" + when + ") " + (w.message || gettext("Watch for symptoms and call your local health station."));
      }));
    })
    .catch(function () {
      if (always) { say("exposure-ok", gettext("The list could not be loaded: check your connection and try again.")); }
    });
})();
