"""Counters with expiry for rate limits and login slow-down; in memory or in Redis."""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis

from dinner1.config import RateLimitSettings
from dinner1.core.errors import RateLimited


class CounterStore(Protocol):
    async def incr(self, key: str, window_seconds: int) -> tuple[int, float]:
        """Increment; the window starts at the first hit. Returns (count, seconds left)."""

    async def lock(self, key: str, seconds: float) -> None: ...

    async def locked_for(self, key: str) -> float:
        """Seconds until `key` unlocks, 0 when it is not locked."""

    async def delete(self, *keys: str) -> None: ...


class MemoryCounterStore:
    """Per-process store for the embedded setup (several processes need Redis)."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[int, float]] = {}

    def _live(self, key: str, now: float) -> tuple[int, float] | None:
        entry = self._values.get(key)
        if entry is None or entry[1] <= now:
            self._values.pop(key, None)
            return None
        return entry

    async def incr(self, key: str, window_seconds: int) -> tuple[int, float]:
        now = time.monotonic()
        if len(self._values) > 100_000:
            self._purge(now)
        entry = self._live(key, now)
        count, expires = (entry[0] + 1, entry[1]) if entry else (1, now + window_seconds)
        self._values[key] = (count, expires)
        return count, expires - now

    async def lock(self, key: str, seconds: float) -> None:
        self._values[key] = (1, time.monotonic() + seconds)

    async def locked_for(self, key: str) -> float:
        now = time.monotonic()
        entry = self._live(key, now)
        return entry[1] - now if entry else 0.0

    async def delete(self, *keys: str) -> None:
        for key in keys:
            self._values.pop(key, None)

    def _purge(self, now: float) -> None:
        for key in [k for k, (_, exp) in self._values.items() if exp <= now]:
            del self._values[key]


class RedisCounterStore:
    """Shared across app processes, so limits hold behind a load balancer."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix + "rl:"

    async def incr(self, key: str, window_seconds: int) -> tuple[int, float]:
        full = self._prefix + key
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(full)
            pipe.expire(full, window_seconds, nx=True)
            pipe.pttl(full)
            count, _, ttl_ms = await pipe.execute()
        return int(count), max(int(ttl_ms), 0) / 1000

    async def lock(self, key: str, seconds: float) -> None:
        await self._redis.set(self._prefix + key, 1, px=max(1, int(seconds * 1000)))

    async def locked_for(self, key: str) -> float:
        ttl_ms = int(await self._redis.pttl(self._prefix + key))
        return ttl_ms / 1000 if ttl_ms > 0 else 0.0

    async def delete(self, *keys: str) -> None:
        if keys:
            await self._redis.delete(*(self._prefix + k for k in keys))


def _digest(value: str) -> str:
    # Keys hold digests so emails and addresses never sit in Redis in clear.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


@dataclass
class RateLimiter:
    store: CounterStore
    settings: RateLimitSettings

    async def check(self, bucket: str, identity: str, limit: int, window_seconds: int) -> None:
        """Count one hit; raise `RateLimited` once `limit` hits fall in the window."""
        if not self.settings.enabled:
            return
        count, left = await self.store.incr(f"{bucket}:{_digest(identity)}", window_seconds)
        if count > limit:
            raise RateLimited(math.ceil(left))


@dataclass
class LoginThrottle:
    """Slows login down after failures, per account and per client address.

    The first `login_failures_free` failures cost nothing; each later one doubles a lock
    (2 s, 4 s, 8 s … up to `login_max_delay_seconds`) during which attempts get 429.
    """

    store: CounterStore
    settings: RateLimitSettings

    def _keys(self, tenant: str, account: str, ip: str) -> list[tuple[str, str]]:
        return [
            (f"lf:a:{_digest(tenant + account)}", f"ll:a:{_digest(tenant + account)}"),
            (f"lf:i:{_digest(ip)}", f"ll:i:{_digest(ip)}"),
        ]

    async def before_attempt(self, tenant: str, account: str, ip: str) -> None:
        if not self.settings.enabled:
            return
        count, left = await self.store.incr(f"la:i:{_digest(ip)}", 60)
        if count > self.settings.login_attempts_per_ip_per_minute:
            raise RateLimited(math.ceil(left))
        for _, lock_key in self._keys(tenant, account, ip):
            wait = await self.store.locked_for(lock_key)
            if wait > 0:
                raise RateLimited(math.ceil(wait))

    async def record_failure(self, tenant: str, account: str, ip: str) -> None:
        if not self.settings.enabled:
            return
        # The per-address budget is wider: many people can share one address (NAT, cafés).
        for index, (fail_key, lock_key) in enumerate(self._keys(tenant, account, ip)):
            free = self.settings.login_failures_free * (1 if index == 0 else 4)
            count, _ = await self.store.incr(fail_key, self.settings.failure_window_seconds)
            if count > free:
                delay = min(2 ** (count - free), self.settings.login_max_delay_seconds)
                await self.store.lock(lock_key, delay)

    async def record_success(self, tenant: str, account: str, ip: str) -> None:
        account_fail, account_lock = self._keys(tenant, account, ip)[0]
        await self.store.delete(account_fail, account_lock)
