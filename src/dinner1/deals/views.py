from __future__ import annotations

from dinner1.core.geo import DISTANCE_BUCKETS
from dinner1.deals.models import Deal
from dinner1.deals.schemas import DealOut, ResultOut, VenueSummary
from dinner1.deals.search import Found
from dinner1.locale.money import convert_minor
from dinner1.locale.service import gettext as _
from dinner1.venues.features import feature_names


def clock(minute: int) -> str:
    minute %= 24 * 60
    return f"{minute // 60:02d}:{minute % 60:02d}"


def deal_out(deal: Deal) -> DealOut:
    return DealOut(
        id=deal.id,
        venue_id=deal.venue_id,
        starts_at=deal.starts_at,
        ends_at=deal.ends_at,
        local_day=deal.local_day,
        local_start=clock(deal.local_start_minute),
        local_end=clock(deal.local_end_minute),
        seats_total=deal.seats_total,
        seats_left=deal.seats_total - deal.seats_booked,
        kind=deal.kind,
        percent_off=deal.percent_off,
        original_price_minor=deal.original_price_minor,
        price_minor=deal.price_minor,
        currency=deal.currency,
        discount_percent=deal.discount_percent,
        min_party=deal.min_party,
        max_party=deal.max_party,
        restrictions=deal.restrictions,
        offer=deal.offer,
        template=deal.template,
        status=deal.status,
    )


def _bucket_text(key: str | None) -> str | None:
    for _upper, bucket, label in DISTANCE_BUCKETS:
        if bucket == key:
            return _(label)
    return None


def result_out(found: Found, currency: str, rates: dict[str, float]) -> ResultOut:
    """A search hit, its price also converted (approximately) into `currency`."""
    d = found.deal
    count = d["rating_count"]
    return ResultOut(
        deal_id=d["id"],
        venue=VenueSummary(
            id=d["venue_id"],
            name=d["venue_name"],
            category=d["venue_category"],
            city=d["venue_city"],
            address=d["venue_address"],
            features=feature_names(d["venue_features"]),
            rating=round(d["rating_sum"] / count, 2) if count else None,
        ),
        local_day=d["local_day"],
        local_start=clock(d["local_start_minute"]),
        local_end=clock(d["local_end_minute"]),
        seats_left=d["seats_total"] - d["seats_booked"],
        discount_percent=d["discount_percent"],
        kind=d["kind"],
        price_minor=d["price_minor"],
        original_price_minor=d["original_price_minor"],
        price_per_person_minor=d["price_per_person_minor"],
        currency=d["currency"],
        approx_price_per_person_minor=convert_minor(
            d["price_per_person_minor"], d["currency"], currency, rates
        ),
        approx_currency=currency,
        offer=d["offer"],
        restrictions=d["restrictions"],
        distance=found.distance_bucket,
        distance_text=_bucket_text(found.distance_bucket),
    )
