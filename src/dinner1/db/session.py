"""One session per unit of work; jobs and events queued on it leave only after commit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from dinner1.config import Settings
from dinner1.db.fastread import FastReader, open_fast_reader


@dataclass
class PendingWork:
    """What a unit of work promised to do once its transaction is durable."""

    jobs: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


Dispatcher = Callable[[PendingWork], Awaitable[None]]


def pending_work(session: AsyncSession) -> PendingWork:
    work = session.info.get("pending_work")
    if work is None:
        work = session.info["pending_work"] = PendingWork()
    return work


def enqueue_job(session: AsyncSession, name: str, payload: dict[str, Any]) -> None:
    """Run job `name` after this session commits; dropped if it rolls back."""
    pending_work(session).jobs.append((name, payload))


def publish_event(session: AsyncSession, channel: str, data: dict[str, Any]) -> None:
    """Publish on `channel` after this session commits; dropped if it rolls back."""
    pending_work(session).events.append((channel, data))


class Database:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessionmaker = async_sessionmaker(engine, expire_on_commit=False, autoflush=True)
        self.dispatcher: Dispatcher | None = None
        self._fast: FastReader | None = None

    @property
    def fast(self) -> FastReader:
        """Driver-level reader for the few hot single-row queries (see db/fastread.py)."""
        if self._fast is None:
            raise RuntimeError("fast reader not open; the runtime opens it at start")
        return self._fast

    async def open_fast_reader(self, settings: Settings) -> None:
        self._fast = await open_fast_reader(settings)

    async def commit(self, session: AsyncSession) -> None:
        """Commit, then hand queued jobs and events to the dispatcher."""
        await session.commit()
        work = session.info.pop("pending_work", None)
        if work is not None and self.dispatcher is not None:
            await self.dispatcher(work)

    @staticmethod
    async def rollback(session: AsyncSession) -> None:
        session.info.pop("pending_work", None)
        await session.rollback()

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """A session for CLI commands and jobs, committed when the block ends without error."""
        async with self.sessionmaker() as session:
            try:
                yield session
            except BaseException:
                await self.rollback(session)
                raise
            await self.commit(session)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only, with no transaction around them: on SQLite it takes
        no write lock (every other session begins IMMEDIATE), so long or frequent
        background reads never hold writers up. Each statement sees the latest commits."""
        async with self.engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            async with AsyncSession(bind=autocommit, expire_on_commit=False) as session:
                yield session

    async def dispose(self) -> None:
        if self._fast is not None:
            await self._fast.close()
            self._fast = None
        await self.engine.dispose()
