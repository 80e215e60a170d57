from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from dinner1.core.ratelimit import MemoryCounterStore
from dinner1.core.scheduler import DailyAt, Entry, Every, Scheduler


def test_daily_runs_follow_local_time_across_ramadan_clock_changes() -> None:
    nightly = DailyAt(time(0, 5), "Africa/Casablanca")
    # Morocco is UTC+1 in June, UTC+0 during Ramadan (early March 2026).
    june = nightly.next_after(datetime(2026, 6, 10, 12, 0, tzinfo=UTC))
    assert june == datetime(2026, 6, 10, 23, 5, tzinfo=UTC)
    ramadan = nightly.next_after(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    assert ramadan == datetime(2026, 3, 2, 0, 5, tzinfo=UTC)


def test_intervals_align_to_the_clock() -> None:
    assert Every(600).next_after(datetime(2026, 1, 1, 10, 3, tzinfo=UTC)) == datetime(
        2026, 1, 1, 10, 10, tzinfo=UTC
    )


async def test_a_tick_is_queued_once_even_with_two_schedulers() -> None:
    claims = MemoryCounterStore()
    queued: list[tuple[str, dict[str, Any]]] = []

    async def enqueue(name: str, payload: dict[str, Any]) -> None:
        queued.append((name, payload))

    now = datetime(2026, 1, 1, tzinfo=UTC)
    entry = Entry("nightly", "matching.refresh_all", Every(60))
    first = Scheduler([entry], enqueue, claims, now=lambda: now)
    second = Scheduler([entry], enqueue, claims, now=lambda: now)
    assert await first.fire(entry, now) is True
    assert await second.fire(entry, now) is False
    assert queued == [("matching.refresh_all", {})]
