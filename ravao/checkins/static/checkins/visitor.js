/* Ravao visitor page: remembers the visitor ON THIS DEVICE ONLY (localStorage), so that the next
   check-in is one tap, and keeps the device's own visit history for exposure checks.
   The page works without this script: it only fills and hides the plain form.

   localStorage keys:
     ravao.me     {person: {...form fields}, declaration: {...}, version, companions: [{full_name, birth_year}], holder}
                  (version: the declaration form version answered; another version on the page
                  shows the whole form, filled in, since it may ask new questions)
     ravao.visits [{venue, name, in, out}] (ISO 8601, last 30 days; read by tracing/exposure.js)
   sessionStorage key (this tab only, between a submit and the next page):
     ravao.pending {venue, me}: what was just submitted. It becomes ravao.me only on the
     confirmation page of that venue; a refused check-in drops it, so nothing wrong is kept. */
(function () {
  "use strict";
  var ME = "ravao.me", VISITS = "ravao.visits", PENDING = "ravao.pending", KEEP_MS = 30 * 24 * 3600 * 1000;
  var PERSON = ["full_name", "phone", "birth_year", "id_number", "sex", "nationality", "unit_generation", "unit", "street"];

  function load(key, fallback) {
    try { var v = JSON.parse(localStorage.getItem(key)); return v === null ? fallback : v; } catch (e) { return fallback; }
  }
  function save(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode: nothing kept */ }
  }
  function pending(value) {
    try {
      if (value === undefined) return JSON.parse(sessionStorage.getItem(PENDING));
      if (value === null) sessionStorage.removeItem(PENDING);
      else sessionStorage.setItem(PENDING, JSON.stringify(value));
    } catch (e) { return null; }
    return null;
  }

  function readForm(form) {
    var me = {person: {}, declaration: {}, companions: [], version: form.dataset.version};
    PERSON.forEach(function (n) { if (form.elements[n]) me.person[n] = form.elements[n].value; });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name.indexOf("q_") !== 0) return;
      var key = el.name.slice(2);
      if (el.type === "checkbox") {
        me.declaration[key] = me.declaration[key] || [];
        if (el.checked) me.declaration[key].push(el.value);
      } else if (el.type === "radio") {
        if (el.checked) me.declaration[key] = el.value;
      } else {
        me.declaration[key] = el.value;
      }
    });
    for (var i = 0; form.elements["c" + i + "_name"]; i++) {
      var name = form.elements["c" + i + "_name"].value.trim(), year = form.elements["c" + i + "_year"].value;
      if (name) me.companions.push({full_name: name, birth_year: year});
    }
    return me;
  }

  function fillForm(form, me) {
    PERSON.forEach(function (n) { if (form.elements[n] && me.person[n] != null) form.elements[n].value = me.person[n]; });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name.indexOf("q_") !== 0) return;
      var v = (me.declaration || {})[el.name.slice(2)];
      if (v === undefined) return;
      if (el.type === "checkbox") el.checked = v.indexOf(el.value) >= 0;
      else if (el.type === "radio") el.checked = el.value === v;
      else el.value = v;
    });
    (me.companions || []).forEach(function (c, i) {
      if (!form.elements["c" + i + "_name"]) return;
      form.elements["c" + i + "_name"].value = c.full_name;
      form.elements["c" + i + "_year"].value = c.birth_year;
    });
  }

  function text(tag, value) { var el = document.createElement(tag); el.textContent = value; return el; }

  function declared(form, me) {
    var parts = [];
    Array.prototype.forEach.call(form.querySelectorAll("input[name^=q_]:checked"), function (el) {
      if (el.closest(".q").dataset.kind === "commitment") return;
      if (el.type === "checkbox") parts.push(el.parentNode.textContent.trim());
      else if (el.value === "yes") parts.push(el.closest(".q").firstElementChild.textContent.trim());
    });
    return parts.length ? form.dataset.tDeclared + " " + parts.join(", ") : form.dataset.tNothing;
  }

  function oneTap(form, me) {
    fillForm(form, me);
    document.getElementById("me-name").textContent = form.dataset.tAs + " " + me.person.full_name;
    var box = document.getElementById("me-companions");
    if (me.companions.length) {
      box.appendChild(text("div", form.dataset.tWith));
      me.companions.forEach(function (c, i) {
        var label = text("label", " " + c.full_name + " (" + c.birth_year + ")");
        label.className = "check";
        var tick = document.createElement("input");
        tick.type = "checkbox"; tick.checked = true; tick.dataset.row = i; tick.className = "companion-on";
        label.insertBefore(tick, label.firstChild);
        box.appendChild(label);
      });
    }
    document.getElementById("me-decl").textContent = declared(form, me);
    document.getElementById("submit").textContent = form.dataset.tConfirm;
    form.classList.add("known");
    document.getElementById("me-change").addEventListener("click", function () {
      form.classList.remove("known");
      document.getElementById("full_name").focus();
    });
  }

  function checkinPage(form) {
    var me = load(ME, null);
    pending(null);
    if (form.dataset.error) {
      // A refused check-in: the server sent the form back as typed, the bad input marked.
      // Show it (not the one-tap summary, which would resend the same thing) and forget the
      // submission (dropped above).
      var bad = form.querySelector("[aria-invalid=true]");
      if (bad) bad.focus();
    } else if (me && me.person && me.person.full_name) {
      // The same form as last time: one tap. A new version: the whole form, already filled in.
      if (me.version === form.dataset.version) oneTap(form, me);
      else fillForm(form, me);
    }
    // The address picker searches the map the visitor chose (current or old communes).
    Array.prototype.forEach.call(form.querySelectorAll("select.unit-generation"), function (select) {
      var input = form.elements[select.name.replace(/_generation$/, "")];
      function follow() { if (input) input.dataset.generation = select.value; }
      follow();
      select.addEventListener("change", function () { follow(); if (input) input.value = ""; });
    });
    // The holder link this device was given proves the person is its own (the server then
    // answers the link again and may update their phone); without it, no link is given.
    if (me && me.holder && form.elements.holder) form.elements.holder.value = me.holder;
    form.addEventListener("submit", function () {
      var before = load(ME, {}) || {};
      var now = readForm(form);
      // Companions left out today (unticked) stay remembered, but are not submitted.
      if (form.classList.contains("known")) {
        now.companions = (before.companions || now.companions);
        Array.prototype.forEach.call(form.querySelectorAll(".companion-on"), function (tick) {
          if (!tick.checked) {
            form.elements["c" + tick.dataset.row + "_name"].value = "";
            form.elements["c" + tick.dataset.row + "_year"].value = "";
          }
        });
      }
      now.holder = before.holder;
      pending({venue: form.dataset.venue, me: now});
    });
  }

  function confirmationPage(visit) {
    var d = visit.dataset, cutoff = Date.now() - KEEP_MS;
    var visits = load(VISITS, []).filter(function (v) { return Date.parse(v.in) >= cutoff && !(v.venue === d.venue && v.in === d.in); });
    visits.push({venue: d.venue, name: d.name, "in": d.in, out: d.out});
    save(VISITS, visits);
    // The check-in went through: what was submitted is now worth remembering.
    var done = pending();
    pending(null);
    if (done && done.venue === d.venue && done.me) save(ME, done.me);
    var me = load(ME, null);
    if (me && d.holder) { me.holder = d.holder; save(ME, me); }
  }

  var form = document.getElementById("checkin");
  if (form) checkinPage(form);
  var visit = document.getElementById("visit");
  if (visit) confirmationPage(visit);
  // The personal QR page after "replace my QR": the link this device kept is replaced too.
  var holderPage = document.getElementById("holder-page");
  if (holderPage && holderPage.dataset.was) {
    var me = load(ME, null);
    if (me && me.holder === holderPage.dataset.was) { me.holder = holderPage.dataset.holder; save(ME, me); }
  }
})();
