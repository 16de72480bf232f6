{% autoescape off %}/* Ravao gate scanner service worker: keeps the page shell so that it opens without a network.
   Scans are never handled here: the page queues them itself (IndexedDB) and sends them later. */
"use strict";
const VERSION = {{ version }};
const PAGE = {{ page }};
const ASSETS = {{ assets }};
const CACHE = "ravao-gate-" + VERSION;
const NETWORK_TIMEOUT_MS = 3500;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // One by one, so that one missing file does not stop the others from being kept.
    await Promise.all([PAGE, ...ASSETS].map(async (url) => {
      try {
        const response = await fetch(url, {credentials: "same-origin", cache: "no-cache"});
        if (response.ok && !response.redirected) await cache.put(url, response);
      } catch (e) { /* offline while installing: kept on the next visit */ }
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith("ravao-gate-") && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

// Network first (fresh page, fresh translations), the kept copy when the network fails or hangs.
async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (response.ok && !response.redirected) await cache.put(key, response.clone());
    return response;
  } catch (e) {
    const kept = await cache.match(key);
    if (kept) return kept;
    throw e;
  }
}

// Static files: the kept copy at once, refreshed in the background for the next visit.
async function staleWhileRevalidate(request, event) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request, {ignoreSearch: true});
  const refresh = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  });
  if (kept) { event.waitUntil(refresh.catch(() => null)); return kept; }
  return refresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === PAGE) {
    event.respondWith(networkFirst(request, PAGE));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(staleWhileRevalidate(request, event));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(networkFirst(request, url.pathname));
  }
});
{% endautoescape %}
