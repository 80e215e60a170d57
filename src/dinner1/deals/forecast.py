"""Occupancy forecast per venue-local day × hour, from booking history and the calendar.

The method is a weighted, shrunk profile, chosen because every number can be explained to
an owner ("Tuesdays at 16:00 have averaged 22 % over the last weeks"):

1. Ordinary days: per weekday × hour, an exponentially weighted mean of past ordinary days
   (half-life `half_life_weeks`), pulled toward the venue's all-week mean for that hour by
   `weekday_prior_days` pseudo-days. A new venue's prior is its declared busy hours.
2. Holidays: the ordinary forecast times an hourly factor learned from past holidays of the
   same kind (civic or Islamic), pulled toward all holidays and then toward 1.
3. Ramadan: the day is aligned on Maghrib (hour − the hour Maghrib falls in), since iftar
   moves the evening and Morocco's clocks move too. A weekday × aligned-hour mean of past
   Ramadan days, pulled toward all Ramadan days, then toward the ordinary profile reshaped
   (daytime × `ramadan_daytime_factor`, from Maghrib on × `ramadan_evening_factor`) — the only
   guess left when a venue has no Ramadan history. Last year's Ramadan is rescaled by how
   the venue's ordinary level moved since.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import numpy.typing as npt

from dinner1.deals.history import (
    HOURS,
    FloatArray,
    HourlyCovers,
    OccupancyGrid,
    WeeklyHours,
    occupancy_grid,
)
from dinner1.deals.regimes import DayContext, HolidayKind, day_context
from dinner1.locale.prayer import Place

WEEKDAYS = 7
ALIGNED_HOURS = 2 * HOURS  # aligned index = hour − Maghrib's hour + 24
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LEVEL_WINDOW_DAYS = 28


@dataclass(frozen=True, slots=True)
class ForecastSettings:
    # Defaults chosen on bench/forecast.py --tuning (other seeds, 2025 weeks), never its report.
    half_life_weeks: float = 6.0
    weekday_prior_days: float = 1.0
    holiday_prior_days: float = 1.5
    ramadan_half_life_weeks: float = 2.0
    ramadan_prior_days: float = 1.0
    ramadan_daytime_factor: float = 0.2
    ramadan_evening_factor: float = 1.3
    cold_start_busy: float = 0.7
    cold_start_quiet: float = 0.25


DEFAULT_SETTINGS = ForecastSettings()


@dataclass(frozen=True, slots=True)
class VenueDemand:
    """What the forecast needs to know about a venue besides its bookings."""

    capacity: int
    place: Place
    opening_hours: WeeklyHours | None = None
    # Cold start: the hours the owner declared busy when registering the venue.
    declared_busy_hours: WeeklyHours | None = None


@dataclass(frozen=True, slots=True)
class HourForecast:
    day: date
    hour: int
    occupancy: float
    expected_covers: float
    regime: str
    basis: str


@dataclass(frozen=True)
class WeightedCells:
    """Weighted sums per cell; their mean is total / weight."""

    total: FloatArray
    weight: FloatArray


@dataclass(frozen=True)
class OccupancyModel:
    venue: VenueDemand
    as_of: date
    settings: ForecastSettings
    ordinary: FloatArray  # (7, 24) weekday × hour, NaN when closed or unknown
    ordinary_days: FloatArray  # (7, 24) weighted days behind each cell
    holiday_factors: dict[HolidayKind, FloatArray]  # (24,) per kind
    holidays_seen: dict[HolidayKind, int]
    ramadan_cells: WeightedCells  # (7, 48) weekday × aligned hour
    ramadan_pooled: WeightedCells  # (48,)
    ramadan_level: float  # ordinary level now ÷ ordinary level before that Ramadan
    peak: float
    # Last Ramadan day the model learned from, if any.
    ramadan_last_seen: date | None = field(default=None)

    def weekly_profile(self) -> FloatArray:
        """Ordinary-day occupancy per weekday × hour: the dead-hour heatmap."""
        return self.ordinary.copy()


def shrink_toward(
    total: FloatArray, weight: FloatArray, prior: FloatArray, prior_weight: float
) -> FloatArray:
    """(total + k·prior) / (weight + k); the plain mean where the prior is unknown."""
    known = ~np.isnan(prior)
    safe_prior = np.where(known, prior, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        shrunk = (total + prior_weight * safe_prior) / (weight + prior_weight)
        plain = np.where(weight > 0, total / np.where(weight > 0, weight, 1.0), np.nan)
    return np.where(known, shrunk, plain)


def recency_weights(days: Sequence[date], newest: date, half_life_weeks: float) -> FloatArray:
    ages = np.array([(newest - day).days for day in days], dtype=float)
    weights: FloatArray = 0.5 ** (ages / (7.0 * half_life_weeks))
    return weights


def weekday_sums(grid: FloatArray, weekdays: Sequence[int], weights: FloatArray) -> WeightedCells:
    """Weighted sums per weekday × hour of the grid rows (NaN rows count for nothing)."""
    valid = ~np.isnan(grid)
    values = np.where(valid, grid, 0.0) * weights[:, None]
    total = np.zeros((WEEKDAYS, HOURS))
    weight = np.zeros((WEEKDAYS, HOURS))
    index = np.asarray(weekdays, dtype=int)
    np.add.at(total, index, values)
    np.add.at(weight, index, valid * weights[:, None])
    return WeightedCells(total, weight)


def cold_start_prior(venue: VenueDemand, settings: ForecastSettings) -> FloatArray | None:
    """Occupancy a new venue's declared hours suggest: busy hours high, other open hours low."""
    if venue.declared_busy_hours is None:
        return None
    prior = np.full((WEEKDAYS, HOURS), np.nan)
    for weekday in range(WEEKDAYS):
        busy = set(venue.declared_busy_hours.get(weekday, ()))
        open_hours = busy | set((venue.opening_hours or {}).get(weekday, ()))
        for hour in open_hours:
            prior[weekday, hour] = (
                settings.cold_start_busy if hour in busy else settings.cold_start_quiet
            )
    return prior


