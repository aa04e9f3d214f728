"""Fetch one file from a list of mirrors, never leaving a half-written file.

The file is streamed to a temporary name next to its destination, checked by
the caller's `verify`, and only then renamed into place.  A mirror that fails
(no connection, timeout, dropped connection, wrong content) is reported and
the next one is tried.
"""
import http.client
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

from tqdm.auto import tqdm

CHUNK_BYTES = 1 << 16


class DownloadError(OSError):
    """No mirror gave a file that passed verification."""


class IncompleteDownloadError(OSError):
    """The connection ended before the announced number of bytes arrived."""


def _stream_to(url, part_path, timeout, progress, label):
    """Write the body of `url` to `part_path`; return the number of bytes."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        announced = response.headers.get("Content-Length")
        total = int(announced) if announced else None
        received = 0
        with open(part_path, "wb") as out, tqdm(
                total=total, unit="B", unit_scale=True, unit_divisor=1024,
                desc=label, disable=not progress, leave=False) as bar:
            while True:
                try:
                    chunk = response.read(CHUNK_BYTES)
                except http.client.IncompleteRead as err:
                    raise IncompleteDownloadError(
                        "connection closed after"
                        f" {received + len(err.partial)}"
                        f" of {total} bytes") from err
                if not chunk:
                    break
                out.write(chunk)
                received += len(chunk)
                bar.update(len(chunk))
    if total is not None and received != total:
        raise IncompleteDownloadError(
            f"connection closed after {received} of {total} bytes")
    return received


def _worth_retrying(err):
    """Network trouble may pass; a 4xx answer or bad content will not."""
    if isinstance(err, urllib.error.HTTPError):
        return err.code >= 500
    return isinstance(err, (urllib.error.URLError, IncompleteDownloadError,
                            TimeoutError, ConnectionError))


# Seconds between two tries of one URL (the tests make it short).
RETRY_PAUSE = 1.0


def fetch_verified(urls, destination, verify, timeout=30.0, retries=2,
                   progress=True, retry_pause=None):
    """Download the first of `urls` whose content passes `verify(path)`.

    `verify` raises on bad content.  Each URL is tried up to `retries` times
    when the failure looks temporary.  Returns the URL used; raises
    `DownloadError` listing every attempt when none worked.
    """
    destination = Path(destination)
    # Hidden, and keeps the destination's suffix so `verify` can tell .gz.
    part_path = destination.with_name(
        f".part-{os.getpid()}-{destination.name}")
    failures = []
    for url in urls:
        for attempt in range(1, retries + 1):
            try:
                size = _stream_to(url, part_path, timeout, progress,
                                  destination.name)
                verify(part_path)
                os.replace(part_path, destination)
                print(f"  {destination.name}: {size / 1e6:.1f} MB from {url}")
                return url
            except Exception as err:  # noqa: BLE001 - reported below
                failures.append(f"{url} (try {attempt}): {err}")
                if not _worth_retrying(err):
                    break
                if attempt < retries:
                    time.sleep(RETRY_PAUSE if retry_pause is None
                               else retry_pause)
            finally:
                # Whatever happened, no partial file is left to be trusted.
                part_path.unlink(missing_ok=True)
    raise DownloadError(
        f"下载 {destination.name} 失败 / could not download"
        f" {destination.name}:\n  " + "\n  ".join(failures))
