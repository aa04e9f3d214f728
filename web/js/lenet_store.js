// The runs the static page trained, kept in the browser (IndexedDB), so
// that 历次运行 and the viewer's list come back after a reload or days
// later, in every tab of the book.  A run is written when its first epoch
// ends, after each epoch (its history and weights) and when it ends; a
// write counts only once its transaction has committed, and one that
// fails rejects with the browser's error (`storageProblem` words it).
// Each run has a key made in the page, unique across tabs, and a number
// that the database gives out, so two tabs never give two runs the same
// number; other tabs hear of each run kept or deleted (BroadcastChannel).
// While a run trains it holds a Web Lock of its own, so a page opened
// later knows a run whose lock nobody holds was cut off (a reload, a
// closed tab) and marks it interrupted.  Where the browser refuses storage,
// `openRuns` says why and the page trains without it.

import { WORDS } from "./lenet_contract.js";

const DATABASE = "lenet-book";
const RUNS = "kept-runs";
const COUNTER = "counter";
const VERSION = 2;
const CHANNEL = "lenet-kept-runs";
const lockName = (key) => `lenet-run-${key}`;

/** A key no other tab makes (crypto.randomUUID needs a secure context). */
export function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Why a write failed, in the reader's words. */
export function storageProblem(error) {
  const { name = "", message = "" } = error ?? {};
  if (name === "QuotaExceededError" || /quota/i.test(message)) return WORDS.storage_problems.full;
  if (["DataError", "DataCloneError", "RangeError"].includes(name)) {
    return WORDS.storage_problems.too_large;
  }
  if (name === "InvalidStateError" || /closing|closed/i.test(message)) {
    return WORDS.storage_problems.closed;
  }
  return message || name || String(error);
}

const requested = (request) => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});

/** The result of `work(stores)` once its transaction has committed. */
function committed(db, mode, work) {
  return new Promise((resolve, reject) => {
    let result;
    const transaction = db.transaction([RUNS, COUNTER], mode);
    transaction.oncomplete = () => resolve(result);
    transaction.onabort = () => reject(transaction.error ?? new DOMException("", "AbortError"));
    Promise.resolve(work({ runs: transaction.objectStore(RUNS),
                           counter: transaction.objectStore(COUNTER) }))
      .then((value) => { result = value; }, (error) => {
        try { transaction.abort(); } catch { /* already ended */ }
        reject(error);
      });
  });
}

function upgrade(opening, oldVersion) {
  const db = opening.result;
  const runs = db.createObjectStore(RUNS, { keyPath: "key" });
  const counter = db.createObjectStore(COUNTER);
  counter.put(1, "next");
  if (oldVersion < 1) return;
  // Version 1 keyed runs by their number: each gets a key, keeps its number.
  const old = opening.transaction.objectStore("runs");
  old.getAll().onsuccess = ({ target }) => {
    let next = 1;
    for (const { id: _, ...run } of target.result) {
      runs.put({ ...run, key: newKey() });
      next = Math.max(next, run.number + 1);
    }
    counter.put(next, "next");
    db.deleteObjectStore("runs");
  };
}

function openDatabase() {
  const opening = indexedDB.open(DATABASE, VERSION);
  opening.onupgradeneeded = ({ oldVersion }) => upgrade(opening, oldVersion);
  return requested(opening);
}

async function heldLocks() {
  if (!navigator.locks?.query) return new Set();
  const { held = [] } = await navigator.locks.query();
  return new Set(held.map((lock) => lock.name));
}

function runStore(first) {
  let db = first;
  const watch = (opened) => { opened.onclose = () => { db = null; }; return opened; };
  watch(db);
  // A database closed under the page (its site data cleared) opens again.
  const transact = async (mode, work) => {
    db ??= watch(await openDatabase());
    try {
      return await committed(db, mode, work);
    } catch (error) {
      if (error?.name !== "InvalidStateError") throw error;
      db = watch(await openDatabase());  // closed before `close` was heard
      return committed(db, mode, work);
    }
  };
  const releases = new Map();  // key -> the function that lets its lock go
  const channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(CHANNEL);
  const tell = (news) => channel?.postMessage(news);
  return {
    /** Every kept run, oldest first; runs cut off before are marked so. */
    async list() {
      const all = await transact("readonly", ({ runs }) => requested(runs.getAll()));
      const held = await heldLocks();
      const cut = all.filter((run) => run.state === "running" && !held.has(lockName(run.key)));
      for (const run of cut) run.state = "interrupted";
      if (cut.length) await transact("readwrite", ({ runs }) => cut.forEach((r) => runs.put(r)));
      return all.sort((a, b) => a.number - b.number);
    },
    get: (key) => transact("readonly", ({ runs }) => requested(runs.get(key))),
    /** The next run's number, given out once. */
    number: () => transact("readwrite", async ({ counter }) => {
      const next = await requested(counter.get("next"));
      counter.put(next + 1, "next");
      return next;
    }),
    /** Keep `run` (new or again), once committed; a running run holds its lock. */
    async put(run) {
      if (run.state === "running" && !releases.has(run.key)) {
        // Held before the record says "running", for as long as the page is.
        await new Promise((granted) => {
          releases.set(run.key, () => {});
          if (!navigator.locks) granted();
          navigator.locks?.request(lockName(run.key), () => new Promise((release) => {
            releases.set(run.key, release);
            granted();
          }));
        });
      }
      await transact("readwrite", ({ runs }) => { runs.put(run); });
      if (run.state !== "running") {
        releases.get(run.key)?.();
        releases.delete(run.key);
        tell({ kept: run.key });
      }
    },
    async remove(key) {
      await transact("readwrite", ({ runs }) => { runs.delete(key); });
      tell({ removed: key });
    },
    /** `onNews({kept} | {removed})`: what another tab kept or deleted. */
    listen(onNews) {
      if (channel) channel.onmessage = ({ data }) => onNews(data);
    },
  };
}

/** {store} of the kept runs, or {refused: error} where the browser does
 * not let the page keep them (a private window, storage turned off). */
export async function openRuns() {
  try {
    if (!globalThis.indexedDB) throw new Error("IndexedDB 不可用");
    return { store: runStore(await openDatabase()) };
  } catch (error) {
    return { refused: error };
  }
}

/** Bytes a run takes: its weights, those of each epoch it keeps for the
 * replay (an array kept twice is stored once: IndexedDB keeps a structured
 * clone), and, roughly, its text. */
export function runBytes(run) {
  const { tensors, snapshots, ...rest } = run;
  const arrays = new Set([tensors ?? {}, ...(snapshots ?? [])]
    .flatMap((weights) => Object.values(weights)));
  return [...arrays].reduce((sum, t) => sum + t.byteLength, 0) + 2 * JSON.stringify(rest).length;
}