def closed_mask(venue: VenueDemand) -> npt.NDArray[np.bool_] | None:
    if venue.opening_hours is None:
        return None
    mask = np.ones((WEEKDAYS, HOURS), dtype=bool)
    for weekday, hours in venue.opening_hours.items():
        mask[weekday, list(hours)] = False
    return mask


def fit_ordinary(
    grid: OccupancyGrid,
    contexts: Sequence[DayContext],
    venue: VenueDemand,
    as_of: date,
    settings: ForecastSettings,
) -> tuple[FloatArray, FloatArray]:
    rows = [i for i, c in enumerate(contexts) if not c.ramadan and c.holiday is HolidayKind.NONE]
    days = [contexts[i].day for i in rows]
    weights = recency_weights(days, as_of, settings.half_life_weeks)
    sums = weekday_sums(grid.values[rows], [day.weekday() for day in days], weights)
    with np.errstate(invalid="ignore", divide="ignore"):
        all_week = sums.total.sum(axis=0) / sums.weight.sum(axis=0)
    prior = cold_start_prior(venue, settings)
    if prior is None:
        prior = np.broadcast_to(all_week, (WEEKDAYS, HOURS)).copy()
    profile = shrink_toward(sums.total, sums.weight, prior, settings.weekday_prior_days)
    mask = closed_mask(venue)
    if mask is not None:
        profile[mask] = np.nan
    return profile, sums.weight


