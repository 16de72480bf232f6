// The venue form shows only the fields of the chosen type's kind: an event's start and end,
// a vehicle's plate, operator and route. Without this script the server does the same once the
// form comes back, and ignores fields of another kind (ravao/venues/forms.py).
(function () {
  "use strict";
  var select = document.getElementById("id_venue_type");
  if (!select) { return; }
  var groups = document.querySelectorAll("[data-kind-fields]");
  function update() {
    var option = select.options[select.selectedIndex];
    var kind = option ? option.getAttribute("data-kind") || "" : "";
    groups.forEach(function (g) { g.hidden = g.getAttribute("data-kind-fields") !== kind; });
  }
  select.addEventListener("change", update);
  update();
})();
