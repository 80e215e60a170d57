"""Discount recommendation for a slot: seats filled against margin given away.

The model is deliberately small and stated in the reasoning it returns:

- empty seats = seats × (1 − forecast occupancy);
- a discount d fills a share reach × (1 − e^(−elasticity·d)) of them (the deal audience is
  finite and each extra point of discount brings fewer new guests);
- each new guest brings check × (margin − d) of contribution;
- guests who would have come anyway (cannibalization × expected guests) take d × check.

The recommended discount maximizes the expected gain on a grid of `step_percent`, never
above the cap. Because the give-away grows with the guests already expected, the
recommendation can only grow as forecast occupancy falls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dinner1.locale.service import format_money


@dataclass(frozen=True, slots=True)
class PricingAssumptions:
    average_check_minor: int
    currency: str = "MAD"
    # Share of the check left after food and other variable costs.
    contribution_margin: float = 0.65
    elasticity: float = 4.0
    # Largest share of empty seats a deal can fill, at any discount.
    reach: float = 0.6
    # Share of already-expected guests who book through the deal and take the discount.
    cannibalization: float = 0.3
    step_percent: int = 5
    min_discount_percent: int = 10

    def __post_init__(self) -> None:
        if self.average_check_minor <= 0:
            raise ValueError("average_check_minor must be positive")
        if not 0 < self.contribution_margin <= 1 or not 0 < self.reach <= 1:
            raise ValueError("margin and reach are shares between 0 and 1")
        if not 0 <= self.cannibalization <= 1 or self.elasticity <= 0 or self.step_percent <= 0:
            raise ValueError("cannibalization is a share; elasticity and step are positive")


@dataclass(frozen=True, slots=True)
class DiscountRecommendation:
    discount_percent: int
    expected_extra_covers: float
    expected_gain_minor: int
    reasoning: str


@dataclass(frozen=True, slots=True)
class SlotEconomics:
    """Expected effect of one discount on one slot, in covers and minor units."""

    discount_percent: int
    extra_covers: float
    added_contribution_minor: float
    given_away_minor: float

    @property
    def gain_minor(self) -> float:
        return self.added_contribution_minor - self.given_away_minor


def slot_economics(
    occupancy: float, seats: int, discount_percent: int, assumptions: PricingAssumptions
) -> SlotEconomics:
    share = discount_percent / 100
    occupancy = min(max(occupancy, 0.0), 1.0)
    empty = seats * (1 - occupancy)
    extra = empty * assumptions.reach * (1 - math.exp(-assumptions.elasticity * share))
    check = assumptions.average_check_minor
    cannibalized = seats * occupancy * assumptions.cannibalization if share > 0 else 0.0
    return SlotEconomics(
        discount_percent=discount_percent,
        extra_covers=extra,
        added_contribution_minor=extra * check * (assumptions.contribution_margin - share),
        given_away_minor=cannibalized * check * share,
    )


def recommend_discount(
    forecast_occupancy: float, seats: int, assumptions: PricingAssumptions, *, cap_percent: int
) -> DiscountRecommendation:
    """The discount with the best expected gain for the slot, from 0 up to `cap_percent`."""
    if not 0 <= cap_percent <= 100 or seats < 0:
        raise ValueError("cap_percent must be within 0–100 and seats non-negative")
    grid = range(assumptions.min_discount_percent, cap_percent + 1, assumptions.step_percent)
    options = [slot_economics(forecast_occupancy, seats, percent, assumptions) for percent in grid]
    best = max(options, key=lambda option: option.gain_minor, default=None)
    if best is None or best.gain_minor <= 0:
        return DiscountRecommendation(
            0, 0.0, 0, no_discount_reasoning(forecast_occupancy, seats, cap_percent, best)
        )
    deeper = next((o for o in options if o.discount_percent > best.discount_percent), None)
    return DiscountRecommendation(
        discount_percent=best.discount_percent,
        expected_extra_covers=round(best.extra_covers, 1),
        expected_gain_minor=round(best.gain_minor),
        reasoning=discount_reasoning(
            forecast_occupancy, seats, cap_percent, best, deeper, assumptions
        ),
    )


def money(amount_minor: float, currency: str) -> str:
    return format_money(round(amount_minor), currency, "en")


def no_discount_reasoning(
    occupancy: float, seats: int, cap_percent: int, best: SlotEconomics | None
) -> str:
    if best is None:
        return f"No discount: the cap ({cap_percent}%) is below the smallest discount offered."
    return (
        f"No discount: forecast {occupancy:.0%} full ({seats} seats); even the best option "
        f"({best.discount_percent}% off) would give away more margin than the "
        f"{best.extra_covers:.1f} extra covers it brings."
    )


def discount_reasoning(
    occupancy: float,
    seats: int,
    cap_percent: int,
    best: SlotEconomics,
    deeper: SlotEconomics | None,
    assumptions: PricingAssumptions,
) -> str:
    currency = assumptions.currency
    text = (
        f"Forecast {occupancy:.0%} full: about {seats * (1 - occupancy):.0f} of {seats} seats "
        f"empty. At {best.discount_percent}% off we expect +{best.extra_covers:.1f} covers "
        f"(elasticity {assumptions.elasticity:g}, reach {assumptions.reach:.0%}), adding "
        f"{money(best.added_contribution_minor, currency)} of contribution against "
        f"{money(best.given_away_minor, currency)} given to guests who would have come anyway: "
        f"net {money(best.gain_minor, currency)}."
    )
    if deeper is not None:
        text += (
            f" At {deeper.discount_percent}% the net would be {money(deeper.gain_minor, currency)}."
        )
    elif best.discount_percent + assumptions.step_percent > cap_percent:
        text += f" Capped at {cap_percent}% off."
    return text