def ratio_toward(
    actual: FloatArray, expected: FloatArray, count: int, prior_ratio: FloatArray, k: float
) -> FloatArray:
    """actual ÷ expected, pulled toward `prior_ratio` by k pseudo-days of average size."""
    typical = expected / max(count, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (actual + k * typical * prior_ratio) / (expected + k * typical)
    return np.where(expected + k * typical > 0, ratio, prior_ratio)


def fit_holiday_factors(
    grid: OccupancyGrid,
    contexts: Sequence[DayContext],
    ordinary: FloatArray,
    settings: ForecastSettings,
) -> tuple[dict[HolidayKind, FloatArray], dict[HolidayKind, int]]:
    actual = {kind: np.zeros(HOURS) for kind in HolidayKind}
    expected = {kind: np.zeros(HOURS) for kind in HolidayKind}
    seen = dict.fromkeys(HolidayKind, 0)
    for index, context in enumerate(contexts):
        if context.holiday is HolidayKind.NONE or context.ramadan:
            continue
        observed = grid.values[index]
        usable = ~np.isnan(observed) & ~np.isnan(ordinary[context.day.weekday()])
        for kind in (context.holiday, HolidayKind.NONE):  # NONE pools every holiday
            actual[kind] += np.where(usable, observed, 0.0)
            expected[kind] += np.where(usable, ordinary[context.day.weekday()], 0.0)
            seen[kind] += 1
    k = settings.holiday_prior_days
    pooled = ratio_toward(
        actual[HolidayKind.NONE],
        expected[HolidayKind.NONE],
        seen[HolidayKind.NONE],
        np.ones(HOURS),
        k,
    )
    factors = {
        kind: ratio_toward(actual[kind], expected[kind], seen[kind], pooled, k)
        for kind in (HolidayKind.CIVIC, HolidayKind.ISLAMIC)
    }
    return factors, seen


def fit_ramadan(
    grid: OccupancyGrid, contexts: Sequence[DayContext], settings: ForecastSettings
) -> tuple[WeightedCells, WeightedCells, list[int]]:
    rows = [i for i, c in enumerate(contexts) if c.ramadan and c.holiday is HolidayKind.NONE]
    total = np.zeros((WEEKDAYS, ALIGNED_HOURS))
    weight = np.zeros((WEEKDAYS, ALIGNED_HOURS))
    if rows:
        days = [contexts[i].day for i in rows]
        weights = recency_weights(days, days[-1], settings.ramadan_half_life_weeks)
        for row, day_weight in zip(rows, weights, strict=True):
            observed = grid.values[row]
            valid = ~np.isnan(observed)
            columns = np.arange(HOURS) - contexts[row].maghrib_hour + HOURS
            weekday = contexts[row].day.weekday()
            total[weekday, columns] += np.where(valid, observed, 0.0) * day_weight
            weight[weekday, columns] += valid * day_weight
    cells = WeightedCells(total, weight)
    pooled = WeightedCells(total.sum(axis=0), weight.sum(axis=0))
    return cells, pooled, rows


def ordinary_level(grid: OccupancyGrid, contexts: Sequence[DayContext], before: date) -> float:
    """Mean occupancy of open ordinary hours in the four weeks before `before`."""
    start = before - timedelta(days=LEVEL_WINDOW_DAYS)
    rows = [
        i
        for i, c in enumerate(contexts)
        if start <= c.day < before and not c.ramadan and c.holiday is HolidayKind.NONE
    ]
    values = grid.values[rows]
    if values.size == 0 or np.all(np.isnan(values)):
        return float("nan")
    return float(np.nanmean(values))


def ramadan_level_change(
    grid: OccupancyGrid, contexts: Sequence[DayContext], ramadan_rows: list[int], as_of: date
) -> float:
    """How much the ordinary level moved since the Ramadan the model learned from."""
    if not ramadan_rows:
        return 1.0
    latest = contexts[ramadan_rows[-1]].day
    if (as_of - latest).days <= 2 * LEVEL_WINDOW_DAYS:
        return 1.0  # that Ramadan is the current one
    first_row = ramadan_rows[-1]
    while first_row > 0 and contexts[first_row - 1].ramadan:
        first_row -= 1
    start = contexts[first_row].day
    then = ordinary_level(grid, contexts, start)
    now = ordinary_level(grid, contexts, as_of)
    if not (np.isfinite(then) and np.isfinite(now)) or then <= 0:
        return 1.0
    return float(np.clip(now / then, 0.5, 2.0))


def fit_occupancy_model(
    history: Sequence[HourlyCovers],
    venue: VenueDemand,
    *,
    as_of: date,
    settings: ForecastSettings = DEFAULT_SETTINGS,
) -> OccupancyModel:
    """Learn the venue's profiles from history strictly before `as_of`."""
    past = [record for record in history if record.day < as_of]
    first_day = min((record.day for record in past), default=as_of)
    grid = occupancy_grid(
        past,
        venue.capacity,
        first_day=first_day,
        last_day=as_of - timedelta(days=1),
        opening_hours=venue.opening_hours,
    )
    contexts = [day_context(day, venue.place) for day in grid.days()]
    ordinary, ordinary_days = fit_ordinary(grid, contexts, venue, as_of, settings)
    factors, seen = fit_holiday_factors(grid, contexts, ordinary, settings)
    cells, pooled, ramadan_rows = fit_ramadan(grid, contexts, settings)
    observed_peak = float(np.nanmax(grid.values)) if np.any(~np.isnan(grid.values)) else 1.0
    return OccupancyModel(
        venue=venue,
        as_of=as_of,
        settings=settings,
        ordinary=ordinary,
        ordinary_days=ordinary_days,
        holiday_factors=factors,
        holidays_seen=seen,
        ramadan_cells=cells,
        ramadan_pooled=pooled,
        ramadan_level=ramadan_level_change(grid, contexts, ramadan_rows, as_of),
        peak=max(1.0, observed_peak),
        ramadan_last_seen=contexts[ramadan_rows[-1]].day if ramadan_rows else None,
    )


def ramadan_estimate(
    model: OccupancyModel, day: date, hour: int, maghrib_hour: int
) -> tuple[float, str]:
    """Occupancy of a Ramadan hour and the words that explain where it came from."""
    settings = model.settings
    weekday = day.weekday()
    column = hour - maghrib_hour + HOURS
    ordinary = model.ordinary[weekday, hour]
    reshape = (
        settings.ramadan_daytime_factor if hour < maghrib_hour else settings.ramadan_evening_factor
    )
    prior = np.array([ordinary * reshape])
    level = model.ramadan_level
    pooled = shrink_toward(
        model.ramadan_pooled.total[column : column + 1] * level,
        model.ramadan_pooled.weight[column : column + 1],
        prior,
        settings.ramadan_prior_days,
    )
    cell = shrink_toward(
        model.ramadan_cells.total[weekday, column : column + 1] * level,
        model.ramadan_cells.weight[weekday, column : column + 1],
        pooled,
        settings.ramadan_prior_days,
    )
    seen = float(model.ramadan_pooled.weight[column])
    offset = f"{hour - maghrib_hour:+d} h from Maghrib"
    if seen < 0.5:
        basis = f"Ramadan, {offset}: ordinary profile reshaped (×{reshape:g}), no Ramadan history"
    else:
        basis = f"Ramadan, {offset}: {seen:.1f} weighted Ramadan days"
        last_seen = model.ramadan_last_seen
        if last_seen is not None and (day - last_seen).days > 2 * LEVEL_WINDOW_DAYS:
            basis += f" from last Ramadan, rescaled ×{level:.2f} to today's level"
    return float(cell[0]), basis


def ordinary_estimate(model: OccupancyModel, weekday: int, hour: int) -> tuple[float, str]:
    weight = float(model.ordinary_days[weekday, hour])
    name = f"{WEEKDAY_NAMES[weekday]}s at {hour:02d}:00"
    if weight < 0.5 and model.venue.declared_busy_hours is not None:
        busy = hour in model.venue.declared_busy_hours.get(weekday, ())
        return float(model.ordinary[weekday, hour]), (
            f"{name}: new venue, declared {'busy' if busy else 'quiet'} hour"
        )
    return float(model.ordinary[weekday, hour]), f"{name}: {weight:.1f} weighted ordinary days"


def predict_hour(model: OccupancyModel, day: date, hour: int) -> HourForecast | None:
    """The forecast for one local hour, or None when the venue is closed or unknown then."""
    context = day_context(day, model.venue.place)
    weekday = day.weekday()
    if context.ramadan:
        occupancy, basis = ramadan_estimate(model, day, hour, context.maghrib_hour)
    else:
        occupancy, basis = ordinary_estimate(model, weekday, hour)
    if context.holiday is not HolidayKind.NONE:
        factor = float(model.holiday_factors[context.holiday][hour])
        occupancy *= factor
        seen = model.holidays_seen[context.holiday]
        basis += f"; ×{factor:.2f} for {context.holiday_name} ({seen} past {context.holiday} days)"
    if np.isnan(occupancy):
        return None
    occupancy = float(np.clip(occupancy, 0.0, model.peak))
    return HourForecast(
        day=day,
        hour=hour,
        occupancy=occupancy,
        expected_covers=occupancy * model.venue.capacity,
        regime=context.label,
        basis=basis,
    )


def forecast_days(model: OccupancyModel, first_day: date, days: int = 7) -> list[HourForecast]:
    """Forecasts for every open hour of `days` days from `first_day`."""
    forecasts: list[HourForecast] = []
    opening = model.venue.opening_hours
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        hours = sorted(opening.get(day.weekday(), ())) if opening is not None else range(HOURS)
        for hour in hours:
            forecast = predict_hour(model, day, hour)
            if forecast is not None:
                forecasts.append(forecast)
    return forecasts


def forecast_for_slot(
    model: OccupancyModel, starts_at: datetime, ends_at: datetime
) -> float | None:
    """Mean forecast occupancy over the venue-local hours a slot touches (None if closed)."""
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("slot times must be timezone-aware")
    zone = model.venue.place.zone
    moment = starts_at.astimezone(zone).replace(minute=0, second=0, microsecond=0)
    values: list[float] = []
    while moment < ends_at:
        forecast = predict_hour(model, moment.date(), moment.hour)
        if forecast is not None:
            values.append(forecast.occupancy)
        moment = (moment + timedelta(hours=1)).astimezone(zone)
    return sum(values) / len(values) if values else None


def dead_hours(forecasts: Sequence[HourForecast], threshold: float = 0.35) -> list[HourForecast]:
    """The forecast hours expected below `threshold` occupancy."""
    return [forecast for forecast in forecasts if forecast.occupancy < threshold]


def dead_weekly_cells(profile: FloatArray, threshold: float = 0.35) -> list[tuple[int, int]]:
    """(weekday, hour) cells of an ordinary-week profile below `threshold`; closed ones skipped."""
    with np.errstate(invalid="ignore"):
        below = np.argwhere(profile < threshold)
    return [(int(weekday), int(hour)) for weekday, hour in below]
