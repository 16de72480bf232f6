/* The trend chart of the dashboard: scans, unique visitors and active venues per day. */
(function () {
  var el = document.getElementById("trend");
  var data = document.getElementById("trend-data");
  if (!el || !data || typeof Chart === "undefined") return;
  var days = JSON.parse(data.textContent);
  if (typeof window.gettext !== "function") window.gettext = function (s) { return s; };
  new Chart(el, {
    type: "line",
    data: {
      labels: days.map(function (d) { return ravaoDates.date(d.day + "T00:00:00"); }),
      datasets: [
        { label: gettext("Scans"), data: days.map(function (d) { return d.scans; }), borderColor: "#0b6bcb", tension: 0.2 },
        { label: gettext("Unique visitors"), data: days.map(function (d) { return d.visitors; }), borderColor: "#1a7f37", tension: 0.2 },
        { label: gettext("Active scan points"), data: days.map(function (d) { return d.active; }), borderColor: "#b58100", tension: 0.2 }
      ]
    },
    options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } }
  });
})();
