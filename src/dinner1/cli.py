"""The `dinner1` command: serve, migrate, demo, worker, admin, tenant, keys."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import json
import logging
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import click
from pydantic import SecretStr

from dinner1.config import ConfigError, Settings, load_settings
from dinner1.core.logging import configure_logging

T = TypeVar("T")


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def _run(factory: Callable[[Settings], Coroutine[Any, Any, T]], settings: Settings) -> T:
    return asyncio.run(factory(settings))


@click.group()
@click.option(
    "--log-level",
    default=lambda: os.environ.get("DINNER1_LOG_LEVEL", "INFO"),
    show_default="INFO",
    help="Logging level.",
)
def main(log_level: str) -> None:
    """Dinner1: soul-before-skin dating that books first dates into quiet-hour tables."""
    configure_logging(log_level.upper())


@main.command()
def migrate() -> None:
    """Apply database migrations and seed the default tenant."""
    from dinner1.db import migrate as migrations

    settings = _settings()
    migrations.upgrade(settings)
    click.echo(f"database is up to date ({_describe_db(settings)})")


@main.command("check-migrations")
def check_migrations() -> None:
    """Fail when models and migrations disagree (like `alembic check`)."""
    from dinner1.db import migrate as migrations

    migrations.check(_settings())
    click.echo("models and migrations agree")


@main.command()
@click.option("--members", default=300, show_default=True, help="Demo members to create.")
@click.option(
    "--seed", default=2026, show_default=True, help="Random seed (same seed, same world)."
)
def demo(members: int, seed: int) -> None:
    """Load the deterministic demo world and print its credentials."""
    from dinner1.db import migrate as migrations
    from dinner1.demo.world import load_demo_world, print_credentials

    settings = _settings()
    if settings.is_sqlite:
        migrations.upgrade(settings)
    report = _run(lambda s: load_demo_world(s, members=members, seed=seed), settings)
    print_credentials(report)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="App processes.")
@click.option("--demo/--no-demo", "with_demo", default=False, help="Load demo data first.")
@click.option(
    "--migrate/--no-migrate",
    "run_migrate",
    default=None,
    help="Apply migrations first (default: yes on SQLite, no on PostgreSQL).",
)
def serve(host: str, port: int, workers: int, with_demo: bool, run_migrate: bool | None) -> None:
    """Run the web app (pages, API, WebSockets)."""
    import uvicorn

    from dinner1.db import migrate as migrations

    settings = _settings()
    if run_migrate if run_migrate is not None else settings.is_sqlite:
        migrations.upgrade(settings)
    if with_demo:
        from dinner1.demo.world import load_demo_world, print_credentials

        print_credentials(_run(lambda s: load_demo_world(s, members=300, seed=2026), settings))
    if workers > 1:
        if settings.is_sqlite:
            click.echo(
                "note: several processes on SQLite share one file; use PostgreSQL and "
                "Redis for real scale",
                err=True,
            )
        os.environ.setdefault(
            "PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="dinner1-metrics-")
        )
    os.environ["DINNER1_DATA_DIR"] = str(settings.data_dir)
    click.echo(f"Dinner1 is running at http://{_url_host(host)}:{port}/  (API docs: /docs)")
    os.environ["DINNER1_LOG_LEVEL"] = logging.getLevelName(logging.getLogger().level)
    uvicorn.run(
        "dinner1.app:create_served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
        proxy_headers=settings.http.trust_proxy_headers,
        server_header=False,
    )


def _url_host(host: str) -> str:
    return "localhost" if host in ("0.0.0.0", "127.0.0.1", "::") else host  # noqa: S104


def _describe_db(settings: Settings) -> str:
    if settings.is_sqlite:
        return f"SQLite at {settings.data_dir / 'dinner1.db'}"
    return "PostgreSQL"


@main.command()
@click.option("--concurrency", default=4, show_default=True, type=int)
def worker(concurrency: int) -> None:
    """Run background jobs from the Redis broker until stopped (SIGINT/SIGTERM)."""
    settings = _settings()
    if not settings.redis_url:
        raise click.ClickException(
            "no broker: set REDIS_URL. Without it, `dinner1 serve` runs jobs in process."
        )
    asyncio.run(_worker(settings, concurrency))


async def _worker(settings: Settings, concurrency: int) -> None:
    from dinner1.core.jobs import RedisJobWorker
    from dinner1.runtime import start_runtime, start_scheduler, stop_runtime

    runtime = await start_runtime(settings, run_jobs=False)
    assert runtime.redis is not None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    start_scheduler(runtime)
    job_worker = RedisJobWorker(runtime, runtime.redis, settings.redis_prefix, concurrency)
    click.echo(f"worker {job_worker.worker_id} waiting for jobs")
    try:
        await job_worker.run(stop)
    finally:
        await stop_runtime(runtime)


@main.group()
def admin() -> None:
    """Administrator accounts."""


@admin.command("create")
@click.option("--email", required=True)
@click.option("--name", default="Admin", show_default=True)
@click.option("--password", default=None, help="Read from a prompt (or DINNER1_ADMIN_PASSWORD).")
@click.option(
    "--role",
    type=click.Choice(["admin", "moderator", "venue_owner"]),
    default="admin",
    show_default=True,
)
@click.option(
    "--tenant", "tenant_slug", default=None, help="Tenant slug (default tenant if omitted)."
)
def admin_create(
    email: str, name: str, password: str | None, role: str, tenant_slug: str | None
) -> None:
    """Create a staff account (the first admin, moderators, venue owners)."""
    from dinner1.accounts.staff import create_staff_account

    password = password or os.environ.get("DINNER1_ADMIN_PASSWORD") or _prompt_password()
    settings = _settings()
    try:
        user_id = _run(
            lambda s: create_staff_account(
                s, email=email, name=name, password=password, role=role, tenant_slug=tenant_slug
            ),
            settings,
        )
    except Exception as exc:  # surface service errors as one clean line
        raise click.ClickException(getattr(exc, "detail", None) or str(exc)) from exc
    click.echo(f"created {role} {email} ({user_id})")


def _prompt_password() -> str:
    if not sys.stdin.isatty():
        raise click.ClickException("give --password or DINNER1_ADMIN_PASSWORD")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat: "):
        raise click.ClickException("passwords differ")
    return first


@main.group()
def tenant() -> None:
    """White-label tenants."""


@tenant.command("create")
@click.option("--slug", required=True)
@click.option("--name", required=True)
@click.option("--host", "hosts", multiple=True, required=True, help="Host names it serves.")
@click.option("--locale", default="en", show_default=True)
def tenant_create(slug: str, name: str, hosts: tuple[str, ...], locale: str) -> None:
    """Create a tenant served on its own host names."""
    from dinner1.db.engine import create_engine
    from dinner1.db.session import Database
    from dinner1.tenants.service import create_tenant

    async def create(settings: Settings) -> Any:
        db = Database(create_engine(settings))
        try:
            async with db.unit_of_work() as session:
                created = await create_tenant(
                    session, slug=slug, name=name, hosts=list(hosts), default_locale=locale
                )
                return created.id
        finally:
            await db.dispose()

    click.echo(f"created tenant {slug} ({_run(create, _settings())})")


ENCRYPTION_KEYS_VARIABLE = "DINNER1_SECURITY__ENCRYPTION_KEYS"


@main.group()
def keys() -> None:
    """Keys of the fields encrypted at rest."""


@keys.command("rotate")
@click.option("--resume", is_flag=True, help="Finish an interrupted rotation (no new key).")
@click.option(
    "--new-key",
    default=None,
    help=f"Keys set in the environment: the new key, once {ENCRYPTION_KEYS_VARIABLE} lists it "
    "first for every process.",
)
@click.option(
    "--drop-old", is_flag=True, help="Then remove old keys, once every value reads under the new."
)
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10_000))
def keys_rotate(resume: bool, new_key: str | None, drop_old: bool, batch_size: int) -> None:
    """Put a new key first and re-encrypt every encrypted column under it.

    Processes read the keys when they start: run this with the app stopped, or restart
    every `dinner1` process right after. Running it again is safe (values already under
    the newest key are skipped).
    """
    from dinner1.privacy import keys as key_rotation

    settings = _settings()
    current = [k.get_secret_value() for k in settings.security.encryption_keys]
    if key_rotation.keys_come_from_environment():
        chosen = _keys_from_environment(current, new_key, resume)
    else:
        chosen = current if resume else [key_rotation.new_key(), *current]
        if not resume:
            key_rotation.store_keys(settings.data_dir, chosen)
            click.echo(f"new key stored first in {settings.data_dir / 'secrets.json'}")
    settings.security.encryption_keys = [SecretStr(k) for k in chosen]
    report = _run(lambda s: _reencrypt(s, chosen, batch_size), settings)
    click.echo(f"re-encrypted {report.rotated} value(s); {report.already_current} already current")
    if not report.complete:
        raise click.ClickException(
            "some values cannot be read with any configured key (restore the key they were "
            "written with, then run `dinner1 keys rotate --resume`): "
            + report.describe_unreadable()
        )
    if drop_old and len(chosen) > 1:
        _drop_old_keys(settings, chosen[0], batch_size)


def _keys_from_environment(current: list[str], new_key: str | None, resume: bool) -> list[str]:
    """Keys in the environment cannot be written from here: the operator sets them."""
    from dinner1.privacy import keys as key_rotation

    if new_key is None and not resume:
        candidate = key_rotation.new_key()
        click.echo(
            f"The keys come from {ENCRYPTION_KEYS_VARIABLE}. A new key:\n\n  {candidate}\n\n"
            f"Set {ENCRYPTION_KEYS_VARIABLE}='{json.dumps([candidate, *current])}' for every "
            "dinner1 process, restart them, then run:\n\n"
            f"  dinner1 keys rotate --new-key {candidate}"
        )
        raise click.exceptions.Exit(1)
    if new_key is not None:
        try:
            key_rotation.check_key(new_key)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--new-key") from exc
        if current[0] != new_key:
            raise click.ClickException(
                f"{ENCRYPTION_KEYS_VARIABLE} does not list the new key first yet; set it "
                "(new key first, old keys after) for every process and restart them"
            )
    return current


async def _reencrypt(settings: Settings, chosen: list[str], batch_size: int) -> Any:
    from dinner1.db.engine import create_engine
    from dinner1.privacy import keys as key_rotation

    engine = create_engine(settings)
    try:
        totals = await key_rotation.count_rows(engine)
        with _progress_bar(totals) as advance:
            return await key_rotation.reencrypt(
                engine, chosen, batch_size=batch_size, progress=advance
            )
    finally:
        await engine.dispose()


@contextlib.contextmanager
def _progress_bar(totals: dict[str, int]) -> Iterator[Callable[[str, int], None]]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
    ) as progress:
        tasks = {name: progress.add_task(name, total=total) for name, total in totals.items()}
        yield lambda table, done: progress.advance(tasks[table], done)


def _drop_old_keys(settings: Settings, newest: str, batch_size: int) -> None:
    from dinner1.privacy import keys as key_rotation

    async def check(s: Settings) -> Any:
        from dinner1.db.engine import create_engine

        engine = create_engine(s)
        try:
            return await key_rotation.unreadable_under(engine, newest, batch_size=batch_size)
        finally:
            await engine.dispose()

    report = _run(check, settings)
    if not report.complete:
        raise click.ClickException(
            f"old keys kept: these values do not read under the new key yet: "
            f"{report.describe_unreadable()}"
        )
    if key_rotation.keys_come_from_environment():
        click.echo(
            f"every value reads under the new key: set {ENCRYPTION_KEYS_VARIABLE}="
            f"'{json.dumps([newest])}' for every process and restart them"
        )
        return
    key_rotation.store_keys(settings.data_dir, [newest])
    click.echo("every value reads under the new key; old keys removed")


def _register_domain_commands() -> None:
    """Each domain owns its command group; the `dinner1` command gathers them."""
    from dinner1.matching.cli import bench, matching
    from dinner1.safety.cli import safety

    for group in (matching, bench, safety):
        main.add_command(group)


_register_domain_commands()
