/* Unit picker: fills a <datalist> from the public /api/v1/units?q= endpoint while typing.
   Without JavaScript the form still works: the server resolves the typed name or code and
   offers the matching communes as radio buttons. */
(function () {
  "use strict";
  document.querySelectorAll("input[data-unit-picker]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var timer = null, last = "";
    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last || q.indexOf("—") > 0) return;
      clearTimeout(timer);
      timer = setTimeout(function () {
        last = q;
        fetch("/api/v1/units?level=commune&limit=15&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (units) {
            list.textContent = "";
            units.forEach(function (u) {
              var option = document.createElement("option");
              option.value = u.code + " — " + u.name;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  });
})();
