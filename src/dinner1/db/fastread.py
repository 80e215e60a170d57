"""Single-row reads on the driver itself, for the queries every request makes.

Authentication reads the member's row on every request. Through the ORM that read costs
more than the rest of a typical request together; on the driver (asyncpg's prepared
statements, or one hop to an SQLite thread) it costs a fraction. Only a few fixed
queries go this way, each declared as a `RawQuery` next to its repository and tested
against the ORM's answer on both databases. Writes never do.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import queue
import sqlite3
import threading
import uuid
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

import asyncpg
from sqlalchemy.engine import make_url

from dinner1.config import Settings
from dinner1.db.engine import READ_PRAGMAS


@dataclass(frozen=True)
class RawQuery:
    """One SELECT in both dialects; SQLite values are converted to the PostgreSQL types."""

    postgres: str
    sqlite: str
    uuid_columns: frozenset[str] = field(default_factory=frozenset)
    datetime_columns: frozenset[str] = field(default_factory=frozenset)
    date_columns: frozenset[str] = field(default_factory=frozenset)
    bool_columns: frozenset[str] = field(default_factory=frozenset)


class FastReader(Protocol):
    async def fetch_one(self, query: RawQuery, *params: Any) -> Mapping[str, Any] | None: ...

    async def close(self) -> None: ...


class PostgresFastReader:
    """A few asyncpg connections handed out first come, first served.

    asyncpg's own pool lets a newcomer take a connection that was just released to a
    waiter, which re-queues at the back: under load some requests wait for seconds. Here
    a released connection goes straight to the oldest waiter. A connection that broke
    (server restart, failover, a cancelled query) is dropped and reopened on next use.
    """

    def __init__(self, dsn: str, connections: list[asyncpg.Connection]) -> None:
        self._dsn = dsn
        self._idle: list[asyncpg.Connection | None] = list(connections)
        self._open: set[asyncpg.Connection] = set(connections)
        self._waiters: deque[asyncio.Future[asyncpg.Connection | None]] = deque()

    @classmethod
    async def open(cls, settings: Settings) -> PostgresFastReader:
        dsn = make_url(settings.database_url).set(drivername="postgresql")
        dsn_text = dsn.render_as_string(hide_password=False)
        size = settings.database.fast_read_connections
        connections = list(await asyncio.gather(*(_connect(dsn_text) for _ in range(size))))
        return cls(dsn_text, connections)

    async def fetch_one(self, query: RawQuery, *params: Any) -> Mapping[str, Any] | None:
        slot = await self._acquire()
        connection: asyncpg.Connection | None = None
        try:
            connection = slot if slot is not None and not slot.is_closed() else None
            if connection is None:
                connection = await self._reopen(slot)
            record: Mapping[str, Any] | None = await connection.fetchrow(query.postgres, *params)
        except asyncpg.PostgresError as error:
            if connection is not None and _broken(error, connection):
                self._drop(connection)
                connection = None
            raise
        except BaseException:
            # Interrupted mid-protocol (cancelled, network): never hand it out again.
            if connection is not None:
                self._drop(connection)
                connection = None
            raise
        finally:
            self._release(connection)
        return record  # asyncpg.Record is a read-only mapping with the right types

    async def _acquire(self) -> asyncpg.Connection | None:
        if self._idle and not self._waiters:
            return self._idle.pop()
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[asyncpg.Connection | None] = loop.create_future()
        self._waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release(waiter.result())
            raise

    def _release(self, connection: asyncpg.Connection | None) -> None:
        """Give the slot (a connection, or None to be reopened) to the oldest waiter."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return
        self._idle.append(connection)

    async def _reopen(self, stale: asyncpg.Connection | None) -> asyncpg.Connection:
        if stale is not None:
            self._drop(stale)
        fresh = await _connect(self._dsn)
        self._open.add(fresh)
        return fresh

    def _drop(self, connection: asyncpg.Connection) -> None:
        self._open.discard(connection)
        connection.terminate()

    async def close(self) -> None:
        await asyncio.gather(*(c.close() for c in self._open), return_exceptions=True)
        self._open.clear()


def _broken(error: asyncpg.PostgresError, connection: asyncpg.Connection) -> bool:
    # Class 57 is "operator intervention" (terminated backend, shutdown); 08 is connection.
    state = getattr(error, "sqlstate", "") or ""
    return connection.is_closed() or state.startswith(("57", "08"))


async def _connect(dsn: str) -> asyncpg.Connection:
    return await asyncpg.connect(
        dsn, server_settings={"application_name": "dinner1-read", "timezone": "UTC"}
    )


