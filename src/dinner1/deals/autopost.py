"""Auto-posting rules as a pure decision: which slots to post, at what discount, and why.

A rule reads like the owner wrote it: "post 25 % when forecast occupancy of a slot 48 h
ahead is below 40 %; never more than 40 % off". The scheduled job gives this function the
rules, the candidate slots with their forecasts and the current time, then stores and logs
the decisions; the first rule that matches a slot decides it, like an ordered list of rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dinner1.deals.pricing import PricingAssumptions, recommend_discount


@dataclass(frozen=True, slots=True)
class AutoPostRule:
    below_occupancy: float = 0.40
    lead_hours: int = 48
    discount_percent: int = 25
    max_discount_percent: int = 40
    # Post the pricing model's recommendation instead of the fixed discount (still capped).
    use_recommendation: bool = False
    min_empty_seats: int = 2

    def __post_init__(self) -> None:
        if not 0 < self.below_occupancy <= 1 or self.lead_hours <= 0:
            raise ValueError("below_occupancy is a share in (0, 1] and lead_hours positive")
        if not 0 < self.max_discount_percent <= 100 or not 0 < self.discount_percent <= 100:
            raise ValueError("discounts are percentages in (0, 100]")

    def describe(self) -> str:
        amount = (
            "the recommended discount" if self.use_recommendation else (f"{self.discount_percent}%")
        )
        return (
            f"post {amount} when forecast occupancy {self.lead_hours} h ahead is below "
            f"{self.below_occupancy:.0%}; never more than {self.max_discount_percent}% off"
        )


@dataclass(frozen=True, slots=True)
class SlotCandidate:
    slot_id: str
    starts_at: datetime  # aware, stored in UTC
    seats: int
    forecast_occupancy: float
    already_posted: bool = False


@dataclass(frozen=True, slots=True)
class AutoPostDecision:
    slot_id: str
    post: bool
    discount_percent: int
    rule_index: int | None
    explanation: str


def _skip(slot: SlotCandidate, explanation: str) -> AutoPostDecision:
    return AutoPostDecision(slot.slot_id, False, 0, None, explanation)


def rule_discount(
    rule: AutoPostRule, slot: SlotCandidate, pricing: PricingAssumptions | None
) -> tuple[int, str]:
    """The discount a matching rule posts, and how it was reached."""
    if rule.use_recommendation and pricing is not None:
        recommended = recommend_discount(
            slot.forecast_occupancy, slot.seats, pricing, cap_percent=rule.max_discount_percent
        )
        return recommended.discount_percent, recommended.reasoning
    fallback = " (no pricing assumptions given)" if rule.use_recommendation else ""
    if rule.discount_percent > rule.max_discount_percent:
        return rule.max_discount_percent, (
            f"{rule.discount_percent}% lowered to the rule's cap of "
            f"{rule.max_discount_percent}%{fallback}"
        )
    return rule.discount_percent, f"the rule's {rule.discount_percent}%{fallback}"


def decide_slot(
    rules: Sequence[AutoPostRule],
    slot: SlotCandidate,
    now: datetime,
    zone: ZoneInfo,
    pricing: PricingAssumptions | None,
) -> AutoPostDecision:
    local = slot.starts_at.astimezone(zone).strftime("%a %d %b %H:%M")
    hours_ahead = (slot.starts_at - now) / timedelta(hours=1)
    occupancy = slot.forecast_occupancy
    if slot.already_posted:
        return _skip(slot, f"{local}: already posted")
    if hours_ahead <= 0:
        return _skip(slot, f"{local}: already started")
    empty = round(slot.seats * (1 - occupancy))
    for index, rule in enumerate(rules):
        if hours_ahead > rule.lead_hours or occupancy >= rule.below_occupancy:
            continue
        if empty < rule.min_empty_seats:
            return _skip(slot, f"{local}: only {empty} seats expected free")
        discount, how = rule_discount(rule, slot, pricing)
        if discount <= 0:
            return _skip(slot, f"{local}: rule {index + 1} matched but {how}")
        return AutoPostDecision(
            slot.slot_id,
            True,
            discount,
            index,
            f"{local}: posted {discount}% off — forecast {occupancy:.0%} is below "
            f"{rule.below_occupancy:.0%} with {hours_ahead:.0f} h to go (rule {index + 1}: "
            f"{rule.describe()}); discount: {how}",
        )
    return _skip(
        slot, f"{local}: no rule matched (forecast {occupancy:.0%}, {hours_ahead:.0f} h ahead)"
    )


def decide_auto_posts(
    rules: Sequence[AutoPostRule],
    slots: Sequence[SlotCandidate],
    *,
    now: datetime,
    timezone: str,
    pricing: PricingAssumptions | None = None,
) -> list[AutoPostDecision]:
    """One decision per candidate slot, each with the sentence the owner's log shows."""
    if now.tzinfo is None or any(slot.starts_at.tzinfo is None for slot in slots):
        raise ValueError("now and slot times must be timezone-aware")
    zone = ZoneInfo(timezone)
    return [decide_slot(rules, slot, now, zone, pricing) for slot in slots]
