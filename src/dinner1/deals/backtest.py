"""Rolling-origin backtest of the occupancy forecast against seasonal naive (same hour last week).

At each origin the model sees only history before it and forecasts the next `horizon_days`;
the baseline repeats the last observed week. Errors are in covers per open hour, compared on
the same hours (those with an actual value and a value one week earlier).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from dinner1.deals.forecast import (
    DEFAULT_SETTINGS,
    ForecastSettings,
    VenueDemand,
    fit_occupancy_model,
    predict_hour,
)
from dinner1.deals.history import HOURS, HourlyCovers, occupancy_grid
from dinner1.deals.regimes import HolidayKind, day_context


@dataclass
class ErrorTally:
    model: float = 0.0
    naive: float = 0.0
    hours: int = 0

    def add(self, model_error: float, naive_error: float) -> None:
        self.model += model_error
        self.naive += naive_error
        self.hours += 1

    @property
    def model_mae(self) -> float:
        return self.model / self.hours if self.hours else float("nan")

    @property
    def naive_mae(self) -> float:
        return self.naive / self.hours if self.hours else float("nan")

    @property
    def improvement(self) -> float:
        """Share of the baseline's MAE the model removes (0.25 = 25 % lower MAE)."""
        return 1 - self.model_mae / self.naive_mae if self.naive else float("nan")


@dataclass
class BacktestResult:
    origins: int = 0
    overall: ErrorTally = field(default_factory=ErrorTally)
    by_regime: dict[str, ErrorTally] = field(default_factory=lambda: defaultdict(ErrorTally))


def weekly_origins(first: date, last: date) -> list[date]:
    """Every seventh day from `first` up to `last`."""
    return [first + timedelta(days=7 * week) for week in range((last - first).days // 7 + 1)]


def regime_of(day: date, venue: VenueDemand) -> str:
    context = day_context(day, venue.place)
    if context.holiday is not HolidayKind.NONE:
        return "holiday"
    return "ramadan" if context.ramadan else "ordinary"


def rolling_backtest(
    history: Sequence[HourlyCovers],
    venue: VenueDemand,
    origins: Sequence[date],
    *,
    horizon_days: int = 7,
    settings: ForecastSettings = DEFAULT_SETTINGS,
) -> BacktestResult:
    """MAE in covers of the model and of seasonal naive over every origin's next days."""
    if not 1 <= horizon_days <= 7:
        raise ValueError("seasonal naive needs a horizon of one week at most")
    first_day = min(record.day for record in history)
    last_day = max(record.day for record in history)
    grid = occupancy_grid(
        history,
        venue.capacity,
        first_day=first_day,
        last_day=last_day,
        opening_hours=venue.opening_hours,
    )
    result = BacktestResult()
    for origin in origins:
        model = fit_occupancy_model(history, venue, as_of=origin, settings=settings)
        result.origins += 1
        for day in (origin + timedelta(days=offset) for offset in range(horizon_days)):
            regime = regime_of(day, venue)
            for hour in range(HOURS):
                actual = grid.value(day, hour)
                naive = grid.value(day - timedelta(days=7), hour)
                if np.isnan(actual) or np.isnan(naive):
                    continue
                forecast = predict_hour(model, day, hour)
                predicted = forecast.occupancy if forecast is not None else 0.0
                model_error = abs(predicted - actual) * venue.capacity
                naive_error = abs(naive - actual) * venue.capacity
                result.overall.add(model_error, naive_error)
                result.by_regime[regime].add(model_error, naive_error)
    return result
