/* Unit picker: progressive enhancement of <input data-unit-picker> (a plain text field that
   accepts a code or a name without JavaScript; the server resolves it). While typing, suggests
   units from the public /api/v1/units endpoint in a <datalist>: the one named by the input's
   `list` attribute, or one it creates. Optional data-level ("commune") and data-generation. */
(function () {
  "use strict";
  document.querySelectorAll("input[data-unit-picker]").forEach(function (input) {
    var list = input.getAttribute("list") && document.getElementById(input.getAttribute("list"));
    if (!list) {
      list = document.createElement("datalist");
      list.id = (input.id || "unit") + "-options";
      input.setAttribute("list", list.id);
      input.after(list);
    }
    var timer = null, last = "";
    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last || q.indexOf("—") > 0) return;
      clearTimeout(timer);
      timer = setTimeout(function () {
        last = q;
        var url = "/api/v1/units?limit=15&q=" + encodeURIComponent(q);
        if (input.dataset.level) url += "&level=" + encodeURIComponent(input.dataset.level);
        if (input.dataset.generation) url += "&generation=" + encodeURIComponent(input.dataset.generation);
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (units) {
            list.textContent = "";
            units.forEach(function (u) {
              var option = document.createElement("option");
              option.value = u.code + " — " + u.name + (u.parent_name ? ", " + u.parent_name : "");
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  });
})();
