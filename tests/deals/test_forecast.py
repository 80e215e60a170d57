from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from dinner1.deals.backtest import rolling_backtest, weekly_origins
from dinner1.deals.forecast import (
    VenueDemand,
    dead_hours,
    dead_weekly_cells,
    fit_occupancy_model,
    forecast_days,
    forecast_for_slot,
    predict_hour,
)
from dinner1.deals.history import (
    HourlyCovers,
    covers_by_local_hour,
    occupancy_grid,
    weekly_hours_from_ranges,
)
from dinner1.deals.synthetic import ARCHETYPES, synthetic_history
from dinner1.locale import calendar
from dinner1.locale.prayer import city_named, prayer_times

CASABLANCA = city_named("casablanca")
CAPACITY = 50
OPEN_12_TO_24 = weekly_hours_from_ranges(dict.fromkeys(range(7), (12, 24)))
VENUE = VenueDemand(CAPACITY, CASABLANCA, opening_hours=OPEN_12_TO_24)

Occupancy = Callable[[date, int], float]


def history_from(occupancy: Occupancy, first: date, last: date) -> list[HourlyCovers]:
    """A noiseless history: covers = occupancy × capacity for every open hour."""
    records = []
    day = first
    while day <= last:
        for hour in range(12, 24):
            records.append(HourlyCovers(day, hour, round(occupancy(day, hour) * CAPACITY)))
        day += timedelta(days=1)
    return records


def weekly_pattern(day: date, hour: int) -> float:
    if day.weekday() == 5 and hour >= 19:
        return 0.9  # Saturday dinner is full
    return 0.5 if hour in (13, 20, 21) else 0.2


def test_forecast_follows_the_weekly_pattern() -> None:
    history = history_from(weekly_pattern, date(2025, 9, 1), date(2025, 11, 30))
    model = fit_occupancy_model(history, VENUE, as_of=date(2025, 12, 1))
    saturday = predict_hour(model, date(2025, 12, 6), 20)
    monday = predict_hour(model, date(2025, 12, 8), 20)
    quiet = predict_hour(model, date(2025, 12, 2), 16)
    assert saturday is not None and monday is not None and quiet is not None
    # A weekday cell is pulled a little toward the all-week mean of its hour (one pseudo-day).
    assert saturday.occupancy == pytest.approx(0.9, abs=0.06)
    assert monday.occupancy == pytest.approx(0.5, abs=0.02)
    assert quiet.occupancy == pytest.approx(0.2, abs=0.02)
    assert saturday.expected_covers == pytest.approx(saturday.occupancy * CAPACITY)
    assert "Saturdays at 20:00" in saturday.basis


def test_a_slot_forecast_averages_the_local_hours_it_covers() -> None:
    history = history_from(weekly_pattern, date(2025, 9, 1), date(2025, 11, 30))
    model = fit_occupancy_model(history, VENUE, as_of=date(2025, 12, 1))
    # Tuesday 2 December 2025, 12:30–14:00 UTC = 13:30–15:00 local (UTC+1): hours 13 and 14.
    starts_at = datetime(2025, 12, 2, 12, 30, tzinfo=UTC)
    occupancy = forecast_for_slot(model, starts_at, starts_at + timedelta(minutes=90))
    assert occupancy == pytest.approx((0.5 + 0.2) / 2, abs=0.02)
    closed = datetime(2025, 12, 2, 7, 0, tzinfo=UTC)
    assert forecast_for_slot(model, closed, closed + timedelta(hours=2)) is None


def test_forecast_never_covers_closed_hours() -> None:
    history = history_from(weekly_pattern, date(2025, 9, 1), date(2025, 11, 30))
    model = fit_occupancy_model(history, VENUE, as_of=date(2025, 12, 1))
    forecasts = forecast_days(model, date(2025, 12, 1), days=7)
    assert len(forecasts) == 7 * 12
    assert {forecast.hour for forecast in forecasts} == set(range(12, 24))
    assert predict_hour(model, date(2025, 12, 1), 9) is None


