"""Booking history as covers per venue-local hour, and the day × hour occupancy grid.

Bookings are stored in UTC; demand follows the venue's wall clock, so history is kept per
local (day, hour). An open hour with no booking is a zero; an hour the venue was closed is
missing (NaN in the grid), so closed hours never read as dead ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

HOURS = 24
# weekday (Monday = 0) → local hours the venue is open.
WeeklyHours = Mapping[int, Collection[int]]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class HourlyCovers:
    """Covers seated in one venue-local hour."""

    day: date
    hour: int
    covers: int


def covers_by_local_hour(
    bookings: Iterable[tuple[datetime, int]], timezone: str
) -> list[HourlyCovers]:
    """Sum covers per venue-local (day, hour) from (aware start time, covers) bookings."""
    zone = ZoneInfo(timezone)
    totals: dict[tuple[date, int], int] = defaultdict(int)
    for starts_at, covers in bookings:
        if starts_at.tzinfo is None:
            raise ValueError("booking times must be timezone-aware")
        local = starts_at.astimezone(zone)
        totals[(local.date(), local.hour)] += covers
    return [HourlyCovers(day, hour, covers) for (day, hour), covers in sorted(totals.items())]


def weekly_hours_from_ranges(ranges: Mapping[int, tuple[int, int]]) -> dict[int, frozenset[int]]:
    """{weekday: (opens, closes)} in whole local hours → {weekday: open hours}."""
    return {weekday: frozenset(range(opens, closes)) for weekday, (opens, closes) in ranges.items()}


@dataclass(frozen=True)
class OccupancyGrid:
    """Occupancy (covers / capacity) per local day and hour; NaN where closed or unknown."""

    first_day: date
    values: FloatArray

    @property
    def day_count(self) -> int:
        return int(self.values.shape[0])

    def day_at(self, index: int) -> date:
        return self.first_day + timedelta(days=index)

    def days(self) -> list[date]:
        return [self.day_at(index) for index in range(self.day_count)]

    def value(self, day: date, hour: int) -> float:
        index = (day - self.first_day).days
        if not 0 <= index < self.day_count:
            return float("nan")
        return float(self.values[index, hour])


def occupancy_grid(
    history: Sequence[HourlyCovers],
    capacity: int,
    *,
    first_day: date,
    last_day: date,
    opening_hours: WeeklyHours | None = None,
) -> OccupancyGrid:
    """The grid for first_day..last_day. With opening hours, an open hour without a record
    is a zero; without them, only recorded hours count as open."""
    if capacity <= 0:
        raise ValueError("capacity must be positive")
    day_count = (last_day - first_day).days + 1
    values = np.full((max(day_count, 0), HOURS), np.nan)
    if opening_hours is not None:
        for index in range(day_count):
            open_hours = list(opening_hours.get((first_day + timedelta(days=index)).weekday(), ()))
            values[index, open_hours] = 0.0
    for record in history:
        index = (record.day - first_day).days
        if 0 <= index < day_count:
            previous = values[index, record.hour]
            values[index, record.hour] = (0.0 if np.isnan(previous) else previous) + (
                record.covers / capacity
            )
    return OccupancyGrid(first_day, values)
