"""The one way this package writes a file that must never be seen half-written (a checkpoint,
run.json, the tokenizer, a cached feature array): written to a temporary name in the same folder,
flushed and fsynced, renamed over the target (os.replace is atomic on one filesystem), then the
folder fsynced so the rename itself survives a power cut. A failed write removes its temporary
file and leaves the old target as it was. Standard library only: the recipe runs where no
package beyond torch can be installed (the studio's side is src/core/fsAtomic.ts)."""
from __future__ import annotations

import os
from typing import BinaryIO, Callable


def fsync_dir(folder: str) -> None:
    """fsync a folder (its entries); a no-op where folders cannot be opened (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # the rename itself is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: str, write: Callable[[BinaryIO], object]) -> None:
    """Calls write(f) on a temporary binary file beside `path`, then puts it in place atomically.
    The temporary name carries the process id, so DataLoader workers writing the same file do not
    collide (the last rename wins, and every version is complete)."""
    folder = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    fsync_dir(folder)
