// The static page's runs as 历次运行 holds them, kept in the browser
// (lenet_store.js): each run from its first finished epoch to its end,
// with its weights, and those it started from and had after each epoch
// (`snapshots`, for the viewer's replay), so the list and the viewer's
// networks come back after a reload.  The trained-network viewer hears of
// each network over the channel, and of each one the reader deletes.  A run's network is saved
// as a file, and a file imported is kept as one more run.

import { describe } from "../lenet_architecture.js";
import { publish, TOPICS } from "../lenet_channel.js";
import { ARCH_FIELDS, ENGINES, WORDS } from "../lenet_contract.js";
import { fill } from "../lenet_format.js";
import { networkFileText, readNetworkFile } from "../lenet_network_file.js";
import { newKey, openRuns, runBytes, storageProblem } from "../lenet_store.js";

const archOf = (config) => Object.fromEntries(ARCH_FIELDS.map((field) => [field, config[field]]));

const sizeText = (bytes) => (bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} KB`
  : `${(bytes / 1e6).toFixed(1)} MB`);

/** A kept run as a row of 历次运行. */
function historyEntry(run) {
  const { epochs, config } = run;
  return {
    number: run.number, key: run.key, description: describe(config), config, epochs,
    num_epochs: config.num_epochs, final_test_acc: epochs.at(-1)?.test_acc ?? null,
    seconds: epochs.reduce((sum, e) => sum + e.seconds, 0),
    stopped: run.state === "stopped", state: run.state, engine: run.engine ?? "browser",
    imported: run.imported ?? null,
  };
}

/** What the viewer is told of a kept run's network (the kernel's runs
 * too, from their files: engines.js). */
export function networkOf(run, fresh) {
  const testAcc = run.epochs.at(-1)?.test_acc ?? null;
  return {
    fresh, key: `trained-${run.number}`, arch: archOf(run.config),
    tensors: run.tensors, test_acc: testAcc, data_set: run.config.data_set,
    replay: replayOf(run),
    label: fill(WORDS[run.imported ? "imported_network" : "trained_network"], {
      number: run.number, engine: ENGINES[run.engine ?? "browser"],
      file: run.imported, test_acc: testAcc === null ? WORDS.unknown_accuracy
        : testAcc.toFixed(4) }) };
}

/** The run's weights epoch by epoch, for the viewer's slider: [{epoch,
 * tensors, test_acc}] from the start (epoch 0) to its end, or null when it
 * kept fewer than two.  A run stopped (or diverged) within an epoch ends
 * with the weights it ended with (epoch null, and its state). */
function replayOf(run) {
  const snapshots = run.snapshots ?? [];
  const steps = snapshots.map((tensors, epoch) => ({
    epoch, tensors, test_acc: epoch ? run.epochs[epoch - 1]?.test_acc ?? null : null }));
  if (steps.length && !sameWeights(run.tensors, snapshots.at(-1))) {
    steps.push({ epoch: null, state: run.state, tensors: run.tensors, test_acc: null });
  }
  return steps.length > 1 ? steps : null;
}

/** Do two {name: Float32Array} hold the same numbers? */
function sameWeights(a, b) {
  return a === b || Object.keys(a).every((name) => b[name]?.length === a[name].length &&
                                           a[name].every((v, i) => v === b[name][i]));
}

/** Write `run` to the store (none: nothing kept); marks it saved, or
 * says in its `problem` why not. */
async function storeRun(store, run) {
  if (!store) return false;
  const { saved: _, problem: __, ...record } = run;
  try {
    await store.put(record);
    run.saved = true;
    run.problem = null;
  } catch (error) {
    run.problem = storageProblem(error);
    console.warn("lenet: 运行没有保存", error);
  }
  return run.saved;
}

/** A run whose network is its last epoch's weights holds one array of
 * them, not two equal ones. */
function keepOnce(run) {
  const last = run.snapshots.at(-1);
  if (last && sameWeights(run.tensors, last)) run.tensors = last;
}

/** The run of a file's text (`name` as shown), not yet numbered; a file
 * that is not a network throws (lenet_network_file.js). */
function importedRun(name, text) {
  const { config, tensors, run: trained, snapshots } = readNetworkFile(text);
  const run = { key: newKey(), number: null, config, tensors, imported: name, snapshots,
                time: Date.now(), saved: false, problem: null, ...trained };
  keepOnce(run);
  return run;
}

/** The line of what is kept: the stored runs and their size, and the runs
 * the browser did not store, with why. */
function keptLine(records) {
  const finished = [...records.values()].filter((run) => run.state !== "running");
  const saved = finished.filter((run) => run.saved);
  const lines = [fill(WORDS.runs_kept, {
    count: saved.length, size: sizeText(saved.reduce((s, r) => s + runBytes(r), 0)) })];
  const unsaved = finished.filter((run) => !run.saved && run.problem);
  if (unsaved.length) {
    lines.push(fill(WORDS.runs_unsaved, { numbers: unsaved.map((r) => `#${r.number}`).join("、"),
                                          reason: unsaved.at(-1).problem }));
  }
  return lines.join(" ");
}

