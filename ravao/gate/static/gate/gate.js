/* Ravao gate scanner: camera (jsQR), HID scanner, typed numbers; offline queue in IndexedDB.
   No framework. Strings come from Django's JavaScript catalogue (gettext, interpolate).
   Every scan carries a client-made UUID: the server answers a replay with the first answer,
   so sending a queued scan twice can never make two visits. */
(function () {
  "use strict";
  const root = document.getElementById("gate");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  // From /jsi18n/ (Django's JavaScript catalogue); the plain English text if it did not load.
  const gettext = window.gettext || ((s) => s);
  const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));
  const gettext_noop = (s) => s;
  const fmt = (s, o) => (window.interpolate ? window.interpolate(s, o, true) : s);
  const VENUES = JSON.parse($("gate-venues").textContent);
  // The account this page was opened for: each queued scan remembers it, and only that account
  // sends it (a shared phone must not send guard A's scans under guard B's session).
  const USER = root.dataset.user || "";
  const STORE = "ravao-gate-";
  // A scan at the door waits at most this long for the server before it is queued instead;
  // the queue's own requests may take longer.
  const SCAN_TIMEOUT_MS = 2500;
  const SYNC_TIMEOUT_MS = 10000;
  // After a request has failed, scans go straight to the queue for a while (bad networks:
  // the gate keeps moving) while the background sync finds out when the server is back.
  const DEGRADED_MS = 20000;
  const RETRY_MS = 15000;
  const CAMERA_REPEAT_MS = 4000;

  // --- settings: venue, entrance, direction (kept on the device) -------------------------
  // The direction is remembered per entrance: a phone at the exit door stays on "Out".
  const venueSel = $("venue"), entranceSel = $("entrance");
  const dirInputs = document.querySelectorAll("input[name=direction]");
  // The settings form is never sent (an Enter in it must not reload the page).
  $("gate-setup").addEventListener("submit", (e) => e.preventDefault());
  const saved = (k, d) => localStorage.getItem(STORE + k) || d;
  const place = () => venueSel.value + ":" + entranceSel.value;
  function loadDirection() {
    const d = saved("direction:" + place(), "in");
    for (const input of dirInputs) input.checked = input.value === d;
  }
  function fillEntrances() {
    const v = VENUES.find((x) => x.code === venueSel.value) || VENUES[0];
    entranceSel.length = 1;
    for (const e of v.entrances) entranceSel.add(new Option(e.name, String(e.id)));
    entranceSel.value = saved("entrance:" + v.code, "");
    entranceSel.parentElement.hidden = v.entrances.length === 0;
    loadDirection();
  }
  venueSel.value = root.dataset.selected || saved("venue", VENUES[0].code);
  if (!venueSel.value) venueSel.value = VENUES[0].code;
  fillEntrances();
  venueSel.addEventListener("change", () => { localStorage.setItem(STORE + "venue", venueSel.value); fillEntrances(); });
  entranceSel.addEventListener("change", () => {
    localStorage.setItem(STORE + "entrance:" + venueSel.value, entranceSel.value);
    loadDirection();
  });
  for (const input of dirInputs) {
    input.addEventListener("change", () => localStorage.setItem(STORE + "direction:" + place(), input.value));
  }
  const direction = () => (document.querySelector("input[name=direction]:checked") || {}).value || "in";

  // --- small helpers ----------------------------------------------------------------------
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  function csrf() {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  async function postJSON(url, body, timeout = SYNC_TIMEOUT_MS) {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), timeout);
    try {
      const r = await fetch(url, {
        method: "POST", credentials: "same-origin", signal: ctrl.signal,
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf(), "Accept": "application/json"},
        body: JSON.stringify(body),
      });
      let data = {};
      try { data = await r.json(); } catch (e) { data = {}; }
      return {status: r.status, ok: r.ok, data};
    } finally { clearTimeout(timer); }
  }
  // Definitive refusals: the same scan would be refused again. 401/408/429 are worth retrying.
  const definitive = (status) => status >= 400 && status < 500 && ![401, 408, 429].includes(status);
  const maskName = (name) => {
    const w = (name || "").replace(/\|/g, " ").split(/\s+/).filter(Boolean);
    return w.length ? w.slice(0, -1).map((x) => x[0].toUpperCase() + ".").concat(w.slice(-1)).join(" ") : "";
  };
  const b64bytes = (s) => {
    s = s.replace(/-/g, "+").replace(/_/g, "/"); s += "=".repeat((4 - (s.length % 4)) % 4);
    return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  };

  // --- IndexedDB queue ------------------------------------------------------------------------
  let dbPromise = null;
  function db() {
    if (!dbPromise) dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open("ravao-gate", 2);
      req.onupgradeneeded = () => {
        const have = req.result.objectStoreNames;
        if (!have.contains("queue")) req.result.createObjectStore("queue", {keyPath: "client_id"});
        if (!have.contains("failed")) req.result.createObjectStore("failed", {keyPath: "client_id"});
        // One key pair per account on this phone (version 2).
        if (!have.contains("device")) req.result.createObjectStore("device", {keyPath: "user"});
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    return dbPromise;
  }
  async function idb(store, mode, fn) {
    const d = await db();
    return new Promise((resolve, reject) => {
      const tx = d.transaction(store, mode);
      const req = fn(tx.objectStore(store));
      tx.oncomplete = () => resolve(req && req.result);
      tx.onerror = () => reject(tx.error);
    });
  }
  const qAll = (store) => idb(store, "readonly", (s) => s.getAll());
  const qPut = (store, item) => idb(store, "readwrite", (s) => s.put(item));
  const qDel = (store, key) => idb(store, "readwrite", (s) => s.delete(key));

  // --- device key: proves that a queued scan was made on this phone by this account ------------
  // The server accepts a scan dated more than a few minutes back only when a key this account
  // enrolled signed it (docs/gate.md). The private key is made here, cannot be exported, and
  // stays in IndexedDB; the public key is enrolled while online.
  const qGet = (store, key) => idb(store, "readonly", (s) => s.get(key));
  const b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)));
  const SIGN = {name: "ECDSA", hash: "SHA-256"};
  let devicePromise = null;
  function device() {
    if (!devicePromise) devicePromise = (async () => {
      if (!USER || !crypto.subtle) return null;
      let found = await qGet("device", USER);
      if (found && found.id) return found;
      if (!found) {
        const pair = await crypto.subtle.generateKey({name: "ECDSA", namedCurve: "P-256"}, false, ["sign", "verify"]);
        found = {user: USER, id: null, privateKey: pair.privateKey, publicKey: b64(await crypto.subtle.exportKey("spki", pair.publicKey))};
        await qPut("device", found);
      }
      const r = await postJSON(root.dataset.devicesUrl, {public_key: found.publicKey});
      if (r.status !== 201) throw new Error("enrolment " + r.status);
      found.id = r.data.id;
      await qPut("device", found);
      return found;
    })().catch(() => { devicePromise = null; return null; });  // offline: try again later
    return devicePromise;
  }
  async function signScan(body) {
    const d = await (devicePromise || Promise.resolve(null));
    if (!d || !d.id) return;
    const message = ["ravao-scan-1", body.client_id, body.venue, body.entrance === null ? "" : String(body.entrance),
      body.direction, String(Date.parse(body.scanned_at)), body.text, body.birth_year === undefined ? "" : String(body.birth_year)].join("\n");
    const sig = await crypto.subtle.sign(SIGN, d.privateKey, new TextEncoder().encode(message));
    body.device = d.id;
    body.signature = b64(sig);
  }

  // --- feedback ---------------------------------------------------------------------------------
  const fb = $("feedback");
  let lastVisit = null;
  const STATUS_TEXT = {
    green: gettext_noop("Green: no risk declared"), yellow: gettext_noop("Yellow: symptoms declared"),
    red: gettext_noop("Red: contact with a case"), undeclared: gettext_noop("No valid health declaration"),
  };
  function show(state, {status = "", title = "", name = "", year = null, inside = false, detail = "", started = null} = {}) {
    fb.className = "feedback fb-" + state + (status ? " status-" + status : "");
    fb.dataset.state = state;
    fb.dataset.status = status;
    fb.dataset.code = "";
    $("fb-status").textContent = title;
    $("fb-name").textContent = name || "";
    $("fb-year").textContent = year ? fmt(gettext("born %(year)s"), {year}) : "";
    $("fb-inside").hidden = !inside;
    $("fb-detail").textContent = detail || "";
    $("declare-open").hidden = !(state === "done" && status === "undeclared" && lastVisit && $("declare-form"));
    if (started !== null) fb.dataset.ms = String(Math.round(performance.now() - started));
    if (navigator.vibrate) navigator.vibrate(state === "error" ? [90, 60, 90] : 60);
  }
  function showVisit(data, started) {
    const inside = !!data.already_inside;
    lastVisit = data.direction === "out" ? null : {id: data.id, venue: data.venue && data.venue.code};
    const time = new Date(data.direction === "out" ? data.checked_out_at : data.checked_in_at);
    const hhmm = window.ravaoDates ? ravaoDates.time(time) : time.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
    show("done", {
      status: data.status,
      title: data.direction === "out" ? gettext("Checked out") : gettext(STATUS_TEXT[data.status] || data.status),
      name: data.person && data.person.masked_name,
      year: data.person && data.person.birth_year,
      inside,
      detail: (data.direction === "out" ? fmt(gettext("Left at %(time)s"), {time: hhmm}) : fmt(gettext("Checked in at %(time)s"), {time: hhmm})),
      started,
    });
  }

  // --- offline checks: what can be known without the server -------------------------------
  let keysPromise = null;
  function loadKeys() {
    if (!keysPromise) keysPromise = (async () => {
      let list = null;
      try { list = JSON.parse(localStorage.getItem(STORE + "keys") || "null"); } catch (e) { list = null; }
      const keys = {};
      if (!list || !crypto.subtle) return keys;
      for (const k of list.keys || []) {
        try {
          keys[k.kid] = await crypto.subtle.importKey("raw", b64bytes(k.public_key), {name: "Ed25519"}, false, ["verify"]);
        } catch (e) { /* this browser cannot verify Ed25519: the server will */ }
      }
      return keys;
    })();
    return keysPromise;
  }
  async function refreshKeys() {
    try {
      const r = await fetch(root.dataset.keysUrl, {credentials: "same-origin"});
      if (r.ok) { localStorage.setItem(STORE + "keys", JSON.stringify(await r.json())); keysPromise = null; }
    } catch (e) { /* offline: keep the copy we have */ }
  }
  // {ok: true, name, year, verified} or {ok: false, message}
  async function checkLocally(text) {
    if (/^RVP1\./.test(text)) {
      const parts = text.split(".");
      if (parts.length !== 4) return {ok: false, message: gettext("This is not a valid Ravao code, or it is incomplete.")};
      let fields;
      try { fields = new TextDecoder().decode(b64bytes(parts[2])).split("|"); } catch (e) { fields = []; }
      if (fields.length !== 4) return {ok: false, message: gettext("This is not a valid Ravao code, or it is incomplete.")};
      const key = (await loadKeys())[parts[1]];
      if (!key) return {ok: true, name: fields[2], year: fields[3], verified: false};
      let valid = false;
      try {
        valid = await crypto.subtle.verify({name: "Ed25519"}, key, b64bytes(parts[3]), new TextEncoder().encode(parts.slice(0, 3).join(".")));
      } catch (e) { return {ok: true, name: fields[2], year: fields[3], verified: false}; }
      // Only the canonical text of a signature (as the server: ravao/codes/signing.py): 86
      // URL-safe characters whose last one has its 4 unused bits at zero.
      if (valid && !/^[A-Za-z0-9_-]{85}[AQgw]$/.test(parts[3])) valid = false;
      if (!valid) return {ok: false, message: gettext("This code's signature is not valid: it has been altered, or it was not issued by this site.")};
      return {ok: true, name: fields[2], year: fields[3], verified: true};
    }
    if (text.includes("|")) {
      // 7 fields: ID, old ID, name, birth date, …; 6 fields (no old ID): ID, name, birth date, …
      const f = text.split("|"), at = f.length === 7 ? 2 : 1;
      if ((f.length !== 6 && f.length !== 7) || !/^\d{12}$/.test(f[0].trim()) || !/^\d{8}$/.test((f[at + 1] || "").trim())) {
        return {ok: false, message: gettext("This ID card QR cannot be read. Scan it again, or type the ID number.")};
      }
      return {ok: true, name: maskName(f[at]), year: f[at + 1].trim().slice(4), verified: false};
    }
    if (text.includes("/v/") || /^V1\./.test(text)) {
      return {ok: false, message: gettext("This is a venue poster, not a person's code. Scan the visitor's personal QR or ID card.")};
    }
    const compact = text.replace(/[\s.-]/g, "");
    if (compact.length <= 16 && /^\+?[0-9A-Za-z]+$/.test(compact) && /\d/.test(compact)) return {ok: true, name: "", year: "", verified: false};
    return {ok: false, message: gettext("This code is not recognised. Scan a Ravao personal QR or a chip ID card (CCCD) QR, or type a phone or ID number.")};
  }

  // --- scanning -------------------------------------------------------------------------------
  // Whose queued scan this is: items from before this field existed belong to whoever is here.
  const mine = (item) => !item.user || item.user === USER;
  async function queueScan(body, started) {
    try { await signScan(body); } catch (e) { /* unsigned: the server takes it only if recent */ }
    const local = await checkLocally(body.text);
    if (!local.ok) { show("error", {title: gettext("Not accepted"), detail: local.message, started}); return "error"; }
    await qPut("queue", {client_id: body.client_id, body, user: USER, queued_at: new Date().toISOString()});
    lastVisit = null;
    fb.dataset.verified = local.verified ? "yes" : "no";
    show("queued", {
      title: gettext("Queued: will be sent when the network returns"),
      name: local.name, year: local.year,
      detail: local.verified ? gettext("Signature checked on this device.") : gettext("The server will check this code."),
      started,
    });
    refreshCount();
    return "queued";
  }

  // One scan: "done", "queued" or "error" (the feedback block says which). ``birthYear``: the
  // year typed next to a manual number (the server needs it for typed numbers).
  async function scan(raw, birthYear = null) {
    const text = (raw || "").trim();
    if (!text) return "error";
    const started = performance.now();
    const body = {
      venue: venueSel.value, entrance: entranceSel.value ? Number(entranceSel.value) : null, text,
      client_id: uuid(), scanned_at: new Date().toISOString(), direction: direction(),
    };
    if (birthYear !== null) body.birth_year = birthYear;
    closeDeclaration();
    show("busy", {title: gettext("Checking…")});
    if (!reachable()) return queueScan(body, started);
    // The session has ended: this page no longer knows who is logged in, so it sends nothing
    // (not even to probe) until it is opened again after the login.
    if (loginNeeded()) { const state = await queueScan(body, started); showLoginNeeded(); return state; }
    let r;
    try { r = await postJSON(root.dataset.scansUrl, body, SCAN_TIMEOUT_MS); } catch (e) { networkFailed(); return queueScan(body, started); }
    networkWorks();
    if (r.ok) { showVisit(r.data, started); if (queueSize) sync(); return "done"; }
    // 503: the server is up but its database is not (Retry-After): keep the scan, as offline.
    if (r.status === 503) { networkFailed(); return queueScan(body, started); }
    if (definitive(r.status)) {
      show("error", {title: gettext("Not accepted"), detail: r.data.detail || fmt(gettext("Error %(status)s"), {status: r.status}), started});
      fb.dataset.code = r.data.code || "";
      return "error";
    }
    if (r.status === 401) { const state = await queueScan(body, started); showLoginNeeded(); return state; }
    return queueScan(body, started);  // server busy or rate-limited (429): keep it for later
  }
  // A refusal is kept without the scanned text; the server's reason may quote a typed number.
  const scrub = (detail, text) => {
    let d = String(detail || "");
    const t = (text || "").trim();
    if (t) d = d.split(t).join("…").split(t.slice(0, 24)).join("…");
    return d.replace(/[“"][^”"]*\d[^”"]*[”"]/g, "“…”").replace(/\+?\d[\d .-]{4,}\d/g, "…");
  };

  // --- sync of the queue -------------------------------------------------------------------
  let syncing = false, queueSize = 0;
  async function refreshCount() {
    const [all, failed] = await Promise.all([qAll("queue"), qAll("failed")]);
    const queued = all.filter(mine);
    queueSize = queued.length;
    const el = $("queue-count");
    el.dataset.count = String(queueSize);
    el.textContent = queueSize ? fmt(ngettext("%(n)s scan waiting to be sent", "%(n)s scans waiting to be sent", queueSize), {n: queueSize}) : gettext("Nothing waiting to be sent");
    const list = $("failed-list");
    list.textContent = "";
    for (const f of failed.sort((a, b) => a.scanned_at.localeCompare(b.scanned_at))) {
      const li = document.createElement("li");
      li.textContent = [(window.ravaoDates ? ravaoDates.time(f.scanned_at) : new Date(f.scanned_at).toLocaleTimeString()), f.label, f.detail].filter(Boolean).join(" · ");
      list.appendChild(li);
    }
    $("failed").hidden = failed.length === 0;
    // Scans another account queued on this phone: listed, never sent from this session.
    const others = {};
    for (const item of all) if (!mine(item)) (others[item.user] = others[item.user] || []).push(item);
    const ol = $("others-list");
    ol.textContent = "";
    for (const user of Object.keys(others).sort()) {
      const n = others[user].length;
      const li = document.createElement("li");
      li.dataset.user = user;
      const p = document.createElement("div");
      p.textContent = fmt(ngettext("%(n)s scan queued by %(user)s: log in as them to send it",
        "%(n)s scans queued by %(user)s: log in as them to send them", n), {n, user});
      const btn = document.createElement("button");
      btn.type = "button"; btn.className = "secondary others-discard";
      btn.textContent = fmt(gettext("Discard the scans queued by %(user)s"), {user});
      btn.addEventListener("click", async () => {
        for (const item of others[user]) await qDel("queue", item.client_id);
        refreshCount();
      });
      li.append(p, btn);
      ol.appendChild(li);
    }
    $("others").hidden = Object.keys(others).length === 0;
  }
  async function sync() {
    if (syncing || !navigator.onLine || loginNeeded()) return;  // when degraded, the sync is the probe
    syncing = true;
    try {
      const items = (await qAll("queue")).filter(mine).sort((a, b) => a.body.scanned_at.localeCompare(b.body.scanned_at));
      for (const item of items) {
        let r;
        try { r = await postJSON(root.dataset.scansUrl, item.body); } catch (e) { networkFailed(); break; }
        networkWorks();
        if (r.ok) {
          delete root.dataset.login;
          await qDel("queue", item.client_id);
        } else if (definitive(r.status)) {
          // Kept for staff to see, without the scanned text (an ID card QR holds a whole identity).
          const local = await checkLocally(item.body.text);
          await qPut("failed", {
            client_id: item.client_id, scanned_at: item.body.scanned_at, status: r.status,
            label: local.ok ? [local.name, local.year].filter(Boolean).join(" ") : "",
            detail: scrub(r.data.detail, item.body.text) || String(r.status),
          });
          await qDel("queue", item.client_id);
        } else {
          if (r.status === 401) showLoginNeeded();
          if (r.status === 503) networkFailed();  // kept; the 15-second retry probes again
          break;
        }
      }
    } finally {
      syncing = false;
      await refreshCount();
    }
  }
  const loginNeeded = () => root.dataset.login === "needed";
  function showLoginNeeded() {
    root.dataset.login = "needed";
    $("fb-detail").textContent = gettext("Your session has ended: log in again to send the queued scans.");
  }
  let degradedUntil = 0;
  const reachable = () => navigator.onLine && Date.now() >= degradedUntil;
  function networkFailed() { degradedUntil = Date.now() + DEGRADED_MS; netState(); setTimeout(netState, DEGRADED_MS + 50); }
  function networkWorks() { if (degradedUntil) { degradedUntil = 0; netState(); } }
  function netState() {
    const el = $("net-state");
    if (!navigator.onLine) el.textContent = gettext("Offline: scans are kept on this device");
    else if (!reachable()) el.textContent = gettext("The server cannot be reached: scans are kept on this device");
    else el.textContent = gettext("Online");
    el.className = reachable() ? "net-online" : "net-offline";
  }
  window.addEventListener("online", () => { degradedUntil = 0; netState(); refreshKeys(); device(); sync(); });
  window.addEventListener("offline", netState);
  setInterval(sync, RETRY_MS);
  $("failed-clear").addEventListener("click", async () => {
    for (const f of await qAll("failed")) await qDel("failed", f.client_id);
    refreshCount();
  });

  // --- HID scanner: an input that keeps the focus and receives text + Enter ---------------
  const hid = $("hid");
  // Staff typing in another field or choosing in a list keep their focus; anything else
  // (a tap on a button, on the page, the end of a scan) gives it back to the scanner field.
  const refocus = () => setTimeout(() => {
    const a = document.activeElement;
    const typing = a && a !== hid && (a.tagName === "SELECT" || a.tagName === "TEXTAREA" ||
      (a.tagName === "INPUT" && !["radio", "checkbox", "button", "submit"].includes(a.type)));
    if (!typing) hid.focus({preventScroll: true});
  }, 80);
  hid.addEventListener("keydown", (e) => {
    // Most scanners end with Enter; some are set to end with Tab.
    if (e.key === "Enter" || (e.key === "Tab" && hid.value)) { e.preventDefault(); const v = hid.value; hid.value = ""; scan(v); }
  });
  hid.addEventListener("blur", refocus);
  document.addEventListener("click", refocus);

  // --- manual entry -------------------------------------------------------------------------
  // A typed number needs the year of birth the person gives: in its own field, or typed after
  // the number ("0912 345 678 1990", which the server reads too).
  const numberInput = $("manual-text"), yearInput = $("manual-year"), manualError = $("manual-error");
  const yearOk = (y) => /^\d{4}$/.test(y) && Number(y) >= 1900 && Number(y) <= new Date().getFullYear();
  function manualMessage(text) {
    manualError.textContent = text || "";
    manualError.hidden = !text;
    yearInput.setAttribute("aria-invalid", text ? "true" : "false");
  }
  yearInput.addEventListener("input", () => { yearInput.value = yearInput.value.replace(/\D/g, "").slice(0, 4); manualMessage(""); });
  $("manual").addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = numberInput.value.trim(), year = yearInput.value.trim();
    if (!text) { manualMessage(gettext("Type the person's phone or ID number.")); numberInput.focus(); return; }
    const typedAfter = /[\s\/](\d{4})$/.exec(text);
    if (!year && !(typedAfter && yearOk(typedAfter[1]))) {
      manualMessage(gettext("Ask the person for their year of birth and type it (4 digits, e.g. 1990)."));
      yearInput.focus();
      return;
    }
    if (year && !yearOk(year)) {
      manualMessage(gettext("The year of birth must have 4 digits, between 1900 and this year."));
      yearInput.focus();
      return;
    }
    manualMessage("");
    hid.focus({preventScroll: true});
    const state = await scan(text, year ? Number(year) : null);
    if (state === "done" || state === "queued") { numberInput.value = ""; yearInput.value = ""; return; }
    // Refused: both fields stay for a correction, and the server's reason shows next to them too.
    if (["birth_year_required", "no_match", "bad_birth_year"].includes(fb.dataset.code)) manualMessage($("fb-detail").textContent);
  });

  // --- camera: getUserMedia frames decoded by jsQR (BarcodeDetector is missing on iOS/Linux) --
  const video = $("video"), canvas = $("frame"), camBtn = $("camera-toggle");
  let stream = null, timer = null, lastText = "", lastAt = 0;
  async function startCamera() {
    try {
      stream = await navigator.mediaDevices.getUserMedia({audio: false, video: {facingMode: "environment", width: {ideal: 1280}, height: {ideal: 720}}});
    } catch (e) {
      show("error", {title: gettext("The camera cannot be opened"), detail: gettext("Allow the camera for this site, or use a scanner or type the number.")});
      return;
    }
    video.srcObject = stream;
    await video.play().catch(() => null);
    $("camera-view").hidden = false;
    camBtn.textContent = camBtn.dataset.on;
    localStorage.setItem(STORE + "camera", "on");
    tick();
  }
  function stopCamera() {
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null; clearTimeout(timer);
    $("camera-view").hidden = true;
    camBtn.textContent = camBtn.dataset.off;
    localStorage.setItem(STORE + "camera", "off");
  }
  const ctx = canvas.getContext("2d", {willReadFrequently: true});
  function tick() {
    if (!stream) return;
    if (video.readyState >= 2 && video.videoWidth && window.jsQR) {
      // Downscale to at most 640 px: enough for a QR held at arm's length, fast on cheap phones.
      const scale = Math.min(1, 640 / Math.max(video.videoWidth, video.videoHeight));
      const w = Math.round(video.videoWidth * scale), h = Math.round(video.videoHeight * scale);
      canvas.width = w; canvas.height = h;
      ctx.drawImage(video, 0, 0, w, h);
      const found = window.jsQR(ctx.getImageData(0, 0, w, h).data, w, h, {inversionAttempts: "dontInvert"});
      if (found && found.data) {
        const now = Date.now();
        // The camera sees the same code many times a second: one scan per code per few seconds.
        if (found.data !== lastText || now - lastAt > CAMERA_REPEAT_MS) { lastText = found.data; lastAt = now; scan(found.data); }
        else lastAt = now;
      }
    }
    timer = setTimeout(tick, 120);
  }
  camBtn.addEventListener("click", () => (stream ? stopCamera() : startCamera()));
  // Save the battery: no camera while the app is in the background; back when it returns.
  let resumeCamera = false;
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && stream) { resumeCamera = true; stopCamera(); localStorage.setItem(STORE + "camera", "on"); }
    else if (!document.hidden && resumeCamera) { resumeCamera = false; startCamera(); }
  });
  if (saved("camera", "off") === "on" && navigator.mediaDevices) startCamera();

  // --- declaration on the visitor's behalf ---------------------------------------------------
  const form = $("declare-form");
  function closeDeclaration() { if (form) form.hidden = true; }
  if (form) {
    $("declare-open").addEventListener("click", () => { form.reset(); form.hidden = false; form.scrollIntoView(); });
    $("declare-cancel").addEventListener("click", closeDeclaration);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!lastVisit) return;
      const answers = {};
      for (const el of form.elements) {
        if (!el.name) continue;
        if (el.type === "checkbox" && el.dataset.kind === "bool") answers[el.name] = el.checked;
        else if (el.type === "checkbox") { answers[el.name] = answers[el.name] || []; if (el.checked) answers[el.name].push(el.value); }
        else if (el.dataset.kind === "text") answers[el.name] = el.value.trim();
      }
      const started = performance.now();
      let r;
      try { r = await postJSON(root.dataset.declareUrl, {venue: lastVisit.venue, visit: lastVisit.id, declaration: answers}); }
      catch (err) { show("error", {title: gettext("Not saved"), detail: gettext("The network is down: try again when it returns.")}); return; }
      if (!r.ok) { show("error", {title: gettext("Not saved"), detail: r.data.detail || String(r.status)}); return; }
      closeDeclaration();
      showVisit({...r.data, direction: "in", already_inside: false}, started);
      $("fb-detail").textContent = gettext("Declaration recorded.");
    });
  }

  // --- start ----------------------------------------------------------------------------------
  netState();
  refreshCount();
  if (navigator.onLine) { refreshKeys(); device(); sync(); }
  hid.focus({preventScroll: true});
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.swUrl, {scope: root.dataset.scope}).catch(() => null);
  }
})();