def test_recent_weeks_weigh_more_than_old_ones() -> None:
    def stepped_up(day: date, hour: int) -> float:
        return 0.2 if day < date(2025, 10, 6) else 0.6

    history = history_from(stepped_up, date(2025, 6, 2), date(2025, 11, 30))
    model = fit_occupancy_model(history, VENUE, as_of=date(2025, 12, 1))
    forecast = predict_hour(model, date(2025, 12, 3), 15)
    plain_mean = (8 * 0.6 + 18 * 0.2) / 26
    assert forecast is not None and plain_mean + 0.1 < forecast.occupancy < 0.6


def holiday_doubles(day: date, hour: int) -> float:
    if calendar.is_ramadan(day):
        return 0.3
    return 0.6 if calendar.is_holiday(day) else 0.3


def test_forecast_responds_to_moroccan_holidays() -> None:
    history = history_from(holiday_doubles, date(2025, 4, 7), date(2026, 7, 26))
    model = fit_occupancy_model(history, VENUE, as_of=date(2026, 7, 27))
    throne_day = predict_hour(model, date(2026, 7, 30), 15)
    ordinary_thursday = predict_hour(model, date(2026, 8, 6), 15)
    assert throne_day is not None and ordinary_thursday is not None
    assert ordinary_thursday.occupancy == pytest.approx(0.3, abs=0.02)
    assert throne_day.occupancy > 0.5
    assert "Throne Day" in throne_day.basis
    assert "holiday" in throne_day.regime


def ramadan_shift(day: date, hour: int) -> float:
    """Daytime collapses in Ramadan; from the hour of Maghrib on, the place fills."""
    if not calendar.is_ramadan(day):
        return 0.3
    return 0.8 if hour >= prayer_times(CASABLANCA, day).maghrib.hour else 0.05


def test_forecast_learns_the_current_ramadan_aligned_on_maghrib() -> None:
    history = history_from(ramadan_shift, date(2025, 10, 6), date(2026, 2, 28))
    model = fit_occupancy_model(history, VENUE, as_of=date(2026, 3, 1))
    day = date(2026, 3, 4)
    maghrib_hour = prayer_times(CASABLANCA, day).maghrib.hour
    afternoon = predict_hour(model, day, 14)
    iftar = predict_hour(model, day, maghrib_hour)
    assert afternoon is not None and iftar is not None
    assert afternoon.occupancy < 0.1
    assert iftar.occupancy == pytest.approx(0.8, abs=0.05)
    assert iftar.regime == "Ramadan"
    assert "+0 h from Maghrib" in iftar.basis
    after_ramadan = predict_hour(model, date(2026, 4, 1), 14)
    assert after_ramadan is not None and after_ramadan.occupancy == pytest.approx(0.3, abs=0.02)


def test_first_ramadan_day_uses_last_year_or_the_reshaped_profile() -> None:
    first_day = calendar.ramadan_starting_in(2026).first_day
    maghrib_hour = prayer_times(CASABLANCA, first_day).maghrib.hour
    with_last_year = history_from(ramadan_shift, date(2025, 1, 6), first_day - timedelta(days=1))
    model = fit_occupancy_model(with_last_year, VENUE, as_of=first_day)
    learned = predict_hour(model, first_day, maghrib_hour + 1)
    assert learned is not None and learned.occupancy == pytest.approx(0.8, abs=0.08)
    assert "from last Ramadan" in learned.basis
    without = history_from(ramadan_shift, date(2025, 6, 2), first_day - timedelta(days=1))
    cold = fit_occupancy_model(without, VENUE, as_of=first_day)
    daytime = predict_hour(cold, first_day, 14)
    evening = predict_hour(cold, first_day, maghrib_hour + 1)
    assert daytime is not None and evening is not None
    assert daytime.occupancy < 0.1 < 0.3 < evening.occupancy
    assert "no Ramadan history" in daytime.basis


