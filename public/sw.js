// The handheld version's service worker (scope /m): keeps the frame (stylesheet,
// icons, scripts) and the public pages a citizen has read there (home, catalog,
// bundles, guides) for a lost connection, and shows /offline.html where there is nothing to
// show. The desktop site is not under it.
// Pages with personal data (lookups, applications, receipts, staff pages) and every
// POST always go to the network and are never stored. The portal works the same
// without it: it only ever answers from the cache when the network fails.
const CACHE = "portal-v2";
const SHELL = ["/offline.html", "/pkg/portal.css", "/favicon.svg", "/islands.js", "/manifest.webmanifest", "/icons/icon-192.png"];

// Public pages worth keeping: the handheld home, catalog, bundles and their guides.
const KEEP = /^\/m(\/(services|bundles)(\/[A-Z]{3}-\d{4})?)?$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

// A content-hashed file (/assets/name.hash.ext) never changes: the cache is enough.
async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const answer = await fetch(request);
  if (answer.ok && answer.type === "basic") await cache.put(request, answer.clone());
  return answer;
}

// Network first, so nobody sees yesterday's page while the network works.
async function networkFirst(request, keep) {
  const cache = await caches.open(CACHE);
  try {
    const answer = await fetch(request);
    if (keep && answer.ok && answer.type === "basic") await cache.put(request, answer.clone());
    return answer;
  } catch (offline) {
    const kept = await cache.match(request);
    if (kept) return kept;
    if (request.mode === "navigate") return (await cache.match("/offline.html")) ?? Response.error();
    return Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (request.mode === "navigate") {
    const keep = KEEP.test(path) && !url.search;
    event.respondWith(networkFirst(request, keep));
  } else if (path.startsWith("/assets/")) {
    event.respondWith(cacheFirst(request));
  } else if (SHELL.includes(path) || path.startsWith("/icons/") || path.startsWith("/pkg/")) {
    event.respondWith(networkFirst(request, true));
  }
});
