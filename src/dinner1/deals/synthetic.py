"""Deterministic synthetic booking histories for venue archetypes (bench, tests, demo world).

The generator is written independently of the forecast: demand is a sum of meal-time bumps,
weekday multipliers, a trend, a yearly swing, holiday effects that differ by holiday and by
archetype, a Ramadan day built around the actual Maghrib time, a day-level shock that
persists for a few days (weather, football), rare private parties, and Poisson covers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from dinner1.deals.forecast import VenueDemand
from dinner1.deals.history import HOURS, FloatArray, HourlyCovers, weekly_hours_from_ranges
from dinner1.deals.regimes import DayContext, HolidayKind, day_context
from dinner1.locale.prayer import city_named


@dataclass(frozen=True, slots=True)
class DemandBump:
    """A bell of demand: centre (local hour), spread (hours), height (occupancy)."""

    centre: float
    spread: float
    height: float

    def at(self, hour_middle: FloatArray) -> FloatArray:
        bell: FloatArray = self.height * np.exp(
            -((hour_middle - self.centre) ** 2) / (2 * self.spread**2)
        )
        return bell


@dataclass(frozen=True, slots=True)
class Archetype:
    name: str
    city: str
    capacity: int
    opens: int
    closes: int  # exclusive local hour, at most 24
    bumps: tuple[DemandBump, ...]
    weekday_factors: tuple[float, float, float, float, float, float, float]
    trend_per_week: float
    civic_holiday: DemandBump  # extra demand on civic holidays (may be negative)
    eid_factor: float  # whole-day multiplier on Islamic feasts
    ramadan_daytime: float  # multiplier before Maghrib
    iftar: DemandBump  # centre in hours after Maghrib
    ramadan_night: DemandBump  # centre in hours after Maghrib

    def venue(self) -> VenueDemand:
        hours = weekly_hours_from_ranges(dict.fromkeys(range(7), (self.opens, self.closes)))
        return VenueDemand(self.capacity, city_named(self.city), opening_hours=hours)


ARCHETYPES: Mapping[str, Archetype] = {
    "cafe": Archetype(
        name="cafe",
        city="casablanca",
        capacity=60,
        opens=7,
        closes=24,
        bumps=(
            DemandBump(8.5, 1.0, 0.45),
            DemandBump(13.0, 1.5, 0.30),
            DemandBump(17.5, 2.0, 0.55),
            DemandBump(21.5, 1.3, 0.50),
        ),
        weekday_factors=(0.90, 0.88, 0.95, 1.0, 1.02, 1.22, 1.15),
        trend_per_week=0.003,
        civic_holiday=DemandBump(16.0, 2.5, 0.20),
        eid_factor=0.6,
        ramadan_daytime=0.08,
        iftar=DemandBump(0.5, 0.8, 0.45),
        ramadan_night=DemandBump(3.6, 1.6, 0.85),
    ),
    "restaurant": Archetype(
        name="restaurant",
        city="marrakech",
        capacity=80,
        opens=12,
        closes=24,
        bumps=(DemandBump(13.6, 1.0, 0.70), DemandBump(20.8, 1.2, 0.85)),
        weekday_factors=(0.74, 0.80, 0.86, 0.95, 1.15, 1.30, 1.02),
        trend_per_week=0.005,
        civic_holiday=DemandBump(13.5, 1.2, 0.25),
        eid_factor=0.45,
        ramadan_daytime=0.05,
        iftar=DemandBump(0.5, 0.7, 0.95),
        ramadan_night=DemandBump(3.0, 1.0, 0.40),
    ),
    "tea_house": Archetype(
        name="tea_house",
        city="fes",
        capacity=40,
        opens=10,
        closes=24,
        bumps=(
            DemandBump(11.0, 1.5, 0.30),
            DemandBump(17.0, 1.8, 0.75),
            DemandBump(21.5, 1.5, 0.45),
        ),
        weekday_factors=(0.85, 0.85, 0.90, 0.95, 1.05, 1.25, 1.20),
        trend_per_week=-0.002,
        civic_holiday=DemandBump(17.0, 2.0, 0.30),
        eid_factor=0.8,
        ramadan_daytime=0.10,
        iftar=DemandBump(0.5, 0.8, 0.60),
        ramadan_night=DemandBump(3.5, 1.5, 0.90),
    ),
}

DAY_SHOCK_SD = 0.12
DAY_SHOCK_PERSISTENCE = 0.6
PRIVATE_PARTY_CHANCE = 0.01
HOUR_MIDDLES: FloatArray = np.arange(HOURS, dtype=np.float64) + 0.5


def ordinary_curve(archetype: Archetype) -> FloatArray:
    curve = np.zeros(HOURS, dtype=np.float64)
    for bump in archetype.bumps:
        curve += bump.at(HOUR_MIDDLES)
    return curve + 0.03


def ramadan_curve(archetype: Archetype, context: DayContext) -> FloatArray:
    daytime = ordinary_curve(archetype) * archetype.ramadan_daytime
    maghrib = context.maghrib_hour + 0.5
    after_maghrib = HOUR_MIDDLES - maghrib
    evening = archetype.iftar.at(after_maghrib) + archetype.ramadan_night.at(after_maghrib)
    curve: FloatArray = np.where(context.maghrib_hour > HOUR_MIDDLES, daytime, evening + 0.03)
    return curve


def expected_occupancy(archetype: Archetype, context: DayContext, weeks: float) -> FloatArray:
    """Occupancy the archetype expects on a day before noise."""
    weekday = archetype.weekday_factors[context.day.weekday()]
    if context.ramadan:
        curve = ramadan_curve(archetype, context) * math.sqrt(weekday)
    else:
        curve = ordinary_curve(archetype) * weekday
    if context.holiday is HolidayKind.CIVIC:
        curve = curve + archetype.civic_holiday.at(HOUR_MIDDLES)
    elif context.holiday is HolidayKind.ISLAMIC:
        curve = curve * archetype.eid_factor
    season = 1 + 0.08 * math.sin(2 * math.pi * context.day.timetuple().tm_yday / 365.25)
    growth = max(0.2, 1 + archetype.trend_per_week * weeks)
    scaled: FloatArray = np.clip(curve * season * growth, 0.0, 1.0)
    return scaled


def synthetic_history(
    archetype: Archetype, first_day: date, last_day: date, seed: int
) -> list[HourlyCovers]:
    """Covers per open hour, every day from first_day to last_day, reproducible by seed."""
    random = np.random.default_rng(seed)
    place = city_named(archetype.city)
    shock = 0.0
    records: list[HourlyCovers] = []
    for offset in range((last_day - first_day).days + 1):
        day = first_day + timedelta(days=offset)
        shock = DAY_SHOCK_PERSISTENCE * shock + random.normal(0.0, DAY_SHOCK_SD)
        occupancy = expected_occupancy(archetype, day_context(day, place), offset / 7)
        occupancy = np.clip(occupancy * math.exp(shock), 0.0, 1.0)
        if random.random() < PRIVATE_PARTY_CHANCE:
            start = int(random.integers(archetype.opens, archetype.closes - 2))
            occupancy[start : start + 3] = 1.0
        covers = np.minimum(random.poisson(occupancy * archetype.capacity), archetype.capacity)
        records.extend(
            HourlyCovers(day, hour, int(covers[hour]))
            for hour in range(archetype.opens, archetype.closes)
        )
    return records