def test_dead_hours_are_the_quiet_open_hours() -> None:
    history = history_from(weekly_pattern, date(2025, 9, 1), date(2025, 11, 30))
    model = fit_occupancy_model(history, VENUE, as_of=date(2025, 12, 1))
    dead = dead_hours(forecast_days(model, date(2025, 12, 1), days=7), threshold=0.35)
    assert dead
    assert all(forecast.occupancy < 0.35 for forecast in dead)
    monday_dead = {forecast.hour for forecast in dead if forecast.day.weekday() == 0}
    assert monday_dead == set(range(12, 24)) - {13, 20, 21}
    cells = dead_weekly_cells(model.weekly_profile(), threshold=0.35)
    assert (0, 16) in cells and (5, 20) not in cells
    assert all(12 <= hour < 24 for _, hour in cells)  # closed hours are never dead hours


def test_cold_start_uses_the_declared_busy_hours() -> None:
    busy = {weekday: {13, 20, 21} for weekday in range(7)}
    venue = VenueDemand(CAPACITY, CASABLANCA, OPEN_12_TO_24, declared_busy_hours=busy)
    model = fit_occupancy_model([], venue, as_of=date(2026, 5, 4))
    forecasts = {f.hour: f for f in forecast_days(model, date(2026, 5, 4), days=1)}
    assert set(forecasts) == set(range(12, 24))
    assert forecasts[20].occupancy == pytest.approx(0.7)
    assert forecasts[16].occupancy == pytest.approx(0.25)
    assert "declared busy hour" in forecasts[20].basis
    few_weeks = history_from(weekly_pattern, date(2026, 4, 6), date(2026, 5, 3))
    learning = fit_occupancy_model(few_weeks, venue, as_of=date(2026, 5, 4))
    quiet = predict_hour(learning, date(2026, 5, 5), 16)
    assert quiet is not None and quiet.occupancy == pytest.approx(0.2, abs=0.03)


def test_covers_are_grouped_by_venue_local_hour_across_the_ramadan_clock_change() -> None:
    bookings = [
        (datetime(2026, 2, 14, 19, 30, tzinfo=UTC), 4),  # 20:30 local, UTC+1
        (datetime(2026, 2, 14, 19, 45, tzinfo=UTC), 2),
        (datetime(2026, 2, 15, 19, 30, tzinfo=UTC), 3),  # 19:30 local, UTC+0 for Ramadan
    ]
    records = covers_by_local_hour(bookings, "Africa/Casablanca")
    assert records == [
        HourlyCovers(date(2026, 2, 14), 20, 6),
        HourlyCovers(date(2026, 2, 15), 19, 3),
    ]
    with pytest.raises(ValueError, match="aware"):
        covers_by_local_hour([(datetime(2026, 2, 14, 19), 1)], "Africa/Casablanca")  # noqa: DTZ001
    grid = occupancy_grid(
        records,
        10,
        first_day=date(2026, 2, 14),
        last_day=date(2026, 2, 15),
        opening_hours=OPEN_12_TO_24,
    )
    assert grid.value(date(2026, 2, 14), 20) == pytest.approx(0.6)
    assert grid.value(date(2026, 2, 14), 13) == 0.0
    assert np.isnan(grid.value(date(2026, 2, 14), 9))


def test_backtest_beats_seasonal_naive_by_a_fifth() -> None:
    archetype = ARCHETYPES["restaurant"]
    history = synthetic_history(archetype, date(2025, 6, 2), date(2026, 4, 26), seed=7)
    origins = weekly_origins(date(2026, 1, 5), date(2026, 4, 20))
    result = rolling_backtest(history, archetype.venue(), origins)
    assert result.origins == 16
    assert result.overall.hours > 1000
    assert result.overall.improvement >= 0.20, result.overall.improvement
    assert result.by_regime["ramadan"].improvement > 0


def test_synthetic_history_is_deterministic_per_seed() -> None:
    archetype = ARCHETYPES["tea_house"]
    first = synthetic_history(archetype, date(2026, 1, 5), date(2026, 1, 11), seed=3)
    again = synthetic_history(archetype, date(2026, 1, 5), date(2026, 1, 11), seed=3)
    other = synthetic_history(archetype, date(2026, 1, 5), date(2026, 1, 11), seed=4)
    assert first == again != other
    assert all(0 <= record.covers <= archetype.capacity for record in first)
