"""Ramadan, Islamic dates and Moroccan public holidays, for search filters and forecasts.

Islamic months are computed with the Umm al-Qura calendar (`hijridate`, valid 1343–1500 AH,
1924–2077). Morocco starts a month only when its own committees sight the crescent, which
usually puts its Ramadan and Islamic feasts one day after Umm al-Qura (2024, 2025 and 2026
all did; 2023 started the same day and ran 30 days). So:

- a per-country day offset is applied to the computed dates (`HIJRI_OFFSET_DAYS`, Morocco 1);
- the dates the ministry has announced override the computation (`ANNOUNCED_RAMADAN`);
- Eid al-Fitr is always the day after that Ramadan, so the calendar never shows a Ramadan
  day on Eid.

Public holidays come from the `holidays` package (country MA). The package marks its lunar
feasts as estimates on the Umm al-Qura day; the same Moroccan offset is applied to those,
and only to those, so a future release that carries confirmed dates is taken as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Final, Literal

import holidays
from hijridate import Gregorian, Hijri

from dinner1.locale.prayer import PlaceLike, TimeWindow, prayer_times

Language = Literal["en", "fr", "ar"]

RAMADAN_MONTH: Final = 9
HIJRI_OFFSET_DAYS: Final[Mapping[str, int]] = {"MA": 1}
# First and (once Eid was announced) last fasting day, from the ministry's communiqués as
# reported by MAP: 1444 challenge.ma 2023-03-22 and yabiladi.com 2023-04-20; 1445
# maroc24.com and le360.ma 2024-04-09; 1446 apanews.net 2025-03-30; 1447 lereporter.ma
# 2026-02-18.
ANNOUNCED_RAMADAN: Final[Mapping[str, Mapping[int, tuple[date, date | None]]]] = {
    "MA": {
        1444: (date(2023, 3, 23), date(2023, 4, 21)),
        1445: (date(2024, 3, 12), date(2024, 4, 9)),
        1446: (date(2025, 3, 2), date(2025, 3, 30)),
        1447: (date(2026, 2, 19), None),
    }
}
_PACKAGE_LANGUAGES: Final[Mapping[Language, str]] = {"en": "en_US", "fr": "fr", "ar": "ar"}
_EID_AL_FITR: Final = "Eid al-Fitr"
_ESTIMATED: Final = "(estimated)"


@dataclass(frozen=True, slots=True)
class RamadanPeriod:
    """The fasting days of one Ramadan, both ends included."""

    hijri_year: int
    first_day: date
    last_day: date
    first_day_announced: bool
    last_day_announced: bool

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def eid_al_fitr(self) -> date:
        return self.last_day + timedelta(days=1)

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True, slots=True)
class Holiday:
    day: date
    name: str
    islamic: bool
    # A lunar date computed ahead of the crescent sighting, not yet announced.
    estimated: bool


def umm_al_qura_month(hijri_year: int, month: int) -> tuple[date, date]:
    """First and last Gregorian day of a Hijri month in the Umm al-Qura calendar."""
    first = Hijri(hijri_year, month, 1).to_gregorian()
    last = first + timedelta(days=Hijri(hijri_year, month, 1).month_length() - 1)
    return date(first.year, first.month, first.day), date(last.year, last.month, last.day)


@lru_cache(maxsize=512)
def ramadan_period(
    hijri_year: int, country: str = "MA", offset_days: int | None = None
) -> RamadanPeriod:
    """Ramadan of `hijri_year` as observed in `country` (announced dates win)."""
    first, last = umm_al_qura_month(hijri_year, RAMADAN_MONTH)
    shift = timedelta(
        days=HIJRI_OFFSET_DAYS.get(country, 0) if offset_days is None else offset_days
    )
    announced_first, announced_last = ANNOUNCED_RAMADAN.get(country, {}).get(
        hijri_year, (None, None)
    )
    first_day = announced_first or first + shift
    last_day = announced_last or last + shift
    # A lunar month has 29 or 30 days, whatever an announced start did to the estimate.
    last_day = min(max(last_day, first_day + timedelta(days=28)), first_day + timedelta(days=29))
    return RamadanPeriod(
        hijri_year=hijri_year,
        first_day=first_day,
        last_day=last_day,
        first_day_announced=announced_first is not None,
        last_day_announced=announced_last is not None,
    )


def hijri_year_of(day: date) -> int:
    """The Umm al-Qura Hijri year that `day` falls in."""
    return Gregorian.fromdate(day).to_hijri().year


def ramadan_periods_in(year: int, country: str = "MA") -> list[RamadanPeriod]:
    """Every Ramadan that has a day in Gregorian `year` (two in some years, e.g. 2030)."""
    first_year = hijri_year_of(date(year, 1, 1)) - 1
    last_year = hijri_year_of(date(year, 12, 31)) + 1
    periods = (ramadan_period(hijri, country) for hijri in range(first_year, last_year + 1))
    return [
        period
        for period in periods
        if period.first_day.year <= year and period.last_day.year >= year
    ]


def ramadan_starting_in(year: int, country: str = "MA") -> RamadanPeriod:
    """The (first) Ramadan whose first day falls in Gregorian `year`."""
    starting = [p for p in ramadan_periods_in(year, country) if p.first_day.year == year]
    return starting[0]


def ramadan_containing(day: date, country: str = "MA") -> RamadanPeriod | None:
    hijri_year = hijri_year_of(day)
    for candidate in (hijri_year, hijri_year - 1):
        period = ramadan_period(candidate, country)
        if period.contains(day):
            return period
    return None


def is_ramadan(day: date, country: str = "MA") -> bool:
    """Whether `day` is a fasting day of Ramadan in `country`."""
    return ramadan_containing(day, country) is not None


def iftar_window(place: PlaceLike, day: date, *, duration_minutes: int = 120) -> TimeWindow:
    """From Maghrib, when the fast is broken, for `duration_minutes`."""
    maghrib = prayer_times(place, day).maghrib
    return TimeWindow(maghrib, maghrib + timedelta(minutes=duration_minutes))


def suhoor_window(
    place: PlaceLike, day: date, *, opens_before_fajr_minutes: int = 180, imsak_minutes: int = 10
) -> TimeWindow:
    """The pre-dawn meal before the fast of `day`: it ends at imsak, shortly before Fajr."""
    fajr = prayer_times(place, day).fajr
    return TimeWindow(
        fajr - timedelta(minutes=opens_before_fajr_minutes),
        fajr - timedelta(minutes=imsak_minutes),
    )


def _package_holidays(year: int, language: str, show_estimated: bool) -> holidays.HolidayBase:
    return holidays.country_holidays(
        "MA", years=year, language=language, islamic_show_estimated=show_estimated
    )


def _holidays_listed_for(year: int, language: Language) -> tuple[list[Holiday], str]:
    """The package's holidays with the Moroccan offset applied; Eid al-Fitr is left out
    (it follows Ramadan) and its translated name returned beside them."""
    shift = timedelta(days=HIJRI_OFFSET_DAYS["MA"])
    named = _package_holidays(year, _PACKAGE_LANGUAGES[language], show_estimated=False)
    english = _package_holidays(year, "en_US", show_estimated=True)
    eid_name = _EID_AL_FITR
    listed: list[Holiday] = []
    for day in sorted(named):
        for name, english_name in zip(named.get_list(day), english.get_list(day), strict=True):
            estimated = english_name.endswith(_ESTIMATED)
            if estimated and english_name.startswith(_EID_AL_FITR):
                eid_name = name
            elif estimated:
                listed.append(Holiday(day + shift, name, islamic=True, estimated=True))
            else:
                listed.append(Holiday(day, name, islamic=False, estimated=False))
    return listed, eid_name


@lru_cache(maxsize=64)
def moroccan_holidays(year: int, language: Language = "en") -> tuple[Holiday, ...]:
    """Public and Islamic holidays observed in Morocco in `year`, in date order."""
    found: list[Holiday] = []
    eid_name = _EID_AL_FITR
    # A lunar feast estimated for late December of the year before can move into this one.
    for listed_year in (year - 1, year):
        listed, eid_name = _holidays_listed_for(listed_year, language)
        found.extend(holiday for holiday in listed if holiday.day.year == year)
    for period in ramadan_periods_in(year) + ramadan_periods_in(year - 1):
        for offset in (0, 1):  # Eid al-Fitr is a two-day holiday in Morocco.
            day = period.eid_al_fitr + timedelta(days=offset)
            if day.year == year:
                found.append(Holiday(day, eid_name, True, not period.last_day_announced))
    unique = {(holiday.day, holiday.name): holiday for holiday in found}
    return tuple(sorted(unique.values(), key=lambda holiday: (holiday.day, holiday.name)))


def holidays_on(day: date, language: Language = "en") -> list[Holiday]:
    return [holiday for holiday in moroccan_holidays(day.year, language) if holiday.day == day]


def is_holiday(day: date) -> bool:
    """Whether `day` is a Moroccan public or Islamic holiday."""
    return bool(holidays_on(day))


def holiday_name(day: date, language: Language = "en") -> str | None:
    """The holiday's name in en / fr / ar (joined with "; " when two fall together)."""
    names = [holiday.name for holiday in holidays_on(day, language)]
    return "; ".join(names) if names else None
