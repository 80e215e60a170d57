"""Everything a process holds for its lifetime, built once at start and closed at stop."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time

from redis.asyncio import Redis

from dinner1.config import Settings
from dinner1.core.jobs import InProcessJobQueue, JobQueue, RedisJobQueue
from dinner1.core.pubsub import InProcessPubSub, PubSub, RedisPubSub
from dinner1.core.ratelimit import (
    CounterStore,
    LoginThrottle,
    MemoryCounterStore,
    RateLimiter,
    RedisCounterStore,
)
from dinner1.core.scheduler import DailyAt, Entry, Every, Scheduler
from dinner1.core.storage import LocalMediaStorage, MediaStorage
from dinner1.db.engine import create_engine
from dinner1.db.session import Database, PendingWork
from dinner1.matching import embeddings
from dinner1.matching.engine import MatchingEngine
from dinner1.tenants.service import TenantDirectory

logger = logging.getLogger(__name__)

# Modules whose `@job` handlers must be registered in every process that runs jobs.
TASK_MODULES = (
    "dinner1.mail.tasks",
    "dinner1.matching.tasks",
    "dinner1.bookings.tasks",
    "dinner1.deals.tasks",
    "dinner1.safety.tasks",
    "dinner1.privacy.tasks",
)


@dataclass
class Runtime:
    settings: Settings
    db: Database
    redis: Redis | None
    pubsub: PubSub
    jobs: JobQueue
    limiter: RateLimiter
    login_throttle: LoginThrottle
    tenants: TenantDirectory
    matching: MatchingEngine
    media: MediaStorage
    scheduler: Scheduler | None = None

    async def dispatch(self, work: PendingWork) -> None:
        """Called after a commit; the data is durable, so failures here are logged only."""
        for name, payload in work.jobs:
            try:
                await self.jobs.push(name, payload)
            except Exception:
                logger.exception("could not queue job", extra={"job": name})
        for channel, data in work.events:
            try:
                await self.pubsub.publish(channel, data)
            except Exception:
                logger.exception("could not publish event", extra={"channel": channel})


def register_task_modules() -> None:
    for module in TASK_MODULES:
        importlib.import_module(module)


async def start_runtime(settings: Settings, *, run_jobs: bool | None = None) -> Runtime:
    register_task_modules()
    embeddings.use_model_cache(settings.data_dir / "models")
    db = Database(create_engine(settings))
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    store: CounterStore
    pubsub: PubSub
    jobs: JobQueue
    if redis is not None:
        store = RedisCounterStore(redis, settings.redis_prefix)
        pubsub = RedisPubSub(redis, settings.redis_prefix)
    else:
        store = MemoryCounterStore()
        pubsub = InProcessPubSub()
    in_process = settings.jobs_in_process if run_jobs is None else run_jobs
    if in_process or redis is None:
        jobs = InProcessJobQueue()
    else:
        jobs = RedisJobQueue(redis, settings.redis_prefix)
    runtime = Runtime(
        settings=settings,
        db=db,
        redis=redis,
        pubsub=pubsub,
        jobs=jobs,
        limiter=RateLimiter(store, settings.rate_limit),
        login_throttle=LoginThrottle(store, settings.rate_limit),
        tenants=TenantDirectory(db),
        matching=MatchingEngine(db, settings.data_dir / "matching"),
        media=LocalMediaStorage(settings.media_dir),
    )
    db.dispatcher = runtime.dispatch
    await db.open_fast_reader(settings)
    if isinstance(jobs, InProcessJobQueue):
        jobs.start(runtime)
        start_scheduler(runtime)
    return runtime


def schedule(settings: Settings) -> list[Entry]:
    return [
        # A few minutes after local midnight: everyone's matches for the new day.
        Entry(
            "nightly-matches",
            "matching.refresh_all",
            DailyAt(time(0, 5), settings.locale.default_timezone),
        ),
        Entry("mail-sweep", "mail.sweep", Every(600)),
        Entry("no-shows", "bookings.sweep_no_shows", Every(900)),
        # On the hour: the slots entering the owners' lead times (e.g. 48 h ahead).
        Entry("auto-post", "deals.auto_post", Every(3600)),
        # Risk scores move with reports and behaviour: rescored every half hour.
        Entry("risk", "safety.recompute_risk", Every(1800)),
        # Erasure past the grace period, anonymization of long-inactive accounts and the
        # removal of expired exports run in the quiet of the night.
        Entry(
            "erase-due",
            "privacy.erase_due",
            DailyAt(time(3, 10), settings.locale.default_timezone),
        ),
        Entry(
            "anonymize-inactive",
            "privacy.anonymize_inactive",
            DailyAt(time(3, 40), settings.locale.default_timezone),
        ),
        Entry("purge-exports", "privacy.purge_exports", Every(3600)),
    ]


def start_scheduler(runtime: Runtime) -> None:
    """Run recurring jobs from this process (the one that runs jobs)."""
    runtime.scheduler = Scheduler(
        schedule(runtime.settings),
        runtime.jobs.push,
        runtime.limiter.store,
        now=lambda: datetime.now(UTC),
    )
    runtime.scheduler.start()


async def stop_runtime(runtime: Runtime) -> None:
    if runtime.scheduler is not None:
        await runtime.scheduler.stop()
    await runtime.jobs.close()
    await runtime.pubsub.close()
    if runtime.redis is not None:
        await runtime.redis.aclose()
    await runtime.db.dispose()
