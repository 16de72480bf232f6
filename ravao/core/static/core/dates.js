// One date format per language (ravao/core/dates.py): the page's <html data-date-format
// data-time-format> carry Django's patterns for its language; scripts format with them.
(function () {
  "use strict";
  var root = document.documentElement;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function render(pattern, d) {
    var h = d.getHours();
    var parts = {
      d: pad(d.getDate()), j: String(d.getDate()), m: pad(d.getMonth() + 1), n: String(d.getMonth() + 1),
      Y: String(d.getFullYear()), H: pad(h), G: String(h), g: String(h % 12 || 12), h: pad(h % 12 || 12),
      i: pad(d.getMinutes()), s: pad(d.getSeconds()), A: h < 12 ? "AM" : "PM", a: h < 12 ? "a.m." : "p.m."
    };
    return pattern.replace(/[djmnYHGghisAa]/g, function (c) { return parts[c]; });
  }
  function date(d) { return render(root.dataset.dateFormat || "d/m/Y", new Date(d)); }
  function time(d) { return render(root.dataset.timeFormat || "H:i", new Date(d)); }
  window.ravaoDates = {date: date, time: time, datetime: function (d) { return date(d) + " " + time(d); }};
})();
