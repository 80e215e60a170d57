"""Four months of dead-hour deals at the demo venues, and what demo members did with them.

Each venue posts deals in its quiet hours on its quiet days. How well a deal sells follows
the day of the week (weekends sell best), the hour (an early dinner beats a late morning),
the discount, the venue's pull, a few months of growth and, in Ramadan, empty afternoons.
Bookings are mostly honoured, some missed, some cancelled in time or too late; honoured
ones earn loyalty points and often a review. Money and deadlines follow the live rules
(`bookings.rules`), so every figure is one the product itself could have produced.

Everything is planned in memory from one seeded generator, then inserted in bulk.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from dinner1.bookings.models import Booking
from dinner1.bookings.rules import fee_of, refund_deadline, refund_on_member_cancel, visit_points
from dinner1.bookings.service import CODE_ALPHABET, CODE_LENGTH
from dinner1.config import Settings
from dinner1.deals.models import Deal
from dinner1.deals.schemas import Terms
from dinner1.deals.service import build_deal
from dinner1.deals.slots import LocalSlot
from dinner1.demo.reviews import rating_for, review_text
from dinner1.locale.calendar import is_ramadan
from dinner1.venues.models import Venue

HISTORY_DAYS = 120
# Built slots may lie in the past: that is the point of a history.
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
# Monday … Sunday: how much better the same offer sells that day.
WEEKDAY_DEMAND = (0.75, 0.8, 0.9, 1.0, 1.25, 1.4, 1.15)
# Owners post on their quiet days: Monday to Thursday most, Saturday least.
POSTING_WEIGHTS = (3.0, 3.0, 2.5, 2.5, 1.0, 0.6, 1.5)
# Quiet windows per category, inside the demo opening hours: (start, end, hour's pull).
WINDOWS: dict[str, tuple[tuple[time, time, float], ...]] = {
    "cafe": ((time(10), time(12), 0.7), (time(15), time(17, 30), 1.0)),
    "tea_house": ((time(10), time(12), 0.6), (time(15), time(17, 30), 1.1)),
    "restaurant": ((time(12), time(13, 30), 0.8), (time(19), time(20, 30), 1.15)),
    "rooftop": ((time(17), time(19), 1.0), (time(22), time(23, 30), 0.6)),
}
BASE_FILL = 0.42
POSTING_CHANCE = 0.85
AUTO_POSTED_SHARE = 0.15
PARTY_WEIGHTS = {1: 0.8, 2: 5.0, 3: 1.5, 4: 1.8, 5: 0.4, 6: 0.3}
NO_SHOW_RATE = 0.08
CANCELLATION_RATE = 0.12
LATE_CANCELLATION_SHARE = 0.3
REVIEW_RATE = 0.4
SAME_CITY_SHARE = 0.85
OFFER = {"fr": "Heures calmes", "en": "Quiet hours", "ar": "ساعات الهدوء"}


@dataclass(frozen=True)
class Diner:
    id: uuid.UUID
    city: str
    locale: str


@dataclass(frozen=True)
class VenueTraits:
    """What makes one demo venue's history its own."""

    venue: Venue
    popularity: float
    quality: float
    seats: int
    percent_off: int
    posting_days: frozenset[int]


@dataclass
class History:
    deals: list[Deal] = field(default_factory=list)
    bookings: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    loyalty: list[dict[str, Any]] = field(default_factory=list)
    # venue → ratings of its published reviews
    ratings: dict[uuid.UUID, list[int]] = field(default_factory=lambda: defaultdict(list))


def venue_traits(rng: random.Random, venue: Venue) -> VenueTraits:
    days = set(rng.choices(range(7), weights=POSTING_WEIGHTS, k=rng.randint(3, 6)))
    return VenueTraits(
        venue=venue,
        popularity=rng.lognormvariate(0, 0.3),
        quality=rng.uniform(3.4, 4.8),
        seats=rng.choice((6, 8, 10, 12)),
        percent_off=rng.choice((20, 25, 30, 40)),
        posting_days=frozenset(days),
    )


