"""A ledger in one SQLite file: durable, shared by several processes, tamper-evident.

The only module of wenming that imports :mod:`sqlite3`.

- **One transaction per write.** Every append or batch is one ``BEGIN IMMEDIATE``
  … ``COMMIT``; a crash at any point leaves the file with all of it or none.
- **Several writers.** ``BEGIN IMMEDIATE`` takes the file's write lock before the
  ledger reads what it checks, so two processes never both spend the same points
  or take the same last item. A writer that finds the file locked waits (the
  busy timeout) and retries a bounded number of times, then raises
  :class:`~wenming.points.errors.LedgerBusyError` having written nothing.
- **Maintained balances.** A ``balances`` table is updated in the same
  transaction as the entries, so a balance query reads one row.
- **A hash chain.** Each entry row stores the SHA-256 of its sequence number, its
  canonical content and the previous row's hash; the head (count and last hash)
  is recorded too. :meth:`wenming.points.Ledger.verify` recomputes them all.
- **WAL** journal; ``synchronous=FULL`` by default, so a committed write survives
  a power cut too (``"normal"`` survives a crashed process, not a power cut).
- **Versioned.** The file's ``application_id`` marks it as a wenming ledger and
  its ``user_version`` is the schema version: a newer file or a file that is not
  a ledger fails to open with a clear message.

Examples
--------
>>> import datetime as dt, pathlib, tempfile
>>> from wenming.points import Ledger, conduct_card
>>> path = pathlib.Path(tempfile.mkdtemp()) / "village.ledger"
>>> at = dt.datetime(2024, 3, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
>>> with Ledger.create(path, conduct_card()) as ledger:
...     _ = ledger.open_account("hh-017", at=at, operator="clerk-li")
>>> with Ledger.open(path) as ledger:
...     print(ledger.balance("hh-017"), len(ledger), ledger.verify())
100 1 ()
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from hashlib import sha256
from pathlib import Path
from typing import Any, Literal, TypeAlias, TypeVar

from wenming._atomic import fs_path, remove_stale_temporaries
from wenming.errors import FileAccessError, FormatError, InvariantError, VersionError, quote
from wenming.points.accounts import Account, Household, Member
from wenming.points.entries import Entry, Reverse, canonical_bytes, entry_from_dict
from wenming.points.errors import LedgerBusyError, LedgerFileError
from wenming.points.schemes import PointsScheme
from wenming.points.shop import Item, StockLine
from wenming.points.store import (
    GENESIS,
    WRITE_IN_READ,
    KeyClash,
    LedgerTransaction,
    LedgerView,
    Posted,
    chunks,
)

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "SqliteStore", "Synchronous"]

T = TypeVar("T")

Synchronous: TypeAlias = Literal["off", "normal", "full"]
"""SQLite's ``synchronous`` setting: ``"full"`` (default) survives power cuts."""

APPLICATION_ID = 0x574D4C47  # "WMLG"
"""The SQLite ``application_id`` that marks a file as a wenming ledger."""

SCHEMA_VERSION = 1
"""The schema version this wenming writes (the file's ``user_version``)."""

_CHUNK = 900  # keys per "IN (...)" query, under SQLite's oldest variable limit (999)

SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    holder_type TEXT NOT NULL,
    opened TEXT NOT NULL
);
CREATE TABLE entries (
    seq INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    points INTEGER NOT NULL,
    reverses TEXT,
    body TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX entries_account ON entries (account, seq);
CREATE UNIQUE INDEX entries_reverses ON entries (reverses) WHERE reverses IS NOT NULL;
CREATE TABLE balances (account TEXT PRIMARY KEY, balance INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE items (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    price INTEGER NOT NULL,
    stock INTEGER NOT NULL CHECK (stock >= 0)
) WITHOUT ROWID;
CREATE TABLE households (id TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
"""

_TABLES = frozenset({"meta", "accounts", "entries", "balances", "items", "households"})


def _busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def _access(exc: sqlite3.Error) -> bool:
    """True if the file cannot be read or written (not that its content is damaged)."""
    text = str(exc).lower()
    words = ("readonly", "read-only", "disk", "full", "unable to open")
    return isinstance(exc, sqlite3.OperationalError) and any(word in text for word in words)


def _connect(path: Path, *, create: bool, timeout: float) -> sqlite3.Connection:
    mode = "rwc" if create else "rw"
    uri = f"{path.absolute().as_uri()}?mode={mode}"
    return sqlite3.connect(
        uri, uri=True, isolation_level=None, timeout=timeout, check_same_thread=False
    )


def _pragmas(conn: sqlite3.Connection, synchronous: Synchronous) -> None:
    if synchronous not in ("off", "normal", "full"):
        raise ValueError(f"synchronous must be 'off', 'normal' or 'full', not {synchronous!r}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous.upper()}")
    conn.execute("PRAGMA foreign_keys=OFF")


class SqliteStore:
    """A ledger store in one SQLite file (use :meth:`create` or :meth:`open`).

    Parameters
    ----------
    conn : sqlite3.Connection
        An open connection to a checked ledger file (private; use the constructors).
    path : pathlib.Path
        The file.
    scheme : PointsScheme
        The scheme recorded in the file.
    retries : int
        How many times a write is tried while other writers hold the file.
    """

    def __init__(
        self, conn: sqlite3.Connection, path: Path, scheme: PointsScheme, *, retries: int = 8
    ) -> None:
        self._conn = conn
        self._path = path
        self._scheme = scheme
        self._retries = retries
        self._lock = threading.RLock()
        # The read or write this thread is inside (held with the lock), and how many
        # writes are nested in it: a read or write called from inside joins it.
        self._mode: str | None = None
        self._depth = 0

    # ------------------------------------------------------------ constructors

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        scheme: PointsScheme,
        *,
        synchronous: Synchronous = "full",
        timeout: float = 5.0,
        fill: Callable[[SqliteStore], object] | None = None,
    ) -> SqliteStore:
        """Create a new ledger file for ``scheme``; an existing file is never overwritten.

        The file is built under a temporary name in the same folder and linked
        into place in one step, so a crash leaves no half-made ledger behind.
        ``fill``, when given, writes the first contents in the same way: it is
        called with the store of the temporary file (committing without waiting
        for the disk; the file is synced once, when ``fill`` returns), and the
        file appears at ``path`` only if it returns. A creation killed or failed
        half-way leaves nothing at ``path``; what it left beside it is cleared
        by the next creation or opening of ``path``.

        Raises
        ------
        FileAccessError
            If ``path`` exists or the folder cannot be written.
        """
        target = fs_path(path, "create")
        remove_stale_temporaries(target)  # of a creation killed before it could clean up
        if target.exists():
            raise FileAccessError(17, "already exists; a ledger is never overwritten", str(path))
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{random.getrandbits(32):08x}.tmp")
        try:
            conn = _connect(tmp, create=True, timeout=timeout)
            try:
                _pragmas(conn, synchronous)
                conn.execute("BEGIN IMMEDIATE")
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                meta = {
                    "format": "wenming-ledger",
                    "scheme": json.dumps(scheme.to_dict(), ensure_ascii=False, sort_keys=True),
                    "head_seq": "0",
                    "head_hash": GENESIS,
                }
                conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
                conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                conn.execute("COMMIT")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
            if fill is not None:
                store = cls.open(tmp, synchronous="normal", timeout=timeout)
                try:
                    fill(store)
                finally:
                    store.close()  # the last connection: the log goes into the file, synced
                log = Path(f"{tmp}-wal")
                if log.exists() and log.stat().st_size:
                    raise FileAccessError(None, "its log was not written back", str(tmp))
            os.link(tmp, target)  # fails if someone created the target meanwhile
        except FileExistsError:
            raise FileAccessError(
                17, "already exists; a ledger is never overwritten", str(path)
            ) from None
        except (OSError, sqlite3.Error) as exc:  # named for the caller's path, not ours
            reason = exc.strerror if isinstance(exc, FileAccessError) else str(exc)
            if not str(reason).startswith("cannot "):
                reason = f"cannot create the ledger: {reason}"
            raise FileAccessError(getattr(exc, "errno", None), reason, str(path)) from None
        finally:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                with contextlib.suppress(OSError):
                    leftover.unlink()
        return cls.open(target, synchronous=synchronous, timeout=timeout)

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        synchronous: Synchronous = "full",
        timeout: float = 5.0,
        retries: int = 8,
    ) -> SqliteStore:
        """Open an existing ledger file.

        Raises
        ------
        FileAccessError
            If the file does not exist or cannot be read.
        LedgerFileError
            If it is not a wenming ledger, or it is damaged.
        VersionError
            If a newer wenming wrote it, in a schema this one cannot read.
        """
        target = fs_path(path, "open")
        source = str(path)
        # A creation killed between linking the file into place and removing its
        # temporary name left a second name of this very file: clear it away.
        remove_stale_temporaries(target)
        if not target.is_file():
            raise FileAccessError(2, "no such ledger file", source)
        try:
            conn = _connect(target, create=False, timeout=timeout)
        except sqlite3.Error as exc:
            raise FileAccessError(None, f"cannot open the ledger: {exc}", source) from None
        try:
            try:
                app_id = conn.execute("PRAGMA application_id").fetchone()[0]
                version = conn.execute("PRAGMA user_version").fetchone()[0]
            except sqlite3.DatabaseError:
                raise LedgerFileError(
                    "is not a wenming ledger (not a SQLite database at all)", source=source
                ) from None
            if app_id != APPLICATION_ID:
                raise LedgerFileError(
                    "is a SQLite database but not a wenming ledger", source=source
                )
            if version > SCHEMA_VERSION:
                raise VersionError(
                    [
                        f"ledger schema version {version} was written by a newer wenming; "
                        f"this one reads up to version {SCHEMA_VERSION}: upgrade wenming"
                    ],
                    source=source,
                )
            if version < 1:
                raise LedgerFileError("is a damaged ledger (no schema version)", source=source)
            try:
                _pragmas(conn, synchronous)
                tables = {
                    row[0]
                    for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
                }
                missing = _TABLES - tables
                if missing:
                    raise LedgerFileError(
                        f"is a damaged ledger (missing tables: {', '.join(sorted(missing))})",
                        source=source,
                    )
                row = conn.execute("SELECT value FROM meta WHERE name='scheme'").fetchone()
            except sqlite3.DatabaseError as exc:
                if _busy(exc):
                    raise LedgerBusyError(path=source, attempts=1) from None
                if _access(exc):
                    raise FileAccessError(None, f"cannot open the ledger: {exc}", source) from None
                raise LedgerFileError(f"is a damaged ledger ({exc})", source=source) from None
            except UnicodeDecodeError:  # a damaged page read back as text
                raise LedgerFileError(
                    "is a damaged ledger (its schema is not readable text)", source=source
                ) from None
            if row is None or not isinstance(row[0], str):
                raise LedgerFileError("is a damaged ledger (no scheme recorded)", source=source)
            try:
                scheme = PointsScheme.from_dict(json.loads(row[0]), source=source)
            except (ValueError, FormatError) as exc:
                raise LedgerFileError(
                    f"is a damaged ledger (its scheme cannot be read: {exc})", source=source
                ) from None
            except RecursionError:
                raise LedgerFileError(
                    "is a damaged ledger (its scheme is nested too deeply)", source=source
                ) from None
        except BaseException:
            conn.close()
            raise
        return cls(conn, target, scheme, retries=retries)

    @property
    def path(self) -> Path:
        """The ledger file."""
        return self._path

    def close(self) -> None:
        """Close the connection (committed writes are already on disk)."""
        with self._lock:
            self._conn.close()

    # ------------------------------------------------------------ transactions

    def read(self, work: Callable[[LedgerView], T]) -> T:
        """Run ``work`` over one consistent snapshot of the file."""
        return self._run(work, "BEGIN")

    def write(self, work: Callable[[LedgerTransaction], T]) -> T:
        """Run ``work`` in one ``BEGIN IMMEDIATE`` transaction, retrying while the file is busy.

        A retry runs ``work`` again from the start (after rolling back), so ``work``
        should have no effect outside the ledger. Called from inside another write
        of this thread, it joins it (a savepoint); from inside a read, it raises
        :class:`~wenming.errors.InvariantError`.
        """
        return self._run(work, "BEGIN IMMEDIATE")

    def _run(self, work: Callable[[_SqliteTxn], T], begin: str) -> T:
        conn = self._conn
        delay = 0.01
        with self._lock:
            if self._mode is not None:
                try:
                    return self._nested(work, write=begin != "BEGIN")
                except (LedgerFileError, UnicodeEncodeError, sqlite3.Error) as exc:
                    raise self._translated(exc) from None
            for attempt in range(1, self._retries + 1):
                try:
                    try:
                        # BEGIN inside the try: an interruption just after it still
                        # rolls back, rather than leaving the file locked
                        self._mode = "read" if begin == "BEGIN" else "write"
                        conn.execute(begin)
                        result = work(_SqliteTxn(self))
                        if not conn.in_transaction:
                            raise self._rolled_back()
                        conn.execute("COMMIT")
                        return result
                    except BaseException:
                        if conn.in_transaction:
                            conn.execute("ROLLBACK")
                        raise
                    finally:
                        self._mode = None
                except sqlite3.Error as exc:
                    if not _busy(exc):
                        raise self._translated(exc) from None
                    if attempt == self._retries:
                        break
                    time.sleep(delay * (1 + random.random()))
                    delay = min(delay * 2, 1.0)
                except (LedgerFileError, UnicodeEncodeError) as exc:
                    raise self._translated(exc) from None
            raise LedgerBusyError(path=str(self._path), attempts=self._retries)

    def _translated(self, exc: Exception) -> Exception:
        """What a caller is told of ``exc``, raised in a read or write of this file."""
        if isinstance(exc, LedgerFileError):
            if exc.source is not None:
                return exc
            # a row that does not read back: name the file
            return LedgerFileError(exc.errors[0], source=str(self._path))
        if isinstance(exc, UnicodeEncodeError):
            if exc.reason != "surrogates not allowed" or not isinstance(exc.object, str):
                return exc  # not SQLite's: the caller's own
            # a key or text with a lone surrogate (what a non-UTF-8 byte in a
            # command-line argument becomes): SQLite cannot bind it
            return InvariantError(
                f"{quote(exc.object)}: text with a lone surrogate "
                f"({exc.object[exc.start]!a}) cannot be stored in or looked up "
                "in a ledger file"
            )
        if isinstance(exc, sqlite3.Error):
            return self._damaged(exc)
        return exc

    def _rolled_back(self) -> FileAccessError:
        """SQLite ended the whole transaction on an error (a full disk, an I/O error)."""
        return FileAccessError(
            None,
            "cannot write the ledger: SQLite rolled the write back after an error "
            "(a full disk, an I/O error); nothing of it is written",
            str(self._path),
        )

    def _nested(self, work: Callable[[_SqliteTxn], T], *, write: bool) -> T:
        """Run ``work`` inside the transaction this thread is in (a savepoint for a write)."""
        if not write:
            return work(_SqliteTxn(self))
        if self._mode == "read":
            raise InvariantError(WRITE_IN_READ)
        conn = self._conn
        if not conn.in_transaction:  # outside one, SAVEPOINT would start (and commit) its own
            raise self._rolled_back()
        self._depth += 1
        name = f"wenming_{self._depth}"
        try:
            conn.execute(f"SAVEPOINT {name}")
            try:
                result = work(_SqliteTxn(self))
            except BaseException:
                if conn.in_transaction:  # else SQLite has rolled back the whole write
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                raise
            conn.execute(f"RELEASE {name}")
            return result
        finally:
            self._depth -= 1

    def _damaged(self, exc: sqlite3.Error) -> Exception:
        if isinstance(exc, sqlite3.IntegrityError):
            return LedgerFileError(
                f"is inconsistent ({exc}); run 'wenming ledger verify' on it",
                source=str(self._path),
            )
        if _access(exc):
            return FileAccessError(None, f"cannot write the ledger: {exc}", str(self._path))
        return LedgerFileError(
            f"is a damaged ledger ({exc}); restore it from a backup", source=str(self._path)
        )


_HEX = frozenset("0123456789abcdef")


def _unreadable(what: str, exc: BaseException) -> LedgerFileError:
    """A row that does not read back as what wenming wrote: the file was edited or damaged."""
    return LedgerFileError(
        f"is a damaged ledger ({what} cannot be read: {exc}); run 'wenming ledger verify' on it"
    )


def _row_account(row: Sequence[Any]) -> Account:
    try:
        return Account(
            id=row[0], holder=row[1], holder_type=row[2], opened=dt.date.fromisoformat(row[3])
        )
    except (ValueError, TypeError) as exc:  # InvariantError is a ValueError
        raise _unreadable(f"account {str(row[0])[:40]!r}", exc) from None


def _load(body: object) -> Entry:
    """An entry from its stored body; :class:`LedgerFileError` if it is not one."""
    try:
        if not isinstance(body, str):
            raise TypeError(f"its body is {type(body).__name__}, not text")
        return entry_from_dict(json.loads(body))
    except LedgerFileError:
        raise
    except (ValueError, TypeError, RecursionError) as exc:  # FormatError is a ValueError
        raise _unreadable("an entry", exc) from None


def _balance_rows(rows: Iterable[Sequence[Any]]) -> dict[str, int]:
    balances: dict[str, int] = {}
    for account, balance in rows:
        if type(account) is not str or type(balance) is not int:
            raise _unreadable(
                f"the balance row {str(account)[:40]!r}",
                TypeError(f"{type(account).__name__} account, {type(balance).__name__} balance"),
            )
        balances[account] = balance
    return balances


def _is_hash(value: object) -> bool:
    """A hash as wenming writes it: 64 lowercase hex digits (the genesis one included)."""
    return isinstance(value, str) and len(value) == 64 and _HEX.issuperset(value)


class _SqliteTxn:
    """Reads and writes of one transaction on a :class:`SqliteStore`."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store
        self.conn = store._conn
        self.unreadable: list[str] = []

    def _in(self, sql: str, values: Iterable[str]) -> list[Any]:
        unique = list(values if isinstance(values, set | frozenset) else dict.fromkeys(values))
        rows: list[Any] = []
        for part in chunks(unique, _CHUNK):
            marks = ",".join("?" * len(part))
            rows.extend(self.conn.execute(sql.format(marks), part).fetchall())
        return rows

    # ------------------------------------------------------------------ reads

    def scheme(self) -> PointsScheme:
        return self.store._scheme

    def accounts(self, ids: Iterable[str]) -> dict[str, Account]:
        rows = self._in(
            "SELECT id, holder, holder_type, opened FROM accounts WHERE id IN ({})", ids
        )
        return {row[0]: _row_account(row) for row in rows}

    def all_accounts(self) -> list[Account]:
        rows = self.conn.execute(
            "SELECT id, holder, holder_type, opened FROM accounts ORDER BY rowid"
        )
        return [_row_account(row) for row in rows]

    def balances(self, ids: Iterable[str]) -> dict[str, int]:
        rows = self._in("SELECT account, balance FROM balances WHERE account IN ({})", ids)
        return _balance_rows(rows)

    def all_balances(self) -> dict[str, int]:
        return _balance_rows(self.conn.execute("SELECT account, balance FROM balances"))

    def entries_by_key(self, keys: Iterable[str]) -> dict[str, Entry]:
        rows = self._in("SELECT key, body FROM entries WHERE key IN ({})", keys)
        return {key: _load(body) for key, body in rows}

    def reversed_keys(self, keys: Iterable[str]) -> set[str]:
        rows = self._in("SELECT reverses FROM entries WHERE reverses IN ({})", keys)
        return {row[0] for row in rows}

    def account_entries(self, account: str) -> list[Entry]:
        rows = self.conn.execute(
            "SELECT body FROM entries WHERE account = ? ORDER BY seq", (account,)
        )
        return [_load(row[0]) for row in rows]

    def postings(self) -> Iterator[Posted]:
        rows = self.conn.execute(
            "SELECT seq, key, account, kind, points, reverses, body, prev_hash, hash "
            "FROM entries ORDER BY seq"
        )
        for seq, key, account, kind, points, reverses, body, prev_hash, hash_ in rows:
            try:
                if type(seq) is not int:
                    raise TypeError(f"its sequence number is {type(seq).__name__}")
                entry = _load(body)
            except (ValueError, TypeError) as exc:  # LedgerFileError is a ValueError
                self.unreadable.append(f"entry {seq!r:.40} ({key!r:.40}) cannot be read: {exc}")
                continue
            problems = []
            if not (_is_hash(prev_hash) and _is_hash(hash_)):
                problems.append("its hash fields are not hashes: it was edited outside wenming")
                prev_hash, hash_ = "?" * 64, "?" * 64
            expected = (
                entry.key,
                entry.account,
                entry.kind,
                entry.points,
                entry.reverses if type(entry) is Reverse else None,
            )
            if (key, account, kind, points, reverses) != expected:
                problems.append(
                    "its columns disagree with its content: it was edited outside wenming"
                )
            yield Posted(
                seq=seq, entry=entry, prev_hash=prev_hash, hash=hash_, problems=tuple(problems)
            )

    def head(self) -> tuple[int, str]:
        meta = dict(
            self.conn.execute(
                "SELECT name, value FROM meta WHERE name IN ('head_seq', 'head_hash')"
            )
        )
        seq, digest = meta.get("head_seq"), meta.get("head_hash")
        try:
            count = int(seq) if isinstance(seq, str) and seq.isascii() else -1
        except ValueError:
            count = -1
        if not 0 <= count < 2**62 or not _is_hash(digest):
            raise _unreadable(
                "the head of the hash chain", ValueError(f"{seq!r:.40}, {digest!r:.70}")
            )
        assert isinstance(digest, str)
        return count, digest

    def items(self, codes: Iterable[str]) -> dict[str, StockLine]:
        rows = self._in("SELECT code, name, price, stock FROM items WHERE code IN ({})", codes)
        return {row[0]: _stock(row) for row in rows}

    def all_items(self) -> list[StockLine]:
        rows = self.conn.execute("SELECT code, name, price, stock FROM items ORDER BY code")
        return [_stock(row) for row in rows]

    def households(self) -> list[Household]:
        rows = self.conn.execute("SELECT id, body FROM households ORDER BY id")
        return [_household(key, body) for key, body in rows]

    def store_problems(self) -> list[str]:
        problems = list(self.unreadable)
        result = [row[0] for row in self.conn.execute("PRAGMA quick_check")]
        if result != ["ok"]:
            problems.extend(f"SQLite integrity check: {line}" for line in result)
        return problems

    # ----------------------------------------------------------------- writes

    def _live(self) -> None:
        # In autocommit mode a statement outside a transaction commits on its own:
        # after SQLite has rolled the write back, nothing more may be written.
        if not self.conn.in_transaction:
            raise self.store._rolled_back()

    def add_account(self, account: Account) -> None:
        self._live()
        self.conn.execute(
            "INSERT INTO accounts (id, holder, holder_type, opened) VALUES (?, ?, ?, ?)",
            (account.id, account.holder, account.holder_type.value, account.opened.isoformat()),
        )
        self.conn.execute("INSERT INTO balances (account, balance) VALUES (?, 0)", (account.id,))

    def append(self, entries: Sequence[Entry]) -> None:
        self._live()
        seq, prev = self.head()
        rows: list[tuple[object, ...]] = []
        deltas: dict[str, int] = {}
        add_row = rows.append
        for entry in entries:
            seq += 1
            body = canonical_bytes(entry)
            digest = sha256(b"%s\n%d\n%s" % (prev.encode("ascii"), seq, body)).hexdigest()
            account = entry.account
            points = entry.points
            add_row(
                (
                    seq,
                    entry.key,
                    account,
                    entry.kind,
                    points,
                    entry.reverses if type(entry) is Reverse else None,
                    body.decode("utf-8"),
                    prev,
                    digest,
                )
            )
            deltas[account] = deltas.get(account, 0) + points
            prev = digest
        conn = self.conn
        conn.execute("SAVEPOINT append")
        try:
            conn.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        except sqlite3.IntegrityError as exc:
            if not conn.in_transaction:
                raise
            conn.execute("ROLLBACK TO append")
            conn.execute("RELEASE append")
            if "entries.key" in str(exc):
                raise KeyClash(str(exc)) from None
            raise
        conn.execute("RELEASE append")
        conn.executemany(
            "UPDATE balances SET balance = balance + ? WHERE account = ?",
            [(delta, account) for account, delta in deltas.items()],
        )
        conn.executemany(
            "UPDATE meta SET value = ? WHERE name = ?",
            [(str(seq), "head_seq"), (prev, "head_hash")],
        )

    def set_stock(self, item: Item, stock: int) -> None:
        self._live()
        self.conn.execute(
            "INSERT INTO items (code, name, price, stock) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (code) DO UPDATE SET name = excluded.name, price = excluded.price, "
            "stock = excluded.stock",
            (item.code, item.name, item.price, stock),
        )

    def put_household(self, household: Household) -> None:
        self._live()
        body = {
            "id": household.id,
            "members": [
                {
                    "person": m.person,
                    "joined": m.joined.isoformat(),
                    "left": None if m.left is None else m.left.isoformat(),
                }
                for m in household.members
            ],
        }
        self.conn.execute(
            "INSERT INTO households (id, body) VALUES (?, ?) "
            "ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            (household.id, json.dumps(body, ensure_ascii=False, sort_keys=True)),
        )


def _stock(row: Sequence[Any]) -> StockLine:
    return StockLine(item=Item(code=row[0], name=row[1], price=row[2]), stock=row[3])


def _household(key: object, body: object) -> Household:
    try:
        if not isinstance(body, str):
            raise TypeError(f"its body is {type(body).__name__}, not text")
        data = json.loads(body)
        return Household(
            id=data["id"],
            members=tuple(
                Member(
                    person=m["person"],
                    joined=dt.date.fromisoformat(m["joined"]),
                    left=None if m["left"] is None else dt.date.fromisoformat(m["left"]),
                )
                for m in data["members"]
            ),
        )
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise _unreadable(f"household {str(key)[:40]!r}", exc) from None
