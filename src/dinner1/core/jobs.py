"""Background jobs: an in-process runner for the embedded setup, a Redis broker at scale.

Handlers register with `@job("domain.verb")` in their domain's `tasks.py`; the runtime
imports those modules at start. Jobs are at-least-once: handlers must be idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

import orjson
from redis.asyncio import Redis

if TYPE_CHECKING:
    from dinner1.runtime import Runtime

logger = logging.getLogger(__name__)

JobHandler = Callable[["Runtime", dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class JobSpec:
    name: str
    handler: JobHandler
    max_attempts: int


_REGISTRY: dict[str, JobSpec] = {}


def job(name: str, *, max_attempts: int = 5) -> Callable[[JobHandler], JobHandler]:
    def register(handler: JobHandler) -> JobHandler:
        if name in _REGISTRY and _REGISTRY[name].handler is not handler:
            raise RuntimeError(f"job {name!r} registered twice")
        _REGISTRY[name] = JobSpec(name, handler, max_attempts)
        return handler

    return register


def registered_jobs() -> dict[str, JobSpec]:
    return dict(_REGISTRY)


def retry_delay(attempt: int) -> float:
    return float(min(2**attempt, 300))


async def execute(runtime: Runtime, message: dict[str, Any]) -> bool:
    """Run one job message. Returns False when it failed and should be retried."""
    spec = _REGISTRY.get(message["name"])
    if spec is None:
        logger.error("unknown job dropped", extra={"job": message["name"]})
        return True
    started = time.perf_counter()
    try:
        await spec.handler(runtime, message["payload"])
    except Exception:
        attempt = int(message.get("attempt", 0)) + 1
        final = attempt >= spec.max_attempts
        logger.exception(
            "job failed",
            extra={"job": spec.name, "job_id": message["id"], "attempt": attempt, "final": final},
        )
        return final
    logger.info(
        "job done",
        extra={
            "job": spec.name,
            "job_id": message["id"],
            "ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return True


def new_message(name: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"id": uuid.uuid4().hex, "name": name, "payload": payload, "attempt": 0}


class JobQueue(Protocol):
    async def push(self, name: str, payload: dict[str, Any]) -> None: ...

    async def close(self) -> None: ...


class InProcessJobQueue:
    """Runs jobs on the app's own event loop. Lost if the process dies mid-job, which is why
    anything that must not be lost (mail) is first written to the database as an outbox."""

    def __init__(self, concurrency: int = 2) -> None:
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._concurrency = concurrency
        self._workers: list[asyncio.Task[None]] = []
        self._retries: set[asyncio.Task[None]] = set()
        self._runtime: Runtime | None = None

    def start(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._workers = [
            asyncio.create_task(self._work(), name=f"jobs-{i}") for i in range(self._concurrency)
        ]

    async def push(self, name: str, payload: dict[str, Any]) -> None:
        if name not in _REGISTRY:
            raise KeyError(f"unknown job {name!r}")
        await self._queue.put(new_message(name, payload))

    async def drain(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109 - bounded wait by design
        """Wait until every queued job ran (tests and graceful shutdown)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), timeout)

    async def _work(self) -> None:
        assert self._runtime is not None
        while True:
            message = await self._queue.get()
            try:
                if not await execute(self._runtime, message):
                    self._schedule_retry(message)
            finally:
                self._queue.task_done()

    def _schedule_retry(self, message: dict[str, Any]) -> None:
        message = {**message, "attempt": int(message.get("attempt", 0)) + 1}

        async def later() -> None:
            await asyncio.sleep(retry_delay(message["attempt"]))
            await self._queue.put(message)

        task = asyncio.create_task(later())
        self._retries.add(task)
        task.add_done_callback(self._retries.discard)

    async def close(self) -> None:
        await self.drain(timeout=5.0)
        for task in [*self._workers, *self._retries]:
            task.cancel()
        for task in [*self._workers, *self._retries]:
            with contextlib.suppress(asyncio.CancelledError):
                await task


