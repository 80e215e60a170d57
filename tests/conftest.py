from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis

from dinner1.app import create_app
from dinner1.config import Settings
from dinner1.runtime import Runtime
from tests.fixtures.databases import (
    PostgresTemplate,
    SqliteTemplate,
    database_template,
    make_settings,
)


def pytest_report_header() -> list[str]:
    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    redis = "Redis" if os.environ.get("REDIS_URL") else "in-process pub/sub, jobs and limits"
    return [f"dinner1 backends: {database}; {redis}"]


@pytest.fixture(scope="session")
def db_template(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SqliteTemplate | PostgresTemplate]:
    with database_template(tmp_path_factory.mktemp("db")) as template:
        yield template


@pytest.fixture
async def settings(
    db_template: SqliteTemplate | PostgresTemplate, tmp_path: Path
) -> AsyncIterator[Settings]:
    if isinstance(db_template, SqliteTemplate):
        result = make_settings(data_dir=db_template.fresh_data_dir(f"t-{tmp_path.name}"))
    else:
        result = make_settings(data_dir=tmp_path / "data", database_url=db_template.url)
        await db_template.reset(result)
    yield result
    if result.redis_url:
        redis = Redis.from_url(result.redis_url)
        keys = [key async for key in redis.scan_iter(match=result.redis_prefix + "*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def runtime(app: FastAPI) -> Runtime:
    result: Runtime = app.state.runtime
    return result


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
