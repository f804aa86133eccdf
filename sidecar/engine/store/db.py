"""Opening the inventory: WAL, busy timeout, one writer, named migrations with a backup."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import aiosqlite

from sidecar.engine.core.errors import StoreError
from sidecar.engine.store.migrations import MIGRATIONS, Migration
from sidecar.engine.store.mirror_index import restore_asset_index

BUSY_TIMEOUT_MS = 10_000


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Database:
    """One aiosqlite connection. Writes go through `transaction()`, one at a time."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (cancellation included)."""
        async with self._write_lock:
            # BEGIN, COMMIT and ROLLBACK run to completion even if the caller is cancelled
            # meanwhile, so the connection is never left inside a transaction.
            await _uncancellable(self.conn.execute("BEGIN IMMEDIATE"), then_rollback=self.conn)
            try:
                yield self.conn
            except BaseException:
                await _uncancellable(self.conn.execute("ROLLBACK"))
                raise
            await _uncancellable(self.conn.execute("COMMIT"))

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        async with self.conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def fetchtuples(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows as plain tuples (cheaper than sqlite3.Row when there are very many)."""
        async with self.conn.execute(sql, params) as cur:
            cur.row_factory = None
            return cast(list[tuple[Any, ...]], list(await cur.fetchall()))

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        async with self.conn.execute(sql, params) as cur:
            return await cur.fetchone()

    async def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


async def _uncancellable(
    step: Awaitable[object], then_rollback: aiosqlite.Connection | None = None
) -> None:
    """Await `step` to completion despite cancellation; re-raise the cancellation after it
    (rolling back first when the step opened a transaction)."""
    task = asyncio.ensure_future(step)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await task
            if then_rollback is not None:
                await then_rollback.execute("ROLLBACK")
        raise


@asynccontextmanager
async def open_database(
    path: Path, migrations: Iterable[Migration] = MIGRATIONS
) -> AsyncIterator[Database]:
    """Open (creating if needed) the inventory at `path` and bring its schema up to date."""
    existed = await asyncio.to_thread(_prepare_folder, path)
    try:
        conn = await aiosqlite.connect(path, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the inventory {path}: {exc}") from None
    try:
        conn.row_factory = sqlite3.Row
        await _configure(conn, path)
        db = Database(conn, path)
        await _migrate(db, list(migrations), existed)
        await restore_asset_index(db)  # a first full mirror stopped before its end
        yield db
    finally:
        await conn.close()


def _fix(folder: Path) -> str:
    uid, gid = os.getuid(), os.getgid()
    try:
        mine = folder.stat().st_uid == uid
    except OSError:
        mine = False
    command = f"chmod -R u+rwX {folder}" if mine else f"chown -R {uid}:{gid} {folder}"
    return (
        f"make it writable for uid {uid} (e.g. '{command}') or point "
        "storage.state_dir (IMMICH_SIDECAR_STATE_DIR) at a writable folder"
    )


def _prepare_folder(path: Path) -> bool:
    """Create the state folder; True when a database file already exists there. A folder or
    file this process cannot write is named with the user id and the fix, before SQLite
    would call it an unusable database."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the state folder {folder}: {exc.strerror}; {_fix(folder.parent)}"
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(f"the state folder {folder} is not writable: {_fix(folder)}")
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        part = folder / name
        if part.exists() and not os.access(part, os.R_OK | os.W_OK):
            raise StoreError(f"{part} cannot be read and written: {_fix(folder)}")
    return path.exists() and path.stat().st_size > 0


async def _configure(conn: aiosqlite.Connection, path: Path) -> None:
    try:
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = await _switch_to_wal(conn)
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA temp_store = MEMORY")
        # Checkpoint (and fsync) every ~32 MB of WAL rather than every 4 MB: a full mirror
        # writes about 1.2 MB per page of 1000 assets.
        await conn.execute("PRAGMA wal_autocheckpoint = 8000")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a usable SQLite database: {exc}") from None
    if mode is None or str(mode[0]).lower() != "wal":
        raise StoreError(f"{path}: cannot switch to WAL mode (is the folder on a network share?)")


async def _switch_to_wal(conn: aiosqlite.Connection) -> sqlite3.Row | None:
    """`PRAGMA journal_mode = WAL`, waiting like any other statement: on a brand-new file
    several openers race for the switch, and SQLite answers "locked" at once instead of
    calling the busy handler."""
    waited = 0.0
    while True:
        try:
            row: sqlite3.Row | None = await (
                await conn.execute("PRAGMA journal_mode = WAL")
            ).fetchone()
            return row
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or waited * 1000 >= BUSY_TIMEOUT_MS:
                raise
        await asyncio.sleep(0.05)
        waited += 0.05


async def _migrate(db: Database, migrations: list[Migration], existed: bool) -> None:
    await db.conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    if not await _pending(db, migrations):
        return
    # Another process may be migrating the same file (two commands started together on a
    # new state folder): one at a time, each looking again once it holds the lock.
    lock_path = db.path.with_name(f"{db.path.name}.migrating")
    lock = await asyncio.to_thread(_lock_migrations, lock_path)
    try:
        await _apply(db, migrations, existed)
    finally:
        lock_path.unlink(missing_ok=True)  # removed while held: a waiter then locks afresh
        os.close(lock)  # releases the lock


def _lock_migrations(path: Path) -> int:
    """Hold the lock file `path`; one removed (or replaced) while waiting is taken afresh, so
    every holder holds the one file at `path`."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


async def _pending(db: Database, migrations: list[Migration]) -> list[Migration]:
    applied = {r[0] for r in await db.fetchall("SELECT name FROM schema_migrations")}
    known = {m.name for m in migrations}
    unknown = sorted(applied - known)
    if unknown:
        raise StoreError(
            f"{db.path} was written by a newer immich-sidecar (migration {unknown[-1]}); "
            "upgrade immich-sidecar or point storage.state_dir at another folder"
        )
    return [m for m in migrations if m.name not in applied]


async def _apply(db: Database, migrations: list[Migration], existed: bool) -> None:
    pending = await _pending(db, migrations)
    if not pending:
        return
    if existed:
        await backup(db, f"before-{pending[0].name}")
    for migration in pending:
        script = (
            f"BEGIN IMMEDIATE;\n{migration.sql}\n"
            f"INSERT INTO schema_migrations (name, applied_at) VALUES "
            f"('{migration.name}', '{utcnow()}');\nCOMMIT;"
        )
        try:
            await db.conn.executescript(script)
        except sqlite3.Error as exc:
            if db.conn.in_transaction:
                await db.conn.execute("ROLLBACK")
            raise StoreError(f"migration {migration.name} failed: {exc}") from None


async def backup(db: Database, label: str) -> Path:
    """Copy the live database (consistently, WAL included) next to it, under backups/."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = db.path.parent / "backups" / f"{db.path.stem}-{stamp}-{label}.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    dest = sqlite3.connect(target)
    try:
        await db.conn.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        dest.close()
    return target
