// The static page's runs as 历次运行 holds them, kept in the browser
// (lenet_store.js): each run from its first finished epoch to its end,
// with its weights, so the list and the viewer's networks come back after
// a reload.  The trained-network viewer hears of each network over the
// channel, and of each one the reader deletes.  A run's network is saved
// as a file, and a file imported is kept as one more run.

import { describe } from "../lenet_architecture.js";
import { publish, TOPICS } from "../lenet_channel.js";
import { ARCH_FIELDS, ENGINES, WORDS } from "../lenet_contract.js";
import { fill } from "../lenet_format.js";
import { networkFileText, readNetworkFile } from "../lenet_network_file.js";
import { openRuns, runBytes } from "../lenet_store.js";

const archOf = (config) => Object.fromEntries(ARCH_FIELDS.map((field) => [field, config[field]]));

const sizeText = (bytes) => (bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} KB`
  : `${(bytes / 1e6).toFixed(1)} MB`);

/** A kept run as a row of 历次运行. */
function historyEntry(run) {
  const { epochs, config } = run;
  return {
    number: run.number, id: run.id, description: describe(config), config, epochs,
    num_epochs: config.num_epochs, final_test_acc: epochs.at(-1)?.test_acc ?? null,
    seconds: epochs.reduce((sum, e) => sum + e.seconds, 0),
    stopped: run.state === "stopped", state: run.state, engine: run.engine ?? "browser",
    imported: run.imported ?? null,
  };
}

export function runKeeper(model) {
  let kept = null;  // the store, once open; null where refused
  let problem = null;  // why runs are not kept
  let current = null;  // the run in progress, from its first epoch
  let writing = Promise.resolve();
  const records = new Map();  // number -> run, with its weights
  const later = (work) => {
    writing = writing.then(work).catch((error) => {
      problem = error;
      kept = null;
      model.set("history", [...model.get("history")]);  // redraw the line
    });
    return writing;
  };

  const networkOf = (run, fresh) => {
    const testAcc = run.epochs.at(-1)?.test_acc ?? null;
    return {
      fresh, key: `trained-${run.number}`, arch: archOf(run.config),
      tensors: run.tensors, test_acc: testAcc,
      label: fill(WORDS[run.imported ? "imported_network" : "trained_network"], {
        number: run.number, engine: ENGINES[run.engine ?? "browser"],
        file: run.imported, test_acc: testAcc === null ? WORDS.unknown_accuracy
          : testAcc.toFixed(4) }) };
  };
  const show = () => model.set("history", [...records.values()]
    .filter((run) => run.state !== "running").map(historyEntry));
  const nextNumber = () => Math.max(0, ...records.keys()) + 1;

  const opened = openRuns().then(async ({ store, refused }) => {
    if (refused) throw refused;
    for (const run of await store.list()) {
      if (!run.epochs.length && !run.imported) {  // cut off before its first epoch
        await store.remove(run.id);
        continue;
      }
      records.set(run.number, run);
      publish(TOPICS.trainedNetwork, networkOf(run, false));
    }
    kept = store;
    show();
  }).catch((error) => {
    problem = error;
    show();
  });

  return {
    /** The weights and history after an epoch of the run of `config`. */
    epoch(config, epochs, tensors) {
      if (!current) {
        current = { number: nextNumber(), config, state: "running", engine: "browser",
                    saved: Date.now() };
        records.set(current.number, current);
      }
      Object.assign(current, { epochs, tensors, saved: Date.now() });
      const run = current;
      later(() => opened.then(async () => {
        if (!kept) return;
        const { id, ...record } = run;
        if (id === undefined) run.id = await kept.add(record);
        else await kept.put({ id, ...record });
      }));
    },
    /** The run ended (done, stopped, diverged); `tensors`: its weights. */
    finished(state, epochs, tensors) {
      const run = current;
      current = null;
      if (!run || !epochs.length) return;
      Object.assign(run, { state, epochs, tensors: tensors ?? run.tensors });
      show();
      publish(TOPICS.trainedNetwork, networkOf(run, true));
      later(() => opened.then(() => kept && run.id !== undefined && kept.put({ ...run })));
    },
    remove(number) {
      const run = records.get(number);
      records.delete(number);
      show();
      publish(TOPICS.forgottenNetwork, { key: `trained-${number}` });
      later(() => opened.then(() => kept && run?.id !== undefined && kept.remove(run.id)));
    },
    clear() {
      for (const number of [...records.keys()]) {
        if (records.get(number).state !== "running") this.remove(number);
      }
    },
    /** {name, text}: the file of run `number`'s network. */
    fileOf(number) {
      const run = records.get(number);
      return { name: `lenet-network-${number}.json`,
               text: networkFileText(run.config, run.tensors, {
                 engine: run.engine ?? "browser", state: run.state, epochs: run.epochs }) };
    },
    /** Keep the network of a file as one more run; its number.  A file
     * that is not a network throws (lenet_network_file.js) and changes
     * nothing. */
    async importFile(name, text) {
      const { config, tensors, run: trained } = readNetworkFile(text);
      const run = { number: nextNumber(), config, tensors, imported: name, saved: Date.now(),
                    ...trained };
      records.set(run.number, run);
      show();
      publish(TOPICS.trainedNetwork, networkOf(run, true));
      later(() => opened.then(async () => {
        if (kept) run.id = await kept.add({ ...run });
      }));
      return run.number;
    },
    /** What the page keeps, in a line. */
    line() {
      if (problem) {
        return fill(WORDS.runs_not_kept, { error: problem.message || problem.name });
      }
      if (!kept) return "";
      const finished = [...records.values()].filter((run) => run.state !== "running");
      return fill(WORDS.runs_kept, {
        count: finished.length, size: sizeText(finished.reduce((s, r) => s + runBytes(r), 0)) });
    },
    /** Wait until what was asked is written (the tests read the store). */
    settled: () => opened.then(() => writing),
  };
}
