// Downloads with progress, for the training worker: each file fetched as a
// stream so the page can show bytes as they arrive, a stop that aborts
// them, and files that arrived whole kept for the next attempt, so that
// 训练 after a cut-off line fetches only what is missing.

/** A problem the page words with the contract's message `message`
 * (lenet_format.say) and `details`. */
export class WordedError extends Error {
  constructor(message, details) {
    super(`${message}: ${JSON.stringify(details)}`);
    this.worded = { message, details };
  }
}

/** The file's name, for a message: .../train-images.u8.gz -> train-images.u8.gz */
export const fileName = (url) => new URL(url).pathname.split("/").pop();

/** A set of files to download; `expected` maps each URL to its bytes (as
 * the contract gives them), for the total. */
export function downloads(expected) {
  const done = new Map();  // url -> Uint8Array, kept across attempts
  const total = Object.values(expected).reduce((a, b) => a + b, 0);

  async function fetchOne(url, signal, arrived) {
    const response = await fetch(url, { signal });
    if (!response.ok) {
      throw new WordedError("file_missing", { file: fileName(url), status: response.status });
    }
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

  /** Drop a file that arrived but is no use (corrupt): the next attempt
   * fetches it again. */
  const forget = (url) => done.delete(url);

  return { fetchAll, forget, total };
}

/** A gzip file's bytes, unpacked (the shipped images are gzipped so that
 * any server will do).  A server that sends them with Content-Encoding:
 * gzip has the browser unpack them already: bytes without gzip's magic
 * number are taken as they are.  A file that does not unpack is named. */
export async function gunzip(bytes, url) {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new WordedError("data_corrupt", { file: fileName(url), error: "解压失败" });
  }
}
