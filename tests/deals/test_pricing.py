from __future__ import annotations

import pytest

from dinner1.deals.pricing import PricingAssumptions, recommend_discount, slot_economics

ASSUMPTIONS = PricingAssumptions(average_check_minor=15000, currency="MAD")
OCCUPANCIES = [step / 20 for step in range(21)]


@pytest.mark.parametrize("cap", [0, 5, 10, 25, 40, 70, 100])
def test_discount_never_exceeds_the_cap(cap: int) -> None:
    for occupancy in OCCUPANCIES:
        recommendation = recommend_discount(occupancy, 60, ASSUMPTIONS, cap_percent=cap)
        assert 0 <= recommendation.discount_percent <= cap


@pytest.mark.parametrize("cap", [20, 40, 70])
def test_discount_grows_as_forecast_occupancy_falls(cap: int) -> None:
    discounts = [
        recommend_discount(occupancy, 60, ASSUMPTIONS, cap_percent=cap).discount_percent
        for occupancy in OCCUPANCIES
    ]
    assert discounts == sorted(discounts, reverse=True)
    assert discounts[0] > discounts[-1] == 0


def test_a_full_slot_gets_no_discount_and_says_why() -> None:
    recommendation = recommend_discount(0.95, 60, ASSUMPTIONS, cap_percent=40)
    assert recommendation.discount_percent == 0
    assert recommendation.expected_gain_minor == 0
    assert recommendation.reasoning.startswith("No discount")


def test_recommendation_explains_the_trade_off_in_money() -> None:
    recommendation = recommend_discount(0.2, 60, ASSUMPTIONS, cap_percent=40)
    economics = slot_economics(0.2, 60, recommendation.discount_percent, ASSUMPTIONS)
    assert recommendation.expected_gain_minor == round(economics.gain_minor) > 0
    assert recommendation.expected_extra_covers == pytest.approx(economics.extra_covers, abs=0.1)
    assert f"At {recommendation.discount_percent}% off" in recommendation.reasoning
    assert "MAD" in recommendation.reasoning
    assert "48 of 60 seats empty" in recommendation.reasoning


def test_a_binding_cap_is_named_in_the_reasoning() -> None:
    recommendation = recommend_discount(0.0, 60, ASSUMPTIONS, cap_percent=15)
    assert recommendation.discount_percent == 15
    assert "Capped at 15% off" in recommendation.reasoning


def test_deeper_discounts_pay_less_for_each_extra_cover() -> None:
    extra = [slot_economics(0.3, 60, percent, ASSUMPTIONS).extra_covers for percent in (10, 20, 30)]
    assert extra[0] < extra[1] < extra[2]
    assert extra[1] - extra[0] > extra[2] - extra[1]


def test_assumptions_and_cap_are_validated() -> None:
    with pytest.raises(ValueError, match="positive"):
        PricingAssumptions(average_check_minor=0)
    with pytest.raises(ValueError, match="share"):
        PricingAssumptions(average_check_minor=100, contribution_margin=1.5)
    with pytest.raises(ValueError, match="cap_percent"):
        recommend_discount(0.2, 60, ASSUMPTIONS, cap_percent=120)
    tiny_cap = recommend_discount(0.1, 60, ASSUMPTIONS, cap_percent=5)
    assert tiny_cap.discount_percent == 0
    assert "below the smallest discount" in tiny_cap.reasoning
