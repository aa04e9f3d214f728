"""Files the package writes: whole or not at all."""
import json
import os
import tempfile
from pathlib import Path


def write_json_atomically(path, data):
    """Write `data` as JSON next to `path`, then rename it into place, so a
    reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
            out.write("\n")
        os.chmod(tmp, 0o644)  # mkstemp's 0600 is for half-written files
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
