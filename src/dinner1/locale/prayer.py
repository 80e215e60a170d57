"""Daily prayer times for Moroccan places, computed offline with the Habous ministry's method.

The Ministry of Habous and Islamic Affairs publishes its timetables without a formula. Its
published Casablanca and Rabat tables are reproduced to within a minute or two by a Fajr
angle of 19°, an Isha angle of 17°, Maliki (single-shadow) Asr, and three fixed corrections:
sunrise 3 minutes earlier, Dhuhr and Maghrib 5 minutes later than the astronomical event
(see tests/locale/test_calendar.py for the reference days). Times come back as aware
datetimes in the place's zone, so the Ramadan switch of Africa/Casablanca from UTC+1 to
UTC+0 is tzdata's business, never an offset written here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo

from adhanpy.calculation.CalculationParameters import (
    CalculationParameters,
)
from adhanpy.calculation.PrayerAdjustments import (
    PrayerAdjustments,
)
from adhanpy.PrayerTimes import PrayerTimes as AdhanPrayerTimes

from dinner1.locale import cities

MOROCCO_TIMEZONE: Final = "Africa/Casablanca"
PRAYER_NAMES: Final = ("fajr", "dhuhr", "asr", "maghrib", "isha")


@dataclass(frozen=True, slots=True)
class Place:
    """A point on the map and the zone its clocks follow."""

    name: str
    latitude: float
    longitude: float
    timezone: str = MOROCCO_TIMEZONE

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class PrayerMethod:
    """Twilight angles and the minutes the authority adds to each astronomical event."""

    fajr_angle: float
    isha_angle: float
    fajr_minutes: int = 0
    sunrise_minutes: int = 0
    dhuhr_minutes: int = 0
    asr_minutes: int = 0
    maghrib_minutes: int = 0
    isha_minutes: int = 0


MOROCCO_HABOUS: Final = PrayerMethod(
    fajr_angle=19.0, isha_angle=17.0, sunrise_minutes=-3, dhuhr_minutes=5, maghrib_minutes=5
)

CITIES: Final[Mapping[str, Place]] = {
    city.key: Place(city.label, city.lat, city.lon, city.timezone) for city in cities.CITIES
}
CITY_ALIASES: Final[Mapping[str, str]] = cities.CITY_ALIASES

PlaceLike = Place | str | tuple[float, float]


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A half-open interval [start, end) of aware datetimes."""

    start: datetime
    end: datetime

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return start < self.end and self.start < end


@dataclass(frozen=True, slots=True)
class PrayerTimes:
    """The six daily times of one place and local day, as aware datetimes in its zone."""

    day: date
    place: Place
    fajr: datetime
    sunrise: datetime
    dhuhr: datetime
    asr: datetime
    maghrib: datetime
    isha: datetime

    def prayers(self) -> tuple[tuple[str, datetime], ...]:
        """The five prayers in order (sunrise is a time, not a prayer)."""
        return tuple((name, getattr(self, name)) for name in PRAYER_NAMES)


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def city_named(name: str) -> Place:
    """The listed Moroccan city called `name` (case, accents and common spellings ignored)."""
    key = _folded(name)
    place = CITIES.get(CITY_ALIASES.get(key, key))
    if place is None:
        raise KeyError(f"unknown city {name!r}; pass (latitude, longitude) instead")
    return place


def resolve_place(place: PlaceLike) -> Place:
    """A Place from a Place, a city name, or (latitude, longitude) in Morocco's zone."""
    if isinstance(place, Place):
        return place
    if isinstance(place, str):
        return city_named(place)
    latitude, longitude = place
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        raise ValueError("latitude must be within ±90 and longitude within ±180")
    return Place(f"{latitude:.4f},{longitude:.4f}", latitude, longitude)


def prayer_times(place: PlaceLike, day: date, method: PrayerMethod = MOROCCO_HABOUS) -> PrayerTimes:
    """Prayer times of `place` on its local calendar day `day`."""
    return _prayer_times(resolve_place(place), day, method)


@lru_cache(maxsize=32768)
def _prayer_times(place: Place, day: date, method: PrayerMethod) -> PrayerTimes:
    adjustments = PrayerAdjustments(
        fajr=method.fajr_minutes,
        sunrise=method.sunrise_minutes,
        dhuhr=method.dhuhr_minutes,
        asr=method.asr_minutes,
        maghrib=method.maghrib_minutes,
        isha=method.isha_minutes,
    )
    parameters = CalculationParameters(
        fajr_angle=method.fajr_angle, isha_angle=method.isha_angle, adjustments=adjustments
    )
    # adhanpy reads only the calendar fields of this datetime; it is the local day.
    computed = AdhanPrayerTimes(
        (place.latitude, place.longitude),
        datetime(day.year, day.month, day.day, tzinfo=UTC),
        calculation_parameters=parameters,
        time_zone=place.zone,
    )
    times: dict[str, datetime] = {
        name: getattr(computed, name) for name in ("sunrise", *PRAYER_NAMES)
    }
    return PrayerTimes(day=day, place=place, **times)


def _require_aware(*moments: datetime) -> None:
    if any(moment.tzinfo is None or moment.utcoffset() is None for moment in moments):
        raise ValueError("start and end must be timezone-aware datetimes")


def prayers_during(
    start: datetime,
    end: datetime,
    place: PlaceLike,
    *,
    margin_minutes: int = 20,
    lead_minutes: int = 0,
) -> list[tuple[str, datetime]]:
    """Prayers whose time, from `lead_minutes` before the call to `margin_minutes` after it,
    meets [start, end). The margin covers the call, the wait for iqama and the prayer."""
    _require_aware(start, end)
    if end <= start:
        return []
    resolved = resolve_place(place)
    first_day = start.astimezone(resolved.zone).date() - timedelta(days=1)
    last_day = end.astimezone(resolved.zone).date()
    found: list[tuple[str, datetime]] = []
    day = first_day
    while day <= last_day:
        for name, moment in prayer_times(resolved, day).prayers():
            window = TimeWindow(
                moment - timedelta(minutes=lead_minutes), moment + timedelta(minutes=margin_minutes)
            )
            if window.overlaps(start, end):
                found.append((name, moment))
        day += timedelta(days=1)
    return found


def overlaps_prayer(
    start: datetime,
    end: datetime,
    place: PlaceLike,
    *,
    margin_minutes: int = 20,
    lead_minutes: int = 0,
) -> bool:
    """Whether [start, end) meets a prayer (the "not during prayer" search filter)."""
    return bool(
        prayers_during(start, end, place, margin_minutes=margin_minutes, lead_minutes=lead_minutes)
    )


def after_maghrib_window(
    place: PlaceLike, day: date, *, delay_minutes: int = 0, duration_minutes: int = 120
) -> TimeWindow:
    """The window that opens `delay_minutes` after Maghrib (iftar during Ramadan)."""
    maghrib = prayer_times(place, day).maghrib
    start = maghrib + timedelta(minutes=delay_minutes)
    return TimeWindow(start, start + timedelta(minutes=duration_minutes))