/** {name, text}: the file of a kept run's network. */
function fileOfRun(run) {
  return { name: `lenet-network-${run.number}.json`,
           text: networkFileText(run.config, run.tensors, {
             engine: run.engine ?? "browser", state: run.state, epochs: run.epochs },
           run.snapshots ?? []) };
}

export function runKeeper(model) {
  let kept = null;  // the store, once open; null where refused
  let refused = null;  // why the browser keeps nothing
  let current = null;  // the run in progress, from its first epoch
  let initial = null;  // the weights the run in progress started from
  let writing = Promise.resolve();
  const records = new Map();  // key -> run, with its weights
  const byNumber = (number) => [...records.values()].find((run) => run.number === number);
  const show = () => model.set("history", [...records.values()]
    .filter((run) => run.state !== "running" && run.number !== null)
    .sort((a, b) => a.number - b.number).map(historyEntry));

  // Writes in order, each after the store opened.  One that fails marks
  // its run unsaved (the line says why) and leaves saving on.
  const opened = openRuns().then(({ store, refused: why }) => {
    if (why) throw why;
    kept = store;
  }).catch((error) => { refused = error; });
  const later = (work) => {
    const done = writing.then(() => opened).then(work);
    writing = done.catch((error) => console.warn("lenet: 保存历次运行时出错", error));
    return done;
  };
  const stored = (run) => storeRun(kept, run);
  // A run's number comes from the store, unique across tabs; the page's own
  // where nothing is kept.
  const numbered = async (run) => {
    if (run.number !== null) return;
    const local = () => Math.max(0, ...[...records.values()].map((r) => r.number ?? 0)) + 1;
    // Never below a number this page gave out itself (a run not stored).
    run.number = Math.max(kept ? await kept.number().catch(() => 0) : 0, local());
  };

  const added = (run, fresh) => {
    records.set(run.key, run);
    publish(TOPICS.trainedNetwork, networkOf(run, fresh));
  };
  const forgotten = (run) => {
    records.delete(run.key);
    publish(TOPICS.forgottenNetwork, { key: `trained-${run.number}` });
  };
  later(async () => {
    if (!kept) return show();
    for (const run of await kept.list()) {
      if (!run.epochs.length && !run.imported) {  // cut off before its first epoch
        await kept.remove(run.key);
        continue;
      }
      added({ ...run, saved: true }, false);
    }
    // Another tab kept or deleted a run.
    kept.listen(({ kept: key, removed }) => later(async () => {
      const run = records.get(key ?? removed);
      if (removed && run) forgotten(run);
      const found = key && run !== current ? await kept.get(key) : null;
      if (found) added({ ...found, saved: true }, false);
      show();
    }));
    show();
  }).catch((error) => { refused = error; show(); });

  return {
    /** The weights a new run starts from. */
    start(tensors) {
      initial = tensors;
    },
    /** The weights and history after an epoch of the run of `config`. */
    epoch(config, epochs, tensors) {
      current ??= { key: newKey(), number: null, config, state: "running",
                    engine: "browser", saved: false, problem: null,
                    snapshots: initial ? [initial] : [] };
      current.snapshots = [...current.snapshots, tensors];
      Object.assign(current, { epochs, tensors, time: Date.now() });
      const run = current;
      records.set(run.key, run);
      later(() => numbered(run).then(() => stored(run)));
    },
    /** The run ended (done, stopped, diverged); `tensors`: its weights.
     * 历次运行 shows it once it has its number. */
    finished(state, epochs, tensors) {
      const run = current;
      current = null;
      initial = null;
      if (!run || !epochs.length) return;
      Object.assign(run, { state, epochs, tensors: tensors ?? run.tensors });
      keepOnce(run);
      later(async () => {
        await numbered(run);
        show();
        publish(TOPICS.trainedNetwork, networkOf(run, true));
        await stored(run);
        show();  // the line: kept, or why not
      });
    },
    remove(number) {
      const run = byNumber(number);
      if (!run) return;
      forgotten(run);
      show();
      later(async () => {
        if (kept && run.saved) await kept.remove(run.key).catch((error) => {
          console.warn("lenet: 没能删除", error);
        });
      });
    },
    clear() {
      for (const run of [...records.values()]) {
        if (run.state !== "running") this.remove(run.number);
      }
    },
    /** {name, text}: the file of run `number`'s network. */
    fileOf: (number) => fileOfRun(byNumber(number)),
    /** Keep the network of a file (`name` as shown, lenet_link.shownName)
     * as one more run: {number, problem} once it is stored (problem: why it
     * is not, in words).  A file that is not a network throws
     * (lenet_network_file.js) and changes nothing. */
    async importFile(name, text) {
      const run = importedRun(name, text);
      await later(async () => {
        await numbered(run);
        records.set(run.key, run);
        show();
        publish(TOPICS.trainedNetwork, networkOf(run, true));
        await stored(run);
        show();
      });
      return { number: run.number,
               problem: kept ? run.problem : WORDS.storage_problems.refused };
    },
    /** What the page keeps, in a line. */
    line() {
      if (refused) return refusedWords();
      if (!kept) return "";
      return keptLine(records);
    },
    /** Wait until what was asked is written (the tests read the store). */
    settled: () => opened.then(() => writing),
  };

  function refusedWords() {
    return fill(WORDS.runs_not_kept, { error: refused?.message || refused?.name });
  }
}
