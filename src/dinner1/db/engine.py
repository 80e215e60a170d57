"""Engine construction for SQLite (embedded) and PostgreSQL (at scale)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from dinner1.config import Settings
from dinner1.core.crypto import configure_field_cipher

# Reading a large file: pages come through a memory map (no read call per page), and each
# connection keeps 32 MB of them (SQLite's default is 2 MB; a 100,000-member file is
# ~350 MB and matching reads rows scattered across it).
READ_PRAGMAS = ("PRAGMA mmap_size=268435456", "PRAGMA cache_size=-32768")


def create_engine(settings: Settings) -> AsyncEngine:
    # Whoever can open the database can read its encrypted fields with these keys.
    configure_field_cipher([key.get_secret_value() for key in settings.security.encryption_keys])
    url = settings.database_url
    if url.startswith("sqlite"):
        return _create_sqlite_engine(settings)
    return create_async_engine(
        url,
        pool_size=settings.database.pool_size,
        max_overflow=settings.database.max_overflow,
        # No pre-ping: it doubles the round trips of every checkout. Dropped connections
        # are detected on use and the pool is invalidated; old ones are recycled.
        pool_recycle=1800,
        echo=settings.database.echo,
        connect_args={"server_settings": {"application_name": "dinner1", "timezone": "UTC"}},
    )


def _create_sqlite_engine(settings: Settings) -> AsyncEngine:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        settings.database_url,
        pool_size=settings.database.pool_size,
        max_overflow=settings.database.max_overflow,
        echo=settings.database.echo,
        connect_args={"timeout": 30},
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy own BEGIN so SAVEPOINT and transactional DDL behave.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        for pragma in READ_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            # IMMEDIATE takes the write lock up front: a deferred transaction that reads,
            # then writes after another commit fails at once ("database is locked") instead
            # of waiting. Reads that need no transaction go through db/fastread.py.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
