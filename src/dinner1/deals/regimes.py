"""The demand regime of a day: ordinary, a Moroccan holiday, or Ramadan (aligned on Maghrib)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from dinner1.locale import calendar
from dinner1.locale.prayer import Place, prayer_times


class HolidayKind(StrEnum):
    NONE = "none"
    CIVIC = "civic"
    ISLAMIC = "islamic"


@dataclass(frozen=True, slots=True)
class DayContext:
    day: date
    ramadan: bool
    holiday: HolidayKind
    holiday_name: str | None
    # Local clock hour (0–23) in which Maghrib falls: iftar during Ramadan.
    maghrib_hour: int

    @property
    def label(self) -> str:
        parts = ["Ramadan" if self.ramadan else "ordinary day"]
        if self.holiday is not HolidayKind.NONE:
            parts.append(f"holiday ({self.holiday_name})")
        return ", ".join(parts)


@lru_cache(maxsize=65536)
def day_context(day: date, place: Place) -> DayContext:
    """Calendar facts that move demand at `place` on its local day `day`."""
    holidays = calendar.holidays_on(day)
    if not holidays:
        kind = HolidayKind.NONE
    elif any(holiday.islamic for holiday in holidays):
        kind = HolidayKind.ISLAMIC
    else:
        kind = HolidayKind.CIVIC
    return DayContext(
        day=day,
        ramadan=calendar.is_ramadan(day),
        holiday=kind,
        holiday_name="; ".join(holiday.name for holiday in holidays) or None,
        maghrib_hour=prayer_times(place, day).maghrib.hour,
    )