class RedisJobQueue:
    """Producer side of the Redis broker; `RedisJobWorker` consumes."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.keys = RedisJobKeys(prefix + "jobs:")

    async def push(self, name: str, payload: dict[str, Any]) -> None:
        if name not in _REGISTRY:
            raise KeyError(f"unknown job {name!r}")
        await self.redis.lpush(self.keys.ready, orjson.dumps(new_message(name, payload)))

    async def close(self) -> None:
        return None


@dataclass(frozen=True)
class RedisJobKeys:
    base: str

    @property
    def ready(self) -> str:
        return self.base + "ready"

    @property
    def delayed(self) -> str:
        return self.base + "delayed"

    @property
    def dead(self) -> str:
        return self.base + "dead"

    def processing(self, worker_id: str) -> str:
        return self.base + "processing:" + worker_id

    def heartbeat(self, worker_id: str) -> str:
        return self.base + "alive:" + worker_id


class RedisJobWorker:
    """Moves a job from `ready` to its own processing list, runs it, then drops it; a
    worker that dies leaves its list behind and the next worker to start requeues it."""

    HEARTBEAT_TTL = 30

    def __init__(self, runtime: Runtime, redis: Redis, prefix: str, concurrency: int = 4) -> None:
        self.runtime = runtime
        self.redis = redis
        self.keys = RedisJobKeys(prefix + "jobs:")
        self.worker_id = uuid.uuid4().hex[:12]
        self.concurrency = concurrency
        self.processed = 0

    async def run(self, stop: asyncio.Event) -> None:
        await self.redis.set(self.keys.heartbeat(self.worker_id), 1, ex=self.HEARTBEAT_TTL)
        await self._recover_orphans()
        loops = [asyncio.create_task(self._loop(i, stop)) for i in range(self.concurrency)]
        loops.append(asyncio.create_task(self._housekeeping(stop)))
        try:
            await stop.wait()
        finally:
            for task in loops:
                task.cancel()
            for task in loops:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await self.redis.delete(self.keys.heartbeat(self.worker_id))

    async def _loop(self, index: int, stop: asyncio.Event) -> None:
        processing = self.keys.processing(f"{self.worker_id}-{index}")
        while not stop.is_set():
            raw = await self.redis.blmove(self.keys.ready, processing, 1, "RIGHT", "LEFT")
            if raw is None:
                continue
            message = orjson.loads(raw)
            if not await execute(self.runtime, message):
                await self._retry_later(message)
            await self.redis.lrem(processing, 1, cast(str, raw))
            self.processed += 1

    async def _retry_later(self, message: dict[str, Any]) -> None:
        attempt = int(message.get("attempt", 0)) + 1
        spec = _REGISTRY.get(message["name"])
        payload = orjson.dumps({**message, "attempt": attempt})
        if spec is None or attempt >= spec.max_attempts:
            await self.redis.lpush(self.keys.dead, payload)
            return
        await self.redis.zadd(self.keys.delayed, {payload: time.time() + retry_delay(attempt)})

    async def _housekeeping(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.redis.set(self.keys.heartbeat(self.worker_id), 1, ex=self.HEARTBEAT_TTL)
            due = await self.redis.zrangebyscore(self.keys.delayed, 0, time.time())
            for raw in due:
                member = cast(bytes, raw)
                # Only the worker whose ZREM succeeds requeues, so each retry runs once.
                if await self.redis.zrem(self.keys.delayed, member):
                    await self.redis.lpush(self.keys.ready, member)
            await self._recover_orphans()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 5.0)

    async def _recover_orphans(self) -> None:
        async for key in self.redis.scan_iter(match=self.keys.base + "processing:*"):
            key_str = key.decode() if isinstance(key, bytes) else key
            owner = key_str.rsplit(":", 1)[-1].split("-", 1)[0]
            if await self.redis.exists(self.keys.heartbeat(owner)):
                continue
            while await self.redis.lmove(key_str, self.keys.ready, "RIGHT", "LEFT"):
                logger.warning("requeued a job from a dead worker", extra={"worker": owner})
