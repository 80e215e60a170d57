"""Alembic environment: async engine, batch mode on SQLite, metadata from every domain."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from dinner1.config import Settings, load_settings
from dinner1.db.engine import create_engine
from dinner1.db.registry import load_metadata

config = context.config
target_metadata = load_metadata()


def _settings() -> Settings:
    settings = config.attributes.get("settings")
    return settings if isinstance(settings, Settings) else load_settings()


# Search structures the ORM does not model: SQLite's FTS5 table (and its shadow tables)
# and PostgreSQL's full-text expression index. Created by migrations, ignored by `check`.
_UNMODELLED_PREFIXES = ("venue_fts", "ix_venues_fulltext")


def _include(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    return not (
        reflected
        and compare_to is None
        and name is not None
        and name.startswith(_UNMODELLED_PREFIXES)
    )


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=_include,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_engine(_settings())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=_settings().database_url, target_metadata=target_metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
