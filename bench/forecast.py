"""Backtest the dead-hour occupancy forecast against seasonal naive (same hour last week).

    python bench/forecast.py            # the reported evaluation
    python bench/forecast.py --tuning   # the separate setup the defaults were chosen on

Synthetic histories (café in Casablanca, restaurant in Marrakech, tea house in Fes) run from
2024-09-02 to 2026-06-28 with weekly and daily patterns, Moroccan holidays, two Ramadans,
trends and noise. Rolling origin: every Monday of the evaluation weeks the model is fitted on
the days before it and forecasts the next seven; the baseline repeats the last observed week.
Evaluation: seeds 1–3, origins 2026-01-05..2026-06-22 (Ramadan 1447, both Eids). Tuning:
seeds 1001–1003, origins 2025-02-03..2025-09-15. No setting was chosen on the evaluation.
The last line is one JSON object with the figures; the target is ≥ 20 % lower MAE.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from datetime import date

from dinner1.deals.backtest import BacktestResult, ErrorTally, rolling_backtest, weekly_origins
from dinner1.deals.synthetic import ARCHETYPES, synthetic_history

HISTORY = (date(2024, 9, 2), date(2026, 6, 28))
TARGET_IMPROVEMENT = 0.20


@dataclass(frozen=True)
class Protocol:
    name: str
    seeds: tuple[int, ...]
    first_origin: date
    last_origin: date


EVALUATION = Protocol("evaluation", (1, 2, 3), date(2026, 1, 5), date(2026, 6, 22))
TUNING = Protocol("tuning", (1001, 1002, 1003), date(2025, 2, 3), date(2025, 9, 15))


def run(protocol: Protocol) -> dict[tuple[str, int], BacktestResult]:
    origins = weekly_origins(protocol.first_origin, protocol.last_origin)
    results: dict[tuple[str, int], BacktestResult] = {}
    for name, archetype in ARCHETYPES.items():
        for seed in protocol.seeds:
            history = synthetic_history(archetype, *HISTORY, seed)
            results[(name, seed)] = rolling_backtest(history, archetype.venue(), origins)
    return results


def merged(results: list[BacktestResult], regime: str | None = None) -> ErrorTally:
    total = ErrorTally()
    for result in results:
        part = result.overall if regime is None else result.by_regime.get(regime, ErrorTally())
        total.model += part.model
        total.naive += part.naive
        total.hours += part.hours
    return total


def print_table(results: dict[tuple[str, int], BacktestResult]) -> None:
    header = (
        f"{'archetype':<11}{'seed':>5}{'hours':>8}{'model MAE':>11}{'naive MAE':>11}{'better':>9}"
    )
    print(header)
    print("-" * len(header))
    for (name, seed), result in results.items():
        tally = result.overall
        print(
            f"{name:<11}{seed:>5}{tally.hours:>8}{tally.model_mae:>11.3f}"
            f"{tally.naive_mae:>11.3f}{tally.improvement:>9.1%}"
        )
    print("-" * len(header))
    for regime in ("ordinary", "ramadan", "holiday", None):
        tally = merged(list(results.values()), regime)
        label = regime or "ALL"
        print(
            f"{label:<16}{tally.hours:>8}{tally.model_mae:>11.3f}"
            f"{tally.naive_mae:>11.3f}{tally.improvement:>9.1%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tuning", action="store_true", help="run the tuning setup instead")
    protocol = TUNING if parser.parse_args().tuning else EVALUATION
    started = time.perf_counter()
    results = run(protocol)
    print(
        f"{protocol.name}: seeds {protocol.seeds}, origins {protocol.first_origin}.."
        f"{protocol.last_origin}, 7-day horizon; MAE in covers per open hour"
    )
    print_table(results)
    overall = merged(list(results.values()))
    figures = {
        "protocol": protocol.name,
        "seeds": list(protocol.seeds),
        "origins_per_run": next(iter(results.values())).origins,
        "hours": overall.hours,
        "model_mae_covers": round(overall.model_mae, 4),
        "seasonal_naive_mae_covers": round(overall.naive_mae, 4),
        "improvement": round(overall.improvement, 4),
        "target": TARGET_IMPROVEMENT,
        "by_regime": {
            regime: round(merged(list(results.values()), regime).improvement, 4)
            for regime in ("ordinary", "ramadan", "holiday")
        },
        "per_archetype": {
            name: round(merged([r for (n, _), r in results.items() if n == name]).improvement, 4)
            for name in ARCHETYPES
        },
        "meets_target": overall.improvement >= TARGET_IMPROVEMENT,
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
