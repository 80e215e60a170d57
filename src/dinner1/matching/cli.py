"""`dinner1 matching …` and `dinner1 bench speed-dating`."""

from __future__ import annotations

import asyncio
import json
import tempfile
import uuid
from pathlib import Path

import click
from rich.progress import Progress, TaskID

from dinner1.config import load_settings
from dinner1.db.session import Database


@click.group()
def matching() -> None:
    """Compatibility engine: nightly refresh and retraining."""


async def _tenant_ids(db: Database, slug: str | None) -> list[uuid.UUID]:
    from dinner1.tenants import repository

    async with db.sessionmaker() as session:
        rows = await repository.list_active_with_hosts(session)
    return [tenant.id for tenant, _ in rows if slug is None or tenant.slug == slug]


@matching.command("refresh")
@click.option("--tenant", "slug", default=None, help="Tenant slug (all tenants if omitted).")
def refresh(slug: str | None) -> None:
    """Generate today's matches for every discoverable member, with a progress bar."""
    from dinner1.matching.clock import local_today
    from dinner1.matching.refresh import refresh_tenant
    from dinner1.runtime import start_runtime, stop_runtime

    settings = load_settings()

    async def run() -> None:
        runtime = await start_runtime(settings, run_jobs=False)
        day = local_today(settings.locale.default_timezone)
        try:
            with Progress() as bar:
                for tenant_id in await _tenant_ids(runtime.db, slug):
                    task = bar.add_task(f"matches for {day}", total=None)

                    def advance(done: int, total: int, task: TaskID = task) -> None:
                        bar.update(task, completed=done, total=total)

                    stats = await refresh_tenant(
                        runtime.db, runtime.matching, tenant_id, day, progress=advance
                    )
                    bar.console.print(
                        f"{stats.members} members, {stats.matches} matches, "
                        f"{stats.skipped} already done"
                    )
        finally:
            await stop_runtime(runtime)

    asyncio.run(run())


@matching.command("retrain")
@click.option("--tenant", "slug", default=None)
def retrain_command(slug: str | None) -> None:
    """Fit the breakdown weights from recorded outcomes (expert defaults until enough)."""
    from dinner1.db.engine import create_engine
    from dinner1.matching.retrain import retrain

    settings = load_settings()

    async def run() -> None:
        db = Database(create_engine(settings))
        try:
            for tenant_id in await _tenant_ids(db, slug):
                async with db.unit_of_work() as session:
                    result = await retrain(session, tenant_id)
                click.echo(
                    json.dumps(
                        {
                            "tenant": str(tenant_id),
                            "trained": result.trained,
                            "reason": result.reason,
                            "version": result.version,
                            "weights": result.weights,
                            "metrics": result.metrics,
                        }
                    )
                )
        finally:
            await db.dispose()

    asyncio.run(run())


@click.group()
def bench() -> None:
    """Benchmarks that need the package (see also bench/)."""


@bench.command("speed-dating")
@click.option("--train", "train_csv", type=click.Path(exists=True, path_type=Path))
@click.option("--test", "test_csv", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--data",
    type=click.Path(exists=True, path_type=Path),
    help="The whole study CSV, split with --train-waves instead of --train/--test.",
)
@click.option("--train-waves", default="1-10", show_default=True)
def speed_dating(
    train_csv: Path | None, test_csv: Path | None, data: Path | None, train_waves: str
) -> None:
    """Score the public speed-dating study with the engine; last line is JSON."""
    from dinner1.matching.speed_dating import evaluate, split_by_wave

    if train_csv is None or test_csv is None:
        if data is None:
            raise click.UsageError("give --train and --test, or --data with --train-waves")
        low, _, high = train_waves.partition("-")
        waves = set(range(int(low), int(high or low) + 1))
        folder = Path(tempfile.mkdtemp(prefix="dinner1-speed-dating-"))
        train_csv, test_csv = folder / "train.csv", folder / "test.csv"
        split_by_wave(data, waves, train_csv, test_csv)
    result = evaluate(train_csv, test_csv)
    click.echo(
        f"train waves → {result['train_pairs']} pairs, test → {result['test_pairs']} "
        f"pairs ({result['test_matches']} mutual matches)"
    )
    click.echo(
        f"engine (learned weights) AUC {result['pre_date_auc']}, expert weights "
        f"{result['pre_date_auc_expert_weights']}, int_corr {result['baseline_int_corr_auc']}"
    )
    click.echo(json.dumps(result))
