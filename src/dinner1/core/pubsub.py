"""Publish/subscribe: in-process for one process, Redis when several processes serve."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any, Protocol

import orjson
from redis.asyncio import Redis

logger = logging.getLogger(__name__)


class PubSub(Protocol):
    async def publish(self, channel: str, data: dict[str, Any]) -> None: ...

    def subscribe(self, *channels: str) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        """Yield (channel, data) for messages published after the subscription starts."""

    async def close(self) -> None: ...


class InProcessPubSub:
    def __init__(self, max_backlog: int = 1000) -> None:
        self._queues: dict[str, set[asyncio.Queue[tuple[str, dict[str, Any]]]]] = defaultdict(set)
        self._max_backlog = max_backlog

    async def publish(self, channel: str, data: dict[str, Any]) -> None:
        for queue in list(self._queues.get(channel, ())):
            try:
                queue.put_nowait((channel, data))
            except asyncio.QueueFull:
                logger.warning("subscriber too slow; message dropped", extra={"channel": channel})

    async def subscribe(self, *channels: str) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue(self._max_backlog)
        for channel in channels:
            self._queues[channel].add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            for channel in channels:
                self._queues[channel].discard(queue)
                if not self._queues[channel]:
                    del self._queues[channel]

    async def close(self) -> None:
        self._queues.clear()


class RedisPubSub:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix + "ps:"

    async def publish(self, channel: str, data: dict[str, Any]) -> None:
        await self._redis.publish(self._prefix + channel, orjson.dumps(data))

    async def subscribe(self, *channels: str) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(*(self._prefix + c for c in channels))
        try:
            while True:
                message = await pubsub.get_message(timeout=30.0)
                if message is None or message.get("type") != "message":
                    continue
                channel = message["channel"]
                if isinstance(channel, bytes):
                    channel = channel.decode()
                yield channel[len(self._prefix) :], orjson.loads(message["data"])
        finally:
            with contextlib.suppress(Exception):
                await pubsub.unsubscribe()
            await pubsub.aclose()  # type: ignore[no-untyped-call, unused-ignore]

    async def close(self) -> None:
        return None
