/* Unit picker: progressive enhancement of <input data-unit-picker> (a plain text field that
   accepts a code or a name without JavaScript). Suggests units from /api/v1/units as you type. */
(function () {
  document.querySelectorAll("input[data-unit-picker]").forEach(function (input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-options";
    input.setAttribute("list", list.id);
    input.after(list);
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2 || q.indexOf("—") > 0) return;
      timer = setTimeout(function () {
        var url = "/api/v1/units?limit=15&q=" + encodeURIComponent(q);
        if (input.dataset.generation) url += "&generation=" + encodeURIComponent(input.dataset.generation);
        fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : []; }).then(function (units) {
          list.replaceChildren.apply(list, units.map(function (u) {
            var o = document.createElement("option");
            o.value = u.code + " — " + u.name;
            return o;
          }));
        }).catch(function () {});
      }, 200);
    });
  });
})();
