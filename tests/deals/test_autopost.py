from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dinner1.deals.autopost import (
    AutoPostDecision,
    AutoPostRule,
    SlotCandidate,
    decide_auto_posts,
)
from dinner1.deals.pricing import PricingAssumptions

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
# "post 25% when forecast occupancy of a slot 48 h ahead is below 40%; never more than 40% off"
OWNER_RULE = AutoPostRule(
    below_occupancy=0.40, lead_hours=48, discount_percent=25, max_discount_percent=40
)


def slot(slot_id: str, hours_ahead: float, occupancy: float, **extra: bool) -> SlotCandidate:
    return SlotCandidate(
        slot_id=slot_id,
        starts_at=NOW + timedelta(hours=hours_ahead),
        seats=40,
        forecast_occupancy=occupancy,
        **extra,
    )


def decide(
    rules: list[AutoPostRule], *slots: SlotCandidate, pricing: PricingAssumptions | None = None
) -> dict[str, AutoPostDecision]:
    decisions = decide_auto_posts(
        rules, slots, now=NOW, timezone="Africa/Casablanca", pricing=pricing
    )
    return {decision.slot_id: decision for decision in decisions}


def test_the_owner_rule_posts_quiet_slots_within_48_hours() -> None:
    decisions = decide(
        [OWNER_RULE],
        slot("quiet-tomorrow", 30, 0.25),
        slot("busy-tomorrow", 30, 0.55),
        slot("quiet-in-3-days", 72, 0.10),
        slot("started", -1, 0.10),
        slot("posted", 20, 0.10, already_posted=True),
    )
    posted = decisions["quiet-tomorrow"]
    assert posted.post and posted.discount_percent == 25 and posted.rule_index == 0
    assert "forecast 25% is below 40%" in posted.explanation
    assert "Tue 05 May 16:00" in posted.explanation  # 15:00 UTC, shown in local time
    for skipped in ("busy-tomorrow", "quiet-in-3-days", "started", "posted"):
        assert not decisions[skipped].post
        assert decisions[skipped].discount_percent == 0
    assert "no rule matched" in decisions["busy-tomorrow"].explanation
    assert "already started" in decisions["started"].explanation
    assert "already posted" in decisions["posted"].explanation


def test_a_rule_never_posts_beyond_its_cap() -> None:
    greedy = AutoPostRule(discount_percent=50, max_discount_percent=40)
    decision = decide([greedy], slot("s", 10, 0.1))["s"]
    assert decision.discount_percent == 40
    assert "lowered to the rule's cap of 40%" in decision.explanation


def test_recommended_discounts_stay_under_the_cap() -> None:
    rule = AutoPostRule(use_recommendation=True, max_discount_percent=20)
    pricing = PricingAssumptions(average_check_minor=12000)
    decisions = decide([rule], *(slot(f"s{i}", 12, i / 10) for i in range(4)), pricing=pricing)
    discounts = [decisions[f"s{i}"].discount_percent for i in range(4)]
    assert all(0 < discount <= 20 for discount in discounts)
    assert discounts == sorted(discounts, reverse=True)
    assert "contribution" in decisions["s0"].explanation


def test_first_matching_rule_decides() -> None:
    last_minute = AutoPostRule(below_occupancy=0.6, lead_hours=6, discount_percent=35)
    decisions = decide(
        [last_minute, OWNER_RULE], slot("tonight", 4, 0.5), slot("tomorrow", 30, 0.3)
    )
    assert decisions["tonight"].discount_percent == 35
    assert decisions["tonight"].rule_index == 0
    assert decisions["tomorrow"].discount_percent == 25
    assert decisions["tomorrow"].rule_index == 1


def test_slots_with_too_few_free_seats_are_not_posted() -> None:
    full_enough = SlotCandidate("small", NOW + timedelta(hours=5), 2, 0.35)
    decision = decide([OWNER_RULE], full_enough)["small"]
    assert not decision.post
    assert "seats expected free" in decision.explanation


def test_rules_and_times_are_validated() -> None:
    with pytest.raises(ValueError, match="below_occupancy"):
        AutoPostRule(below_occupancy=0)
    with pytest.raises(ValueError, match="percentages"):
        AutoPostRule(max_discount_percent=120)
    with pytest.raises(ValueError, match="aware"):
        decide_auto_posts([OWNER_RULE], [], now=datetime(2026, 5, 4), timezone="UTC")  # noqa: DTZ001
    assert "never more than 40% off" in OWNER_RULE.describe()
