"""`Database.reading()`: reads outside any transaction, which never hold writers up."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select

from dinner1.accounts.models import User
from dinner1.runtime import Runtime
from tests.fixtures.factories import create_user


async def test_a_reading_session_lets_writers_through_and_sees_their_commits(
    runtime: Runtime,
) -> None:
    async with runtime.db.reading() as reader:
        before = await reader.scalar(select(func.count()).select_from(User))

        async def write() -> uuid.UUID:
            return (await create_user(runtime, display_name="Writer")).id

        # With a transaction open here, SQLite's writer would wait for it (busy timeout).
        written = await asyncio.wait_for(write(), timeout=10)
        after = await reader.scalar(select(func.count()).select_from(User))
        assert after == (before or 0) + 1
        assert await reader.get(User, written) is not None
