from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from redis.asyncio import Redis

from dinner1.core.jobs import (
    InProcessJobQueue,
    RedisJobKeys,
    RedisJobQueue,
    RedisJobWorker,
    job,
)
from dinner1.core.pubsub import InProcessPubSub, PubSub, RedisPubSub
from dinner1.db.session import enqueue_job, publish_event
from dinner1.runtime import Runtime
from tests.fixtures.jobs import run_queued_jobs

needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set")

SEEN: list[dict[str, Any]] = []
FAILURES: dict[str, int] = {}


@job("tests.record")
async def record(_runtime: Runtime, payload: dict[str, Any]) -> None:
    SEEN.append(payload)


@job("tests.flaky", max_attempts=3)
async def flaky(_runtime: Runtime, payload: dict[str, Any]) -> None:
    key = payload["key"]
    FAILURES[key] = FAILURES.get(key, 0) + 1
    if FAILURES[key] < 2:
        raise RuntimeError("first attempt fails")
    SEEN.append(payload)


async def first_message(pubsub: PubSub, channel: str, publish: Any) -> tuple[str, dict[str, Any]]:
    subscription = pubsub.subscribe(channel)
    receiver = asyncio.ensure_future(subscription.__anext__())
    await asyncio.sleep(0.1)  # let the subscription start before publishing
    await publish()
    try:
        return await asyncio.wait_for(receiver, 5)
    finally:
        await subscription.aclose()  # type: ignore[attr-defined]


async def test_in_process_pubsub_delivers_to_subscribers() -> None:
    bus = InProcessPubSub()
    got = await first_message(bus, "room:1", lambda: bus.publish("room:1", {"n": 1}))
    assert got == ("room:1", {"n": 1})


@needs_redis
async def test_redis_pubsub_crosses_processes() -> None:
    # Two clients stand for two app processes behind a load balancer.
    url = os.environ["REDIS_URL"]
    a, b = Redis.from_url(url), Redis.from_url(url)
    try:
        sender, receiver = RedisPubSub(a, "d1test-ps:"), RedisPubSub(b, "d1test-ps:")
        got = await first_message(receiver, "room:7", lambda: sender.publish("room:7", {"hi": "x"}))
        assert got == ("room:7", {"hi": "x"})
    finally:
        await a.aclose()
        await b.aclose()


async def test_events_and_jobs_leave_only_after_commit(runtime: Runtime) -> None:
    SEEN.clear()
    received: list[tuple[str, dict[str, Any]]] = []
    subscription = runtime.pubsub.subscribe("test:events")

    async def listen() -> None:
        async for message in subscription:
            received.append(message)

    listener = asyncio.create_task(listen())
    await asyncio.sleep(0.1)

    async def abandoned_unit_of_work() -> None:
        async with runtime.db.unit_of_work() as session:
            enqueue_job(session, "tests.record", {"rolled": "back"})
            publish_event(session, "test:events", {"rolled": "back"})
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError):
        await abandoned_unit_of_work()
    async with runtime.db.unit_of_work() as session:
        enqueue_job(session, "tests.record", {"committed": True})
        publish_event(session, "test:events", {"committed": True})
    await run_queued_jobs(runtime)
    await asyncio.sleep(0.2)
    listener.cancel()
    assert SEEN == [{"committed": True}]
    assert received == [("test:events", {"committed": True})]


async def test_in_process_jobs_retry_after_a_failure(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dinner1.core.jobs.retry_delay", lambda attempt: 0.01)
    queue = InProcessJobQueue()
    queue.start(runtime)
    SEEN.clear()
    await queue.push("tests.flaky", {"key": "in-process"})
    for _ in range(100):
        if SEEN:
            break
        await asyncio.sleep(0.02)
    await queue.close()
    assert SEEN == [{"key": "in-process"}]
    assert FAILURES["in-process"] == 2


async def test_unknown_jobs_are_refused_at_enqueue() -> None:
    with pytest.raises(KeyError):
        await InProcessJobQueue().push("tests.nope", {})


@needs_redis
async def test_redis_worker_runs_retries_and_recovers_orphans(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dinner1.core.jobs.retry_delay", lambda attempt: 0.0)
    redis = Redis.from_url(os.environ["REDIS_URL"])
    prefix = runtime.settings.redis_prefix + "w:"
    keys = RedisJobKeys(prefix + "jobs:")
    producer = RedisJobQueue(redis, prefix)
    SEEN.clear()
    await producer.push("tests.record", {"n": 1})
    await producer.push("tests.flaky", {"key": "redis"})
    # A job left in the processing list of a worker that died (no heartbeat).
    await redis.lpush(
        keys.processing("deadbeef0000-0"),
        b'{"id":"x","name":"tests.record","payload":{"n":"orphan"},"attempt":0}',
    )
    worker = RedisJobWorker(runtime, redis, prefix, concurrency=2)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        async with asyncio.timeout(15):
            while len(SEEN) < 3:
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await task
        keys_left = [k async for k in redis.scan_iter(match=prefix + "*")]
        if keys_left:
            await redis.delete(*keys_left)
        await redis.aclose()
    assert {"n": 1} in SEEN and {"key": "redis"} in SEEN and {"n": "orphan"} in SEEN
