// Downloads with progress, for the training worker: each file fetched as a
// stream so the page can show bytes as they arrive, a stop that aborts
// them, and files that arrived whole kept for the next attempt, so that
// 训练 after a cut-off line fetches only what is missing.

/** A set of files to download; `expected` maps each URL to its bytes (as
 * the contract gives them), for the total. */
export function downloads(expected) {
  const done = new Map();  // url -> Uint8Array, kept across attempts
  const total = Object.values(expected).reduce((a, b) => a + b, 0);

  async function fetchOne(url, signal, arrived) {
    const response = await fetch(url, { signal });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const reader = response.body.getReader();
    const parts = [];
    for (;;) {
      const { done: finished, value } = await reader.read();
      if (finished) break;
      parts.push(value);
      arrived(value.length);
    }
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
    done.set(url, bytes);
    return bytes;
  }

  /** The bytes of every URL of `urls`, fetched at once; `onProgress(loaded,
   * total)` as they arrive (files kept from an earlier attempt count as
   * loaded).  Rejects on the first failure or when `signal` aborts. */
  async function fetchAll(urls, signal, onProgress) {
    const kept = () => [...done.keys()].reduce((n, url) => n + (expected[url] ?? 0), 0);
    let moving = 0;
    const arrived = (n) => {
      moving += n;
      onProgress(Math.min(total, kept() + moving), total);
    };
    const fetched = await Promise.all(urls.map(async (url) => {
      if (done.has(url)) return done.get(url);
      const bytes = await fetchOne(url, signal, arrived);
      moving -= bytes.length;
      return bytes;
    }));
    onProgress(kept(), total);
    return Object.fromEntries(urls.map((url, i) => [url, fetched[i]]));
  }

  return { fetchAll, total };
}

/** A gzip file's bytes, unpacked (the shipped images are gzipped so that
 * any server will do). */
export async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
