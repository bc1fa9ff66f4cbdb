/* Service worker of the public verification page (served at /v/sw.js, scope /v/).
 *
 * The server puts `self.DUALCERT` in front of this file: the version (a digest of every file
 * kept here), the page, the two lists and everything to keep. It keeps them all on install, so
 * the page checks certificates with no network after one visit. The lists go to the network
 * first (a refresh picks up new revocations) and fall back to the kept copy; the page comes
 * from the cache and is renewed in the background; everything else comes from the cache.
 */
const CONFIG = self.DUALCERT;
const CACHE_PREFIX = "dualcert-verify-";
const CACHE = CACHE_PREFIX + CONFIG.version;
// Marks a list answered from the cache, so the page can say it is working without a network.
const KEPT_HEADER = "X-Dualcert-Kept";
const MATCH = { ignoreSearch: true, ignoreVary: true };

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(CONFIG.precache.map((url) => new Request(url, { cache: "no-cache" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names
        .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
        .map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

function kept(response) {
  const headers = new Headers(response.headers);
  headers.set(KEPT_HEADER, "1");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function networkFirst(request, path) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    await cache.put(path, response.clone());
    return response;
  } catch (error) {
    const copy = await cache.match(path, MATCH);
    if (!copy) throw error;
    return kept(copy);
  }
}

async function pageFromCache(event) {
  const cache = await caches.open(CACHE);
  const copy = await cache.match(CONFIG.page, MATCH);
  const renewed = fetch(CONFIG.page, { cache: "no-cache" }).then(async (response) => {
    if (response.ok) await cache.put(CONFIG.page, response.clone());
    return response;
  });
  if (!copy) return renewed;
  event.waitUntil(renewed.catch(() => undefined));
  return copy;
}

async function cacheFirst(request) {
  const copy = await caches.match(request, MATCH);
  return copy || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (CONFIG.lists.includes(url.pathname)) {
    event.respondWith(networkFirst(request, url.pathname));
  } else if (url.pathname === CONFIG.page) {
    event.respondWith(pageFromCache(event));
  } else if (CONFIG.precache.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});
