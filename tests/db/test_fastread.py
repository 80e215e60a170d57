from __future__ import annotations

import asyncio
import os
import sqlite3
import uuid

import asyncpg
import pytest
from sqlalchemy import text

from dinner1.accounts import repository
from dinner1.accounts.sessions import start_web_session
from dinner1.core.security import hash_opaque_token
from dinner1.db.fastread import PostgresFastReader, RawQuery, SqliteFastReader
from dinner1.runtime import Runtime
from tests.fixtures.factories import create_user

COLUMNS = (
    "id",
    "tenant_id",
    "email",
    "display_name",
    "date_of_birth",
    "role",
    "locale",
    "email_verified_at",
    "is_active",
    "token_version",
    "created_at",
)


async def test_the_driver_read_matches_the_orm_read(runtime: Runtime) -> None:
    user = await create_user(runtime, locale="ar", display_name="Zineb")
    row = await runtime.db.fast.fetch_one(repository.PRINCIPAL_BY_ID, user.tenant_id, user.id)
    assert row is not None
    async with runtime.db.sessionmaker() as session:
        orm = await repository.get_user(session, user.tenant_id, user.id)
    assert orm is not None
    for column in COLUMNS:
        assert row[column] == getattr(orm, column), column
    assert type(row["created_at"]) is type(orm.created_at)
    assert row["created_at"].tzinfo is not None


async def test_the_driver_read_is_scoped_to_the_tenant(runtime: Runtime) -> None:
    user = await create_user(runtime)
    assert (
        await runtime.db.fast.fetch_one(repository.PRINCIPAL_BY_ID, uuid.uuid4(), user.id) is None
    )
    assert (
        await runtime.db.fast.fetch_one(repository.PRINCIPAL_BY_ID, user.tenant_id, uuid.uuid4())
        is None
    )


async def test_the_session_read_joins_the_member(runtime: Runtime) -> None:
    user = await create_user(runtime)
    async with runtime.db.unit_of_work() as session:
        raw, expires = await start_web_session(session, runtime.settings, user, user_agent="t")
    row = await runtime.db.fast.fetch_one(
        repository.PRINCIPAL_BY_WEB_SESSION, user.tenant_id, hash_opaque_token(raw)
    )
    assert row is not None
    assert row["id"] == user.id
    assert abs((row["expires_at"] - expires).total_seconds()) < 1
    assert isinstance(row["web_session_id"], uuid.UUID)


async def test_many_concurrent_reads_all_complete(runtime: Runtime) -> None:
    user = await create_user(runtime)
    rows = await asyncio.gather(
        *[
            runtime.db.fast.fetch_one(repository.PRINCIPAL_BY_ID, user.tenant_id, user.id)
            for _ in range(200)
        ]
    )
    assert all(row is not None and row["id"] == user.id for row in rows)


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="PostgreSQL only")
async def test_waiters_are_served_in_arrival_order(runtime: Runtime) -> None:
    reader = runtime.db.fast
    assert isinstance(reader, PostgresFastReader)
    held = [await reader._acquire() for _ in range(len(reader._idle))]
    served: list[int] = []

    async def wait(index: int) -> None:
        connection = await reader._acquire()
        served.append(index)
        await asyncio.sleep(0)
        reader._release(connection)

    waiters = [asyncio.create_task(wait(i)) for i in range(10)]
    await asyncio.sleep(0.01)
    for connection in held:
        reader._release(connection)
    await asyncio.gather(*waiters)
    assert served == sorted(served)


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="PostgreSQL only")
async def test_a_dropped_connection_is_replaced(runtime: Runtime) -> None:
    user = await create_user(runtime)
    reader = runtime.db.fast
    assert isinstance(reader, PostgresFastReader)
    pids = [c.get_server_pid() for c in reader._open]
    admin = await asyncpg.connect(reader._dsn)
    try:
        for pid in pids:
            await admin.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()
    failures = 0
    for _ in range(len(pids) * 2):
        try:
            await reader.fetch_one(repository.PRINCIPAL_BY_ID, user.tenant_id, user.id)
        except (
            asyncpg.PostgresError,
            asyncpg.InterfaceError,
            # A backend killed between queries may leave the protocol mid-state.
            asyncpg.exceptions.InternalClientError,
            OSError,
        ):
            failures += 1
    assert failures <= len(pids)  # each dead connection fails at most one request
    rows = await asyncio.gather(
        *[reader.fetch_one(repository.PRINCIPAL_BY_ID, user.tenant_id, user.id) for _ in range(20)]
    )
    assert all(row is not None for row in rows)
    assert not {c.get_server_pid() for c in reader._open} & set(pids)


sqlite_only = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite only")


@sqlite_only
async def test_a_failing_sqlite_read_raises_and_the_reader_goes_on(runtime: Runtime) -> None:
    user = await create_user(runtime)
    broken = RawQuery(postgres="SELECT 1", sqlite="SELECT * FROM no_such_table WHERE id = ?")
    results = await asyncio.gather(
        runtime.db.fast.fetch_one(broken, user.id),
        runtime.db.fast.fetch_one(repository.PRINCIPAL_BY_ID, user.tenant_id, user.id),
        return_exceptions=True,
    )
    assert isinstance(results[0], sqlite3.OperationalError)
    assert isinstance(results[1], dict) and results[1]["id"] == user.id
    again = await runtime.db.fast.fetch_one(repository.PRINCIPAL_BY_ID, user.tenant_id, user.id)
    assert again is not None and again["id"] == user.id


@sqlite_only
async def test_a_cancelled_sqlite_read_does_not_disturb_the_others(runtime: Runtime) -> None:
    user = await create_user(runtime)
    reads = [
        asyncio.ensure_future(
            runtime.db.fast.fetch_one(repository.PRINCIPAL_BY_ID, user.tenant_id, user.id)
        )
        for _ in range(50)
    ]
    for read in reads[::2]:
        read.cancel()
    done = await asyncio.gather(*reads, return_exceptions=True)
    assert all(isinstance(r, asyncio.CancelledError) for r in done[::2])
    assert all(isinstance(r, dict) and r["id"] == user.id for r in done[1::2])


@sqlite_only
async def test_the_sqlite_reader_is_read_only_and_sees_new_commits(runtime: Runtime) -> None:
    write = RawQuery(postgres="SELECT 1", sqlite="UPDATE users SET display_name = 'x'")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await runtime.db.fast.fetch_one(write)
    user = await create_user(runtime, display_name="Before")
    async with runtime.db.unit_of_work() as session:
        await session.execute(
            text("UPDATE users SET display_name = 'After' WHERE id = :id"), {"id": user.id.hex}
        )
    row = await runtime.db.fast.fetch_one(repository.PRINCIPAL_BY_ID, user.tenant_id, user.id)
    assert row is not None and row["display_name"] == "After"


@sqlite_only
async def test_closing_the_sqlite_reader_stops_its_threads(runtime: Runtime) -> None:
    reader = await SqliteFastReader.open(runtime.settings)
    threads = list(reader._threads)
    assert all(thread.is_alive() for thread in threads)
    await reader.close()
    assert not any(thread.is_alive() for thread in threads)
