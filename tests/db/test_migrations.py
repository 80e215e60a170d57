from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import inspect

from dinner1.config import Settings
from dinner1.db import migrate
from dinner1.db.engine import create_engine
from dinner1.db.registry import load_metadata
from tests.fixtures.databases import PostgresTemplate, make_settings, postgres_base_url


async def test_models_and_migrations_agree(settings: Settings) -> None:
    # `alembic check`: autogenerate against the migrated database finds nothing to do.
    await asyncio.to_thread(migrate.check, settings)


async def test_every_tenant_owned_table_has_a_tenant_id() -> None:
    exempt = {"tenants"}
    for table in load_metadata().sorted_tables:
        if table.name in exempt:
            continue
        assert "tenant_id" in table.columns, table.name
        assert not table.columns["tenant_id"].nullable, table.name


async def test_downgrade_to_base_and_back(tmp_path: Path) -> None:
    """Every migration's downgrade works: down to nothing, then up again."""
    base = postgres_base_url()
    scratch = await asyncio.to_thread(PostgresTemplate, base) if base else None
    try:
        if scratch is None:
            settings = make_settings(data_dir=tmp_path)
            await asyncio.to_thread(migrate.upgrade, settings)
        else:
            settings = make_settings(data_dir=tmp_path, database_url=scratch.url)
        await asyncio.to_thread(_downgrade, settings)
        engine = create_engine(settings)
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
        await engine.dispose()
        assert set(tables) <= {"alembic_version"}
        await asyncio.to_thread(migrate.upgrade, settings)
        await asyncio.to_thread(migrate.check, settings)
    finally:
        if scratch is not None:
            await asyncio.to_thread(scratch.drop)


def _downgrade(settings: Settings) -> None:
    from alembic import command

    command.downgrade(migrate.alembic_config(settings), "base")
