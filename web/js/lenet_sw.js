// The book's one service worker.  book/_ext/offline_book.py writes it to
// the site's root as sw.js, after a first line that sets self.LENET_BUILD:
// this build's id, the files every page needs (`precache`: the pages and
// what they load, found by reading them), and the files fetched only when
// a reader asks for them (`onDemand`: TF.js, the training data, the
// trained networks' weights), each with its SHA-256.
//
// One cache per build.  Installing fills it with every precached file,
// all or nothing: a file an older build's cache holds with the same
// SHA-256 is carried over, only the others are fetched, so a rebuild
// costs a returning reader what changed.  The new build waits until no
// page of the old one is open, or until the reader chooses 更新
// (lenet_offline.js), so a page never mixes two builds.  An on-demand
// file is cached the first time it arrives whole, and carried into the
// next build's cache the same way.  No COOP/COEP headers are added: the
// training runs on one thread.

const { build, precache, onDemand } = self.LENET_BUILD;
const PREFIX = "lenet-book-";
const CACHE = PREFIX + build;
const scope = new URL(self.registration.scope);
const urlOf = (path) => new URL(path, scope).href;

/** The site path of a request in scope ("book/index.html"), or null. */
function pathOf(url) {
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return null;
  const path = decodeURIComponent(url.pathname.slice(scope.pathname.length));
  return path === "" || path.endsWith("/") ? `${path}index.html` : path;
}

async function sha256(response) {
  const digest = await crypto.subtle.digest("SHA-256", await response.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Put into `cache` the copy of `path` with SHA-256 `hash` that one of
 * `older` (an older build's caches) holds; whether there was one. */
async function carried(cache, older, path, hash) {
  for (const old of older) {
    const kept = await old.match(urlOf(path));
    if (kept && (await sha256(kept.clone())) === hash) {
      await cache.put(urlOf(path), kept);
      return true;
    }
  }
  return false;
}

/** The files of `files` ({path: hash}) that `cache` lacks and no older
 * build holds as they are now (those it carries over). */
async function missing(cache, older, files) {
  const paths = [];
  for (const [path, hash] of Object.entries(files)) {
    if (!(await cache.match(urlOf(path))) && !(await carried(cache, older, path, hash))) {
      paths.push(path);
    }
  }
  return paths;
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const older = await Promise.all((await caches.keys())
      .filter((name) => name.startsWith(PREFIX) && name !== CACHE)
      .map((name) => caches.open(name)));
    const fetched = await missing(cache, older, precache);
    // From the server, not the HTTP cache: what this build changed.
    await cache.addAll(fetched.map((path) => new Request(urlOf(path), { cache: "reload" })));
    await missing(cache, older, onDemand);  // fetched when asked for
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith(PREFIX) && name !== CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

// The reader chose 更新: the new build takes over, and the page reloads.
self.addEventListener("message", (event) => {
  if (event.data?.type === "skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const path = request.method === "GET" ? pathOf(new URL(request.url)) : null;
  if (path === null) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(urlOf(path), { ignoreSearch: true });
    if (hit) return hit;
    const response = await fetch(request);
    if (response.ok && Object.hasOwn(onDemand, path)) {
      // Kept only when the whole file arrived (a cut-off body rejects).
      event.waitUntil(cache.put(urlOf(path), response.clone()).catch(() => {}));
    }
    return response;
  })());
});
