// The runs the static page trained, kept in the browser (IndexedDB), so
// that 历次运行 and the viewer's list come back after a reload or days
// later.  A run is written when it starts, after each epoch (its history
// and weights) and when it ends; while it trains it holds a Web Lock of its
// own, so a page opened later knows a run whose lock nobody holds was cut
// off (a reload, a closed tab) and marks it interrupted.  Where the browser
// refuses storage, `openRuns` says why and the page trains without it.

const DATABASE = "lenet-book";
const RUNS = "runs";
const VERSION = 1;
const lockName = (id) => `lenet-run-${id}`;

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Bytes a run takes: its weights and, roughly, its text. */
export function runBytes(run) {
  const tensors = Object.values(run.tensors ?? {});
  const { tensors: _, ...rest } = run;
  return tensors.reduce((sum, t) => sum + t.byteLength, 0) + 2 * JSON.stringify(rest).length;
}

async function heldLocks() {
  if (!navigator.locks?.query) return new Set();
  const { held = [] } = await navigator.locks.query();
  return new Set(held.map((lock) => lock.name));
}

function runStore(db) {
  const runs = (mode) => db.transaction(RUNS, mode).objectStore(RUNS);
  const releases = new Map();  // id -> the function that lets its lock go
  return {
    /** Every kept run, oldest first; runs cut off before are marked so. */
    async list() {
      const all = await done(runs("readonly").getAll());
      const held = await heldLocks();
      for (const run of all) {
        if (run.state === "running" && !held.has(lockName(run.id))) {
          run.state = "interrupted";
          await done(runs("readwrite").put(run));
        }
      }
      return all;
    },
    /** Keep a new run; its id. */
    async add(run) {
      const id = await done(runs("readwrite").add(run));
      if (run.state !== "running") return id;
      navigator.locks?.request(lockName(id), () => new Promise((release) => {
        releases.set(id, release);
      }));
      return id;
    },
    async put(run) {
      await done(runs("readwrite").put(run));
      if (run.state !== "running") {
        releases.get(run.id)?.();
        releases.delete(run.id);
      }
    },
    remove: (id) => done(runs("readwrite").delete(id)),
    clear: () => done(runs("readwrite").clear()),
  };
}

/** {store} of the kept runs, or {refused: error} where the browser does
 * not let the page keep them (a private window, storage turned off). */
export async function openRuns() {
  try {
    if (!globalThis.indexedDB) throw new Error("IndexedDB 不可用");
    const opening = indexedDB.open(DATABASE, VERSION);
    opening.onupgradeneeded = () => {
      opening.result.createObjectStore(RUNS, { keyPath: "id", autoIncrement: true });
    };
    return { store: runStore(await done(opening)) };
  } catch (error) {
    return { refused: error };
  }
}
