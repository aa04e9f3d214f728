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
// (lenet_offline.js).  A page never mixes two builds: each page (and the
// workers it starts) is served from the cache of the build it opened
// with, which is kept while such a page is open (CLIENTS records which
// page has which build, for whichever build's worker serves it next), so
// a training in another tab goes on with its own files.  An on-demand
// file is cached the first time it arrives whole, and carried into the
// next build's cache the same way.  No COOP/COEP headers are added: the
// training runs on one thread.

const { build, precache, onDemand } = self.LENET_BUILD;
const PREFIX = "lenet-book-";
const CACHE = PREFIX + build;
const CLIENTS = "lenet-clients";  // {client id: the build cache it opened with}
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

// {client id: build cache}, read once from CLIENTS and written through;
// changes one at a time (two navigations at once must not lose one).
let builds = null;
let changing = Promise.resolve();

/** The pages' builds, with `changes` made. */
function clientBuilds(changes = null) {
  const work = async () => {
    if (!builds) {
      const kept = await (await caches.open(CLIENTS)).match(urlOf("lenet-clients.json"));
      builds = kept ? await kept.json() : {};
    }
    if (changes) {
      builds = typeof changes === "function" ? changes(builds) : { ...builds, ...changes };
      await (await caches.open(CLIENTS)).put(urlOf("lenet-clients.json"), Response.json(builds));
    }
    return builds;
  };
  changing = changing.then(work, work);
  return changing;
}

/** Forget the pages that are gone, and delete the builds that only such
 * pages had (`activating`: every build but the ones open pages have). */
async function forgetClosed(activating = false) {
  const open = new Set((await self.clients.matchAll({ includeUncontrolled: true, type: "all" }))
    .map((client) => client.id));
  const known = Object.entries(await clientBuilds());
  const gone = known.filter(([id]) => !open.has(id));
  if (gone.length) {
    await clientBuilds((all) => Object.fromEntries(
      Object.entries(all).filter(([id]) => open.has(id))));
  }
  const used = new Set([CACHE, ...known.filter(([id]) => open.has(id)).map(([, name]) => name)]);
  // Not a newer build still installing: it has no pages yet.
  const older = activating ? (await caches.keys()).filter((name) => name.startsWith(PREFIX))
    : gone.map(([, name]) => name);
  await Promise.all([...new Set(older)].filter((name) => !used.has(name))
    .map((name) => caches.delete(name)));
}

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    // A page no service worker served yet (a first visit) came from the
    // site as this build left it.
    const pages = await self.clients.matchAll({ includeUncontrolled: true, type: "window" });
    await clientBuilds((known) => ({
      ...Object.fromEntries(pages.map((page) => [page.id, CACHE])), ...known }));
    await forgetClosed(true);
    await self.clients.claim();
  })());
});

// The reader chose 更新: the new build takes over, and the page reloads.
// A page that has loaded says so: the page it replaced is gone now.
self.addEventListener("message", (event) => {
  if (event.data?.type === "skip-waiting") self.skipWaiting();
  if (event.data?.type === "loaded") event.waitUntil(forgetClosed());
});

/** The build cache that serves `event`: the one its page opened with. */
async function buildOf(event) {
  const { request, clientId, resultingClientId } = event;
  if (request.mode === "navigate") {
    // Old builds are swept once the page has loaded (its "loaded"
    // message), not now, while the page it replaces is still open.
    if (resultingClientId) await clientBuilds({ [resultingClientId]: CACHE });
    return CACHE;
  }
  const own = (await clientBuilds())[clientId] ?? CACHE;
  // A worker a page starts has the page's build.
  if (request.destination === "worker" && resultingClientId) {
    await clientBuilds({ [resultingClientId]: own });
  }
  return own === CACHE || (await caches.has(own)) ? own : CACHE;
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const path = request.method === "GET" ? pathOf(new URL(request.url)) : null;
  if (path === null) return;
  event.respondWith((async () => {
    const name = await buildOf(event);
    const cache = await caches.open(name);
    const hit = await cache.match(urlOf(path), { ignoreSearch: true });
    if (hit) return hit;
    const response = await fetch(request);
    if (response.ok && name === CACHE && Object.hasOwn(onDemand, path)) {
      // Kept only when the whole file arrived (a cut-off body rejects).
      event.waitUntil(cache.put(urlOf(path), response.clone()).catch(() => {}));
    }
    return response;
  })());
});
