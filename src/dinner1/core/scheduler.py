"""Recurring jobs (the nightly match refresh, the mail sweeper).

Runs in whichever process runs jobs (the app in the embedded setup, `dinner1 worker` at
scale). Each due run is claimed once through the rate-limit store (Redis when
configured), so several workers never run the same tick twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dinner1.core.ratelimit import CounterStore

logger = logging.getLogger(__name__)
Enqueue = Callable[[str, dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class Every:
    seconds: int

    def next_after(self, moment: datetime) -> datetime:
        epoch = int(moment.timestamp())
        return datetime.fromtimestamp(epoch - epoch % self.seconds + self.seconds, moment.tzinfo)


@dataclass(frozen=True)
class DailyAt:
    at: time
    timezone: str

    def next_after(self, moment: datetime) -> datetime:
        local = moment.astimezone(ZoneInfo(self.timezone))
        candidate = datetime.combine(local.date(), self.at, tzinfo=local.tzinfo)
        if candidate <= local:
            candidate = datetime.combine(
                local.date() + timedelta(days=1), self.at, tzinfo=local.tzinfo
            )
        return candidate.astimezone(moment.tzinfo)


@dataclass(frozen=True)
class Entry:
    name: str
    job: str
    when: Every | DailyAt
    payload: dict[str, Any] = field(default_factory=dict)


class Scheduler:
    def __init__(
        self,
        entries: list[Entry],
        enqueue: Enqueue,
        claims: CounterStore,
        now: Callable[[], datetime],
    ) -> None:
        self._entries = entries
        self._enqueue = enqueue
        self._claims = claims
        self._now = now
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        due = {entry.name: entry.when.next_after(self._now()) for entry in self._entries}
        while True:
            now = self._now()
            for entry in self._entries:
                if due[entry.name] <= now:
                    await self.fire(entry, due[entry.name])
                    due[entry.name] = entry.when.next_after(now)
            wake = min(due.values()) if due else now + timedelta(minutes=1)
            await asyncio.sleep(min(60.0, max(0.5, (wake - self._now()).total_seconds())))

    async def fire(self, entry: Entry, due: datetime) -> bool:
        """Enqueue one run unless another process already claimed this tick."""
        count, _ = await self._claims.incr(f"sched:{entry.name}:{int(due.timestamp())}", 86400)
        if count != 1:
            return False
        try:
            await self._enqueue(entry.job, entry.payload)
        except Exception:
            logger.exception("scheduled job could not be queued", extra={"job": entry.job})
            return False
        logger.info("scheduled job queued", extra={"job": entry.job, "entry": entry.name})
        return True
