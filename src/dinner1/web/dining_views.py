"""What the dining pages show: tables as cards, texts in the reader's language, labels."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from babel import dates

from dinner1.core.text import N_
from dinner1.deals.models import Deal
from dinner1.deals.schemas import ResultOut
from dinner1.deals.views import clock
from dinner1.locale import service as i18n
from dinner1.locale.cities import CITY_BY_KEY
from dinner1.locale.money import convert_minor
from dinner1.locale.service import gettext as _
from dinner1.venues.features import CATEGORIES, FEATURES

# Offers and descriptions are written in whichever languages the owner chose.
FALLBACK_ORDER = ("fr", "en", "ar")
RESTRICTIONS = {
    "no_solo": N_("Not for one person alone"),
    "not_combinable": N_("Not combined with other offers"),
    "drinks_excluded": N_("Drinks not included"),
    "weekday_only": N_("Weekdays only"),
    "reservation_required": N_("Reservation required"),
}
BOOKING_STATUSES = {
    "confirmed": N_("Confirmed"),
    "checked_in": N_("Checked in"),
    "no_show": N_("Missed"),
    "cancelled": N_("Cancelled"),
}


@dataclass(frozen=True)
class Localized:
    text: str
    lang: str


@dataclass(frozen=True)
class TableCard:
    """One bookable table, ready to print (the same card on search and venue pages)."""

    deal_id: uuid.UUID
    venue_id: uuid.UUID
    venue_name: str
    category: str
    distance: str | None
    day: date
    start: str
    end: str
    seats_left: int
    discount_percent: int
    price: str
    approx: str | None
    offer: Localized | None
    restrictions: list[str]
    book_url: str


def in_language(texts: dict[str, str], locale: str) -> Localized | None:
    """The text in the reader's language, else in another one the owner wrote."""
    for lang in (locale, *FALLBACK_ORDER, *texts):
        if texts.get(lang):
            return Localized(texts[lang], lang)
    return None


def category_label(key: str) -> str:
    return _(CATEGORIES[key]) if key in CATEGORIES else key


def feature_labels(names: list[str]) -> list[str]:
    return [_(FEATURES[name][1]) for name in names if name in FEATURES]


def city_label(key: str) -> str:
    return _(CITY_BY_KEY[key].label) if key in CITY_BY_KEY else key


def status_label(status: str) -> str:
    return _(BOOKING_STATUSES.get(status, status))


def _restriction_labels(keys: list[str]) -> list[str]:
    return [_(RESTRICTIONS[key]) for key in keys if key in RESTRICTIONS]


def book_url(deal_id: uuid.UUID, party: int, currency: str) -> str:
    return f"/tables/deals/{deal_id}/book?" + urlencode({"party": party, "currency": currency})


def approx_price(
    amount_minor: int, currency: str, display: str, rates: dict[str, float]
) -> str | None:
    """The price in the member's currency, only when it differs (always approximate)."""
    if display == currency or display not in rates or currency not in rates:
        return None
    return i18n.format_money(convert_minor(amount_minor, currency, display, rates), display)


def card_from_result(result: ResultOut, party: int) -> TableCard:
    approx = None
    if result.approx_currency != result.currency:
        approx = i18n.format_money(result.approx_price_per_person_minor, result.approx_currency)
    return TableCard(
        deal_id=result.deal_id,
        venue_id=result.venue.id,
        venue_name=result.venue.name,
        category=category_label(result.venue.category),
        distance=result.distance_text,
        day=result.local_day,
        start=result.local_start,
        end=result.local_end,
        seats_left=result.seats_left,
        discount_percent=result.discount_percent,
        price=i18n.format_money(result.price_per_person_minor, result.currency),
        approx=approx,
        offer=in_language(result.offer, i18n.current_locale.get()),
        restrictions=_restriction_labels(result.restrictions),
        book_url=book_url(result.deal_id, party, result.approx_currency),
    )


def card_from_deal(
    deal: Deal, venue_name: str, category: str, display: str, rates: dict[str, float]
) -> TableCard:
    return TableCard(
        deal_id=deal.id,
        venue_id=deal.venue_id,
        venue_name=venue_name,
        category=category_label(category),
        distance=None,
        day=deal.local_day,
        start=clock(deal.local_start_minute),
        end=clock(deal.local_end_minute),
        seats_left=deal.seats_total - deal.seats_booked,
        discount_percent=deal.discount_percent,
        price=i18n.format_money(deal.price_per_person_minor, deal.currency),
        approx=approx_price(deal.price_per_person_minor, deal.currency, display, rates),
        offer=in_language(deal.offer, i18n.current_locale.get()),
        restrictions=_restriction_labels(deal.restrictions),
        book_url=book_url(deal.id, min(max(2, deal.min_party), deal.max_party), display),
    )


def opening_hours(hours: dict[str, list[list[str]]]) -> list[tuple[str, list[str]]]:
    """Monday to Sunday in the reader's language, each with its opening ranges."""
    names = dates.get_day_names(
        "wide", locale=i18n.FORMAT_LOCALES.get(i18n.current_locale.get(), "en")
    )
    return [
        (names[day], [f"{start}–{end}" for start, end in hours.get(str(day), [])])
        for day in range(7)
    ]
