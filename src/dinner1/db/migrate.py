"""Apply Alembic migrations and seed what every database needs (the default tenant)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

from dinner1.config import Settings
from dinner1.db.engine import create_engine
from dinner1.db.session import Database
from dinner1.tenants.service import ensure_default_tenant


def migrations_dir() -> Path:
    package = Path(__file__).resolve().parents[1]
    packaged = package / "_migrations"  # present in a built wheel
    if packaged.exists():
        return packaged
    source = package.parents[1] / "migrations"  # a source checkout (editable install)
    if source.exists():
        return source
    raise FileNotFoundError("Alembic migrations not found next to the dinner1 package")


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", settings.database_url.replace("%", "%%"))
    config.attributes["settings"] = settings
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Synchronous: call it outside a running event loop (Alembic runs its own)."""
    command.upgrade(alembic_config(settings), revision)
    asyncio.run(seed(settings))


async def seed(settings: Settings) -> None:
    db = Database(create_engine(settings))
    try:
        async with db.unit_of_work() as session:
            await ensure_default_tenant(
                session, slug=settings.default_tenant_slug, name=settings.default_tenant_name
            )
    finally:
        await db.dispose()


def check(settings: Settings) -> None:
    """Raise if the models and the migrations disagree (`alembic check`)."""
    command.check(alembic_config(settings))