class HistoryPlanner:
    """Plans deals, bookings, reviews and points; nothing touches the database here."""

    def __init__(
        self, rng: random.Random, settings: Settings, diners: list[Diner], now: datetime
    ) -> None:
        self.rng = rng
        self.rules = settings.bookings
        self.rates = settings.locale.exchange_rates
        self.now = now
        self.diners = diners
        # The first diners book most (a few regulars, a long tail), as on any marketplace.
        self.weights = [1 / (rank + 4) ** 0.8 for rank in range(len(diners))]
        self.by_city: dict[str, list[int]] = defaultdict(list)
        for index, diner in enumerate(diners):
            self.by_city[diner.city].append(index)
        self.codes: dict[uuid.UUID, set[str]] = defaultdict(set)
        self.dining_days: set[tuple[uuid.UUID, date]] = set()
        self.upcoming: Counter[uuid.UUID] = Counter()
        self.history = History()

    # ---- deals -------------------------------------------------------------------------

    def post(
        self, traits: VenueTraits, day: date, start: time, end: time, *, seats: int | None = None
    ) -> Deal:
        percent = max(10, traits.percent_off + self.rng.choice((-5, 0, 0, 5)))
        terms = Terms(seats=seats or traits.seats, percent_off=percent, offer=OFFER)
        deal = build_deal(traits.venue, LocalSlot(day, start, end), terms, now=LONG_AGO)
        deal.id = uuid.uuid4()
        deal.extra = {}
        deal.posted_by = "auto" if self.rng.random() < AUTO_POSTED_SHARE else "owner"
        deal.created_at = deal.updated_at = deal.starts_at - timedelta(days=self.rng.uniform(2, 12))
        self.history.deals.append(deal)
        return deal

    def plan_past(self, traits: VenueTraits, first_day: date, last_day: date) -> None:
        """Every posted quiet window from first_day to last_day, and who came."""
        windows = WINDOWS.get(traits.venue.category, WINDOWS["cafe"])
        day = first_day
        while day <= last_day:
            if day.weekday() in traits.posting_days:
                for start, end, pull in windows:
                    if self.rng.random() < POSTING_CHANCE:
                        deal = self.post(traits, day, start, end)
                        self.fill(traits, deal, self.demand(traits, deal, pull, first_day))
            day += timedelta(days=1)

    def demand(self, traits: VenueTraits, deal: Deal, pull: float, first_day: date) -> float:
        """Expected share of the seats taken (before the luck of the day)."""
        day = deal.local_day
        growth = 0.75 + 0.35 * (day - first_day).days / HISTORY_DAYS
        discount = 0.6 + deal.discount_percent / 50
        fasting = 0.25 if is_ramadan(day) and deal.local_start_minute < 17 * 60 else 1.0
        luck = self.rng.lognormvariate(0, 0.3)
        weekday = WEEKDAY_DEMAND[day.weekday()]
        return BASE_FILL * traits.popularity * weekday * pull * discount * growth * fasting * luck

    def fill(self, traits: VenueTraits, deal: Deal, demand: float) -> None:
        target = min(deal.seats_total, round(demand * deal.seats_total))
        booked = 0
        for _attempt in range(3 * deal.seats_total):
            if booked >= target:
                break
            party = self.party(min(target - booked, deal.max_party))
            diner = self.diner(traits.venue.city, deal.local_day)
            if diner is None:
                continue
            row = self.book(deal, diner, party, self.booked_at(deal))
            if self.rng.random() < CANCELLATION_RATE:
                self.cancel(row)
                continue
            booked += party
            self.honour(row, diner, traits)
        deal.seats_booked = booked

    # ---- bookings ----------------------------------------------------------------------

    def party(self, largest: int) -> int:
        sizes = [size for size in PARTY_WEIGHTS if size <= largest] or [1]
        return self.rng.choices(sizes, weights=[PARTY_WEIGHTS[s] for s in sizes])[0]

    def diner(self, city: str, day: date, *, upcoming: bool = False) -> Diner | None:
        """A member free that day, usually from the venue's city (None after a few tries)."""
        local = self.by_city.get(city) or range(len(self.diners))
        for _attempt in range(6):
            pool = local if self.rng.random() < SAME_CITY_SHARE else range(len(self.diners))
            index = self.rng.choices(pool, weights=[self.weights[i] for i in pool])[0]
            diner = self.diners[index]
            too_many = upcoming and self.upcoming[diner.id] >= 2
            if (diner.id, day) not in self.dining_days and not too_many:
                self.dining_days.add((diner.id, day))
                return diner
        return None

    def booked_at(self, deal: Deal) -> datetime:
        lead = timedelta(hours=self.rng.uniform(3, 6 * 24))
        return max(deal.created_at + timedelta(minutes=10), deal.starts_at - lead)

    def code(self, venue_id: uuid.UUID) -> str:
        taken = self.codes[venue_id]
        while True:
            code = "".join(self.rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in taken:
                taken.add(code)
                return code

    def book(self, deal: Deal, diner: Diner, party: int, at: datetime) -> dict[str, Any]:
        """A confirmed booking as `bookings.service.book` would have written it."""
        row: dict[str, Any] = {
            "id": uuid.uuid4(),
            "tenant_id": deal.tenant_id,
            "deal_id": deal.id,
            "venue_id": deal.venue_id,
            "member_id": diner.id,
            "starts_at": deal.starts_at,
            "party": party,
            "code": self.code(deal.venue_id),
            "status": "confirmed",
            "currency": deal.currency,
            "price_per_person_minor": deal.price_per_person_minor,
            "amount_minor": deal.price_per_person_minor * party,
            "refund_minor": 0,
            "fee_minor": 0,
            "payment_ref": f"sim_{self.rng.getrandbits(96):024x}",
            "source": "first_date" if party == 2 and self.rng.random() < 0.15 else "search",
            "note": None,
            "checked_in_at": None,
            "cancelled_at": None,
            "cancelled_by": None,
            "created_at": at,
            "updated_at": at,
        }
        self.history.bookings.append(row)
        return row

    @staticmethod
    def as_booking(row: dict[str, Any]) -> Booking:
        """A detached Booking, only for the pure rules to read."""
        fields = ("starts_at", "amount_minor", "refund_minor", "currency")
        return Booking(**{name: row[name] for name in fields})

    def cancel(self, row: dict[str, Any]) -> None:
        deadline = refund_deadline(self.as_booking(row), self.rules)
        booked, start = row["created_at"], row["starts_at"]
        late = booked >= deadline or self.rng.random() < LATE_CANCELLATION_SHARE
        earliest, latest = (max(booked, deadline), start) if late else (booked, deadline)
        at = earliest + (latest - earliest) * self.rng.uniform(0.1, 0.9)
        refund = refund_on_member_cancel(self.as_booking(row), self.rules, at)
        row |= {
            "status": "cancelled",
            "cancelled_by": "member",
            "cancelled_at": at,
            "refund_minor": refund,
            "updated_at": at,
        }

    def check_in(self, row: dict[str, Any], at: datetime) -> None:
        row |= {
            "status": "checked_in",
            "fee_minor": fee_of(row["amount_minor"], self.rules),
            "checked_in_at": at,
            "updated_at": at,
        }
        self.points(row, "visit", visit_points(self.as_booking(row), self.rules, self.rates), at)

    def miss(self, row: dict[str, Any]) -> None:
        """A no-show, as the sweeper marks it when the check-in window closes."""
        closes = row["starts_at"] + timedelta(minutes=self.rules.check_in_closes_minutes)
        row |= {
            "status": "no_show",
            "fee_minor": fee_of(row["amount_minor"], self.rules),
            "updated_at": closes,
        }

    def honour(self, row: dict[str, Any], diner: Diner, traits: VenueTraits) -> None:
        if self.rng.random() < NO_SHOW_RATE:
            self.miss(row)
            return
        arrived = row["starts_at"] + timedelta(minutes=self.rng.uniform(-20, 35))
        self.check_in(row, arrived)
        if self.rng.random() < REVIEW_RATE:
            self.review(row, diner, traits, arrived)

    # ---- after the meal ----------------------------------------------------------------

    def review(
        self, row: dict[str, Any], diner: Diner, traits: VenueTraits, arrived: datetime
    ) -> None:
        later = arrived + timedelta(hours=self.rng.uniform(2, 96))
        at = min(later, self.now - timedelta(minutes=5))
        rating = rating_for(self.rng, traits.quality)
        self.history.reviews.append(
            {
                "id": uuid.uuid4(),
                "tenant_id": row["tenant_id"],
                "booking_id": row["id"],
                "venue_id": row["venue_id"],
                "member_id": row["member_id"],
                "rating": rating,
                "text": review_text(self.rng, diner.locale, rating),
                "status": "published",
                "moderation": None,
                "created_at": at,
                "updated_at": at,
            }
        )
        self.history.ratings[row["venue_id"]].append(rating)
        if self.rules.points_per_review:
            self.points(row, "review", self.rules.points_per_review, at)

    def points(self, row: dict[str, Any], reason: str, points: int, at: datetime) -> None:
        if points <= 0:
            return
        self.history.loyalty.append(
            {
                "id": uuid.uuid4(),
                "tenant_id": row["tenant_id"],
                "member_id": row["member_id"],
                "booking_id": row["id"],
                "points": points,
                "reason": reason,
                "created_at": at,
                "updated_at": at,
            }
        )