class SqliteFastReader:
    """Reads on their own threads (SQLite has no async driver), in autocommit mode so every
    read sees the latest commit (WAL).

    A thread hop is costly in Python: each wake-up and each hand-back competes with the
    event loop for the GIL. So each thread takes every query waiting when it wakes, runs
    them together and hands all the rows back in one loop callback: under load, one hop
    serves many requests.
    """

    def __init__(self, threads: list[_SqliteReadThread]) -> None:
        self._threads = threads
        self._next = itertools.cycle(threads)

    @classmethod
    async def open(cls, settings: Settings) -> SqliteFastReader:
        path = make_url(settings.database_url).database
        if not path:
            raise ValueError("SQLite URL without a file path")
        loop = asyncio.get_running_loop()
        threads = [
            _SqliteReadThread(path, loop)
            for _ in range(max(1, settings.database.fast_read_connections // 8))
        ]
        try:
            await asyncio.gather(*(thread.started for thread in threads))
        except BaseException:
            for thread in threads:
                thread.stop()
            raise
        return cls(threads)

    async def fetch_one(self, query: RawQuery, *params: Any) -> Mapping[str, Any] | None:
        values = tuple(p.hex if isinstance(p, uuid.UUID) else p for p in params)
        row = await next(self._next).submit(query.sqlite, values)
        return None if row is None else _convert(query, row)

    async def close(self) -> None:
        for thread in self._threads:
            thread.stop()
        await asyncio.gather(*(asyncio.to_thread(thread.join, 5) for thread in self._threads))


_Job = tuple["asyncio.Future[dict[str, Any] | None]", str, tuple[Any, ...]]


class _SqliteReadThread(threading.Thread):
    """One read-only connection and the queue of queries waiting for it."""

    def __init__(self, path: str, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(name="dinner1-sqlite-read", daemon=True)
        self._path = path
        self._loop = loop
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self.started: asyncio.Future[None] = loop.create_future()
        self.start()

    def submit(self, sql: str, values: tuple[Any, ...]) -> asyncio.Future[dict[str, Any] | None]:
        future: asyncio.Future[dict[str, Any] | None] = self._loop.create_future()
        self._jobs.put((future, sql, values))
        return future

    def stop(self) -> None:
        self._jobs.put(None)

    def run(self) -> None:
        try:
            connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA busy_timeout=30000")
            connection.execute("PRAGMA query_only=1")
            for pragma in READ_PRAGMAS:
                connection.execute(pragma)
        except Exception as error:  # handed to the loop that waits for it
            self._loop.call_soon_threadsafe(_settle, [(self.started, None, error)])
            return
        self._loop.call_soon_threadsafe(_settle, [(self.started, None, None)])
        try:
            while True:
                batch = [self._jobs.get()]  # sleeps until there is work
                with contextlib.suppress(queue.Empty):
                    while batch[-1] is not None:
                        batch.append(self._jobs.get_nowait())
                jobs = [job for job in batch if job is not None]
                if jobs:
                    outcomes = [
                        (future, *_run(connection, sql, values)) for future, sql, values in jobs
                    ]
                    self._loop.call_soon_threadsafe(_settle, outcomes)
                if batch[-1] is None:  # asked to stop
                    return
        finally:
            connection.close()


def _run(
    connection: sqlite3.Connection, sql: str, values: tuple[Any, ...]
) -> tuple[dict[str, Any] | None, Exception | None]:
    try:
        row = connection.execute(sql, values).fetchone()
    except Exception as error:  # raised again in the waiting request
        return None, error
    return (None if row is None else dict(row)), None


def _settle(outcomes: Sequence[tuple[asyncio.Future[Any], Any, Exception | None]]) -> None:
    """On the loop: give each waiting future its result or error (unless it was cancelled)."""
    for future, result, error in outcomes:
        if future.done():
            continue
        if error is None:
            future.set_result(result)
        else:
            future.set_exception(error)


def _convert(query: RawQuery, row: dict[str, Any]) -> dict[str, Any]:
    for name in query.uuid_columns:
        if row[name] is not None:
            row[name] = uuid.UUID(row[name])
    for name in query.datetime_columns:
        if row[name] is not None:
            row[name] = datetime.fromisoformat(row[name]).replace(tzinfo=UTC)
    for name in query.date_columns:
        if row[name] is not None:
            row[name] = date.fromisoformat(row[name])
    for name in query.bool_columns:
        row[name] = bool(row[name])
    return row


async def open_fast_reader(settings: Settings) -> FastReader:
    if settings.is_sqlite:
        return await SqliteFastReader.open(settings)
    return await PostgresFastReader.open(settings)
