"""Turning local times into UTC slots: recurrence, templates, opening hours, DST.

Times are entered in the venue's local time. A local time that does not exist (clocks
jump forward, e.g. Morocco leaving Ramadan time) moves forward to the first that does;
a local time that happens twice (clocks go back) takes its first occurrence.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dinner1.locale.calendar import is_ramadan
from dinner1.locale.prayer import Place, prayer_times


@dataclass(frozen=True)
class LocalSlot:
    day: date
    start: time
    end: time  # end ≤ start means the slot ends the next day


@dataclass(frozen=True)
class UtcSlot:
    local_day: date
    starts_at: datetime
    ends_at: datetime
    local_start_minute: int
    local_end_minute: int


def to_utc(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """Local wall time → UTC. With fold=0 (PEP 495), a repeated time is its first
    occurrence and a skipped time is read with the offset before the jump, which lands
    the same distance past the jump (02:30 in a 02:00→03:00 gap becomes 03:30)."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def resolve(slot: LocalSlot, timezone: str) -> UtcSlot:
    zone = ZoneInfo(timezone)
    end_day = slot.day + timedelta(days=1) if slot.end <= slot.start else slot.day
    starts, ends = to_utc(slot.day, slot.start, zone), to_utc(end_day, slot.end, zone)
    end_minute = slot.end.hour * 60 + slot.end.minute
    if end_day != slot.day:
        end_minute += 24 * 60
    return UtcSlot(slot.day, starts, ends, slot.start.hour * 60 + slot.start.minute, end_minute)


def expand_weekly(
    weekdays: list[int], start: time, end: time, first_day: date, weeks: int
) -> Iterator[LocalSlot]:
    for offset in range(weeks * 7):
        day = first_day + timedelta(days=offset)
        if day.weekday() in weekdays:
            yield LocalSlot(day, start, end)


def _round_down(moment: datetime, minutes: int = 5) -> time:
    return time(moment.hour, moment.minute - moment.minute % minutes)


def _round_up(moment: datetime, minutes: int = 5) -> time:
    bumped = moment + timedelta(minutes=(-moment.minute) % minutes)
    return time(bumped.hour, bumped.minute)


def ramadan_slots(kind: str, place: Place, first_day: date, days: int) -> Iterator[LocalSlot]:
    """Iftar from Maghrib for two hours; suhoor from 00:30 until 30 minutes before Fajr."""
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if not is_ramadan(day):
            continue
        times = prayer_times(place, day)
        if kind == "iftar":
            start = _round_up(times.maghrib)
            finish = times.maghrib + timedelta(hours=2)
            yield LocalSlot(day, start, _round_down(finish))
        else:
            yield LocalSlot(day, time(0, 30), _round_down(times.fajr - timedelta(minutes=30)))


def fits_opening_hours(
    hours: dict[str, list[list[str]]], exceptions: dict[str, list[list[str]]], slot: LocalSlot
) -> bool:
    """Whether the slot lies inside one opening range of its day (no hours declared: yes)."""
    ranges = exceptions.get(slot.day.isoformat())
    if ranges is None:
        if not hours:
            return True
        ranges = hours.get(str(slot.day.weekday()), [])
    start = slot.start.hour * 60 + slot.start.minute
    end = slot.end.hour * 60 + slot.end.minute
    end += 24 * 60 if end <= start else 0
    for opening, closing in ranges:
        open_minute = int(opening[:2]) * 60 + int(opening[3:])
        close_minute = int(closing[:2]) * 60 + int(closing[3:])
        close_minute += 24 * 60 if close_minute <= open_minute else 0
        if open_minute <= start and end <= close_minute:
            return True
    return False
