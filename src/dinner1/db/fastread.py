"""Single-row reads on the driver itself, for the queries every request makes.

Authentication reads the member's row on every request. Through the ORM that read costs
more than the rest of a typical request together; on the driver (asyncpg's prepared
statements, or one hop to an SQLite thread) it costs a fraction. Only a few fixed
queries go this way, each declared as a `RawQuery` next to its repository and tested
against the ORM's answer on both databases. Writes never do.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import uuid
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

import aiosqlite
import asyncpg
from sqlalchemy.engine import make_url

from dinner1.config import Settings


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
    """A couple of read connections, each with its own thread (aiosqlite), in autocommit
    mode so every read sees the latest commit (WAL)."""

    def __init__(self, connections: list[aiosqlite.Connection]) -> None:
        self._connections = connections
        self._next = itertools.cycle(connections)

    @classmethod
    async def open(cls, settings: Settings) -> SqliteFastReader:
        path = make_url(settings.database_url).database
        if not path:
            raise ValueError("SQLite URL without a file path")
        connections = []
        for _ in range(max(1, settings.database.fast_read_connections // 4)):
            connection = await aiosqlite.connect(path, isolation_level=None)
            connection.row_factory = sqlite3.Row
            await connection.execute("PRAGMA busy_timeout=30000")
            await connection.execute("PRAGMA query_only=1")
            connections.append(connection)
        return cls(connections)

    async def fetch_one(self, query: RawQuery, *params: Any) -> Mapping[str, Any] | None:
        values = tuple(p.hex if isinstance(p, uuid.UUID) else p for p in params)
        rows = await next(self._next).execute_fetchall(query.sqlite, values)
        if not rows:
            return None
        return _convert(query, dict(next(iter(rows))))

    async def close(self) -> None:
        await asyncio.gather(*(c.close() for c in self._connections))


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
