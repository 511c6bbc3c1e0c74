"""Write a file atomically: temporary file, fsync, rename (private); read an input file.

Readers see the old file or the new one, never a half-written one; a failure
(an exception in the writer, a full disk) leaves the target untouched and
removes the temporary file. Temporary files are named ``.NAME.PID.RANDOM.tmp``;
those a killed writer left behind (its process is gone) are removed by the next
write to the same path. Network files, exports and pictures all go through here.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO

from wenming.errors import FileAccessError

__all__ = ["atomic_write", "fs_path", "open_regular", "read_input", "remove_stale_temporaries"]


def fs_path(path: str | os.PathLike[str], doing: str = "use") -> Path:
    r"""``path`` as a :class:`~pathlib.Path` the file system can take, or a clear error.

    A ``str`` path with a lone surrogate (``"\ud800"``, or a mis-decoded name)
    cannot be encoded for the system: every file call on it raises a bare
    ``UnicodeEncodeError``. This turns that into :class:`FileAccessError`.

    Examples
    --------
    >>> fs_path("zy.json").name
    'zy.json'
    >>> fs_path("\ud800.json", "read")
    Traceback (most recent call last):
    ...
    wenming.errors.FileAccessError: '\ud800.json': cannot read the file: the name has a ...
    """
    if not isinstance(path, str | os.PathLike):
        raise FileAccessError(
            None, f"cannot {doing} the file: {path!r:.60} is not a path", repr(path)[:60]
        )
    try:
        encoded = os.fsencode(path)
    except UnicodeEncodeError as exc:
        name = os.fspath(path)
        bad = name[exc.start] if isinstance(name, str) else "?"
        raise FileAccessError(
            None,
            f"cannot {doing} the file: the name has a character ({bad!a}) that this "
            "file system cannot encode",
            ascii(name) if isinstance(name, str) else str(name),
        ) from None
    except TypeError:  # a PathLike that gives something else than text or bytes
        raise FileAccessError(
            None, f"cannot {doing} the file: {path!r:.60} is not a path", repr(path)[:60]
        ) from None
    if b"\0" in encoded:
        raise FileAccessError(
            None, f"cannot {doing} the file: the name has a NUL character", ascii(path)
        )
    return Path(path)


def read_input(path: str | os.PathLike[str]) -> bytes:
    """The bytes of an input file, or :class:`FileAccessError` naming why not.

    A character or block device (``/dev/zero``, ``/dev/urandom``, a disk) is
    never a wenming file: it is refused before a read that would not end, or
    would fill memory. Pipes and FIFOs (``<(zcat net.json.gz)``) are read.

    Examples
    --------
    >>> read_input("/dev/zero")
    Traceback (most recent call last):
    ...
    wenming.errors.FileAccessError: /dev/zero: cannot read the file: it is a device, not a file
    """
    file = fs_path(path, "read")

    def refuse_a_device(mode: int) -> None:
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            raise FileAccessError(
                None, "cannot read the file: it is a device, not a file", str(path)
            )

    try:
        refuse_a_device(os.stat(file).st_mode)  # before opening: opening a device can act
        with open(file, "rb") as handle:
            refuse_a_device(os.fstat(handle.fileno()).st_mode)  # what was opened, too
            return handle.read()
    except FileAccessError:
        raise
    except OSError as exc:
        raise FileAccessError(
            exc.errno, f"cannot read the file: {exc.strerror or exc}", str(path)
        ) from None


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a regular file for reading, or :class:`FileAccessError` naming why not.

    A folder, FIFO or device is refused, and opening never blocks (a FIFO
    without a writer would): for files whose size is known in advance, unlike
    :func:`read_input`, which reads pipes on purpose. A missing file keeps
    ``errno`` ``ENOENT``.

    Examples
    --------
    >>> open_regular("/dev/null")
    Traceback (most recent call last):
    ...
    wenming.errors.FileAccessError: /dev/null: cannot read the file: not a regular file ...
    """
    file = fs_path(path, "read")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(file, flags)
    except OSError as exc:
        raise FileAccessError(
            exc.errno, f"cannot read the file: {exc.strerror or exc}", str(path)
        ) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FileAccessError(
                None,
                "cannot read the file: not a regular file (a folder, FIFO or device)",
                str(path),
            )
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def atomic_write(path: str | os.PathLike[str], write: Callable[[BinaryIO], None]) -> Path:
    """Call ``write(handle)`` on a temporary file next to ``path``, then rename it over ``path``.

    Raises
    ------
    FileAccessError
        The folder cannot be written (an ``OSError`` too). Whatever ``write``
        raises propagates, and ``path`` is left as it was.
    """
    target = fs_path(path, "write")
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        mode = 0o644
    tmp_name: str | None = None
    remove_stale_temporaries(target)
    try:
        fd, tmp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp"
        )
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
        tmp_name = None
        with suppress(OSError):
            folder = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
    except OSError as exc:
        if isinstance(exc, FileAccessError):
            raise
        raise FileAccessError(
            exc.errno, f"cannot write the file: {exc.strerror or exc}", str(path)
        ) from None
    finally:
        if tmp_name is not None:
            with suppress(OSError):
                os.unlink(tmp_name)
    return target


_TEMPORARY = re.compile(r"(\d+)\.[a-z0-9_]{8}\.tmp(?:-wal|-shm|-journal)?")
"""What follows ``.NAME.`` in a temporary file's name: the writer's process id, 8
random characters (:func:`tempfile.mkstemp`'s, or a new ledger's 8 hex digits), and
``.tmp`` — exactly, so that ``.net.20240301.PID.x.tmp`` (a write to ``net.20240301``) is
never taken for a temporary of ``net`` written by process 20240301."""


def remove_stale_temporaries(target: Path) -> None:
    """Remove temporary files of earlier writes to ``target`` whose writer is gone.

    A writer killed by SIGKILL cannot clean up. One of a live process (another
    write under way) is left alone. Temporary names are ``.NAME.PID.….tmp``, and
    SQLite's companions of a temporary ledger (``….tmp-wal``, ``….tmp-shm``,
    ``….tmp-journal``) go with them.
    """
    prefix = f".{target.name}."
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        match = _TEMPORARY.fullmatch(name, len(prefix)) if name.startswith(prefix) else None
        if match is None:
            continue
        pid = int(match.group(1))
        if pid == os.getpid() or _process_alive(pid):
            continue
        with suppress(OSError):
            os.unlink(target.parent / name)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # exists but is not ours, or cannot be asked: leave it
    return True
