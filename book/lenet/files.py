"""Files the package writes: whole or not at all, with the mode `open()`
would give them, and a message in Chinese that names the reader's path
when one cannot be written."""
import errno
import json
import os
import secrets
from pathlib import Path

from .messages import say


class SaveError(OSError):
    """A file that was not written; the message says why, in Chinese, and
    nothing of it was left behind."""


# What an OS error means, in the reader's words (the system's text follows).
_REASONS = {errno.EACCES: "没有写入这里的权限", errno.EPERM: "没有写入这里的权限",
            errno.EROFS: "这个地方只能读，不能写", errno.ENOSPC: "磁盘已满",
            errno.EDQUOT: "超出了磁盘配额"}


def _reason(error):
    words = _REASONS.get(error.errno)
    system = error.strerror or str(error)
    return f"{words}（{system}）" if words else system


def _target(path):
    """Where `path` writes: through a symbolic link, as open() would."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def write_text_atomically(path, text):
    """Write `text` (UTF-8) to a hidden file beside `path`, then rename it
    into place, so a reader never sees half a file; a SaveError says why
    not."""
    path = Path(path)
    target = _target(path)
    if target.is_dir():
        raise SaveError(say("save_is_folder", path=path,
                            example=path / "network.json"))
    if not target.parent.is_dir():
        raise SaveError(say("save_no_folder", path=path,
                            folder=target.parent))
    part = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        # 0o666 less the umask, as open() gives a new file.
        handle = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(part, target)
    except OSError as error:
        part.unlink(missing_ok=True)
        raise SaveError(say("save_failed", path=path,
                            reason=_reason(error))) from error
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return path


def write_json_atomically(path, data):
    """Write `data` as JSON at `path` (its folders made), whole or not at
    all."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(path, json.dumps(data, ensure_ascii=False,
                                           indent=1) + "\n")


def read_recorded_json(path, how, error=ValueError):
    """The JSON a recording script (`how`) wrote at `path`; `error` says
    in Chinese how to make it again when it cannot be read."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise error(f"无法读取 {path}（{err}）。请运行 {how} 重新生成 /"
                    " cannot read it: regenerate it") from None
