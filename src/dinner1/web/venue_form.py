"""The venue registration form: what was typed, turned into a `VenueIn` or into messages
next to the fields — and back again, so an error never loses what the owner wrote."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import dates
from pydantic import ValidationError
from starlette.datastructures import FormData

from dinner1.core.text import N_
from dinner1.locale import service as i18n
from dinner1.locale.cities import CITIES, CITY_BY_KEY
from dinner1.locale.service import gettext as _
from dinner1.venues.features import CATEGORIES, FEATURES
from dinner1.venues.models import Venue
from dinner1.venues.schemas import VenueIn

DAYS = range(7)
RANGES_PER_DAY = 2
EMPTY_CLOSED_DATES = 3
CURRENCIES = ("MAD", "EUR", "USD")
TEXT_FIELDS = (
    "name",
    "category",
    "description_en",
    "description_fr",
    "description_ar",
    "address",
    "city",
    "lat",
    "lon",
    "timezone",
    "phone",
    "currency",
    "capacity",
    "average_price",
)
_PHONE = re.compile(r"^\+?[0-9 ().-]{6,32}$")
COORDINATES = N_("Enter both coordinates as numbers, or leave both empty for the city centre.")
# VenueIn field → (form field, message shown next to it).
SCHEMA_ERRORS = {
    "name": ("name", N_("Enter the venue's name (2 to 120 characters).")),
    "category": ("category", N_("Choose a category.")),
    "description": ("description", N_("Each description is at most 2000 characters.")),
    "address": ("address", N_("Enter the street address (3 to 240 characters).")),
    "lat": ("coordinates", COORDINATES),
    "lon": ("coordinates", COORDINATES),
    "timezone": ("timezone", N_("Choose a time zone.")),
    "phone": ("phone", N_("Enter a phone number: digits, spaces and a leading +.")),
    "currency": ("currency", N_("Choose a currency.")),
    "capacity": ("capacity", N_("Enter the number of seats, from 1 to 2000.")),
    "average_price_minor": ("average_price", N_("Enter the typical spend per person.")),
    "features": ("features", N_("Choose features from the list.")),
    "hours": ("hours", N_("A range cannot open and close at the same time.")),
    "hours_exceptions": ("closed_dates", N_("Enter closed days as dates.")),
    "busy_hours": ("busy", N_("Busy hours are whole hours of the day.")),
}


@dataclass
class VenueForm:
    """Everything the form shows, as the text it shows."""

    values: dict[str, str] = field(default_factory=dict)
    features: set[str] = field(default_factory=set)
    # weekday → RANGES_PER_DAY (open, close) pairs, "" where empty.
    hours: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    closed_dates: list[str] = field(default_factory=list)
    # "weekday-hour" keys of the busy-hours grid.
    busy: set[str] = field(default_factory=set)

    def range_at(self, day: int, index: int) -> tuple[str, str]:
        ranges = self.hours.get(day, [])
        return ranges[index] if index < len(ranges) else ("", "")

    def closed_date_slots(self) -> list[str]:
        return [*self.closed_dates, *([""] * EMPTY_CLOSED_DATES)]


def choices() -> dict[str, Any]:
    """Options of the selects and check boxes, labelled in the reader's language."""
    locale = i18n.FORMAT_LOCALES.get(i18n.current_locale.get(), "en")
    day_names = dates.get_day_names("wide", locale=locale)
    zones = sorted({city.timezone for city in CITIES})
    return {
        "categories": [(key, _(label)) for key, label in CATEGORIES.items()],
        "cities": [(city.key, _(city.label)) for city in CITIES],
        "timezones": zones,
        "currencies": CURRENCIES,
        "features": [(key, _(label)) for key, (_bit, label) in FEATURES.items()],
        "days": [(day, day_names[day]) for day in DAYS],
        "ranges": range(RANGES_PER_DAY),
        "hours_of_day": range(24),
    }


def blank_form() -> VenueForm:
    first = CITIES[0]
    values = dict.fromkeys(TEXT_FIELDS, "")
    values |= {"city": first.key, "timezone": first.timezone, "currency": "MAD"}
    return VenueForm(values=values)


def _price_text(minor: int) -> str:
    units, cents = divmod(minor, 100)
    return str(units) if cents == 0 else f"{units}.{cents:02d}"


def form_from_venue(venue: Venue) -> VenueForm:
    values = {
        "name": venue.name,
        "category": venue.category,
        "address": venue.address,
        "city": venue.city,
        "lat": f"{venue.lat:.5f}",
        "lon": f"{venue.lon:.5f}",
        "timezone": venue.timezone,
        "phone": venue.phone or "",
        "currency": venue.currency,
        "capacity": str(venue.capacity),
        "average_price": _price_text(venue.average_price_minor),
    }
    values |= {f"description_{k}": venue.description.get(k, "") for k in ("en", "fr", "ar")}
    return VenueForm(
        values=values,
        features={name for name, (bit, _label) in FEATURES.items() if venue.features & bit},
        hours={day: [(a, b) for a, b in venue.hours.get(str(day), [])] for day in DAYS},
        closed_dates=sorted(day for day, ranges in venue.hours_exceptions.items() if not ranges),
        busy={f"{day}-{hour}" for day, hours in venue.busy_hours.items() for hour in hours},
    )


def form_from_post(form: FormData) -> VenueForm:
    values = {name: str(form.get(name) or "").strip() for name in TEXT_FIELDS}
    hours = {
        day: [
            (
                str(form.get(f"hours_{day}_{index}_open") or "").strip(),
                str(form.get(f"hours_{day}_{index}_close") or "").strip(),
            )
            for index in range(RANGES_PER_DAY)
        ]
        for day in DAYS
    }
    return VenueForm(
        values=values,
        features={str(v) for v in form.getlist("features")},
        hours=hours,
        closed_dates=[str(v).strip() for v in form.getlist("closed_dates") if str(v).strip()],
        busy={str(v) for v in form.getlist("busy")},
    )


def _coordinates(values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    """Typed (or found by the browser) coordinates; both empty means the city centre."""
    lat, lon = values["lat"], values["lon"]
    if not lat and not lon:
        city = CITY_BY_KEY.get(values["city"])
        return {"lat": city.lat, "lon": city.lon} if city else {}
    if not lat or not lon:
        errors["coordinates"] = _(COORDINATES)
    return {"lat": lat or None, "lon": lon or None}


def _minor_units(text: str, errors: dict[str, str]) -> int | None:
    try:
        amount = Decimal(text.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount <= 0:
        errors["average_price"] = _(SCHEMA_ERRORS["average_price_minor"][1])
        return None
    return int((amount * 100).to_integral_value())


def _hours(form: VenueForm, errors: dict[str, str]) -> dict[str, list[list[str]]]:
    hours: dict[str, list[list[str]]] = {}
    for day in DAYS:
        ranges = []
        for opens, closes in form.hours.get(day, []):
            if opens and closes:
                ranges.append([opens, closes])
            elif opens or closes:
                errors[f"hours_{day}"] = _("Give both the opening and the closing time.")
        if ranges:
            hours[str(day)] = ranges
    return hours


def _closed_dates(form: VenueForm, errors: dict[str, str]) -> dict[str, list[list[str]]]:
    closed: dict[str, list[list[str]]] = {}
    for text in form.closed_dates:
        try:
            closed[date.fromisoformat(text).isoformat()] = []
        except ValueError:
            errors["closed_dates"] = _(SCHEMA_ERRORS["hours_exceptions"][1])
    return closed


def _busy_hours(form: VenueForm) -> dict[str, list[int]]:
    busy: dict[str, list[int]] = {}
    for key in sorted(form.busy):
        day, _sep, hour = key.partition("-")
        if day.isdigit() and hour.isdigit() and int(day) in DAYS:
            busy.setdefault(day, []).append(int(hour))
    return {day: sorted(hours) for day, hours in busy.items()}


def _schema_field(loc: tuple[int | str, ...]) -> str:
    if loc and loc[0] == "hours" and len(loc) > 1:
        return f"hours_{loc[1]}"
    return SCHEMA_ERRORS.get(str(loc[0]) if loc else "", ("form", ""))[0]


def _schema_message(loc: tuple[int | str, ...]) -> str:
    name = str(loc[0]) if loc else ""
    return _(SCHEMA_ERRORS[name][1]) if name in SCHEMA_ERRORS else _("Check this value.")


def to_venue_in(
    form: VenueForm, kept_exceptions: dict[str, list[list[str]]] | None = None
) -> tuple[VenueIn | None, dict[str, str]]:
    """The venue the form describes, or the messages to show next to its fields.

    `kept_exceptions` are special opening hours set through the API, which the form does
    not show and must not drop."""
    values = form.values
    errors: dict[str, str] = {}
    if values["city"] not in CITY_BY_KEY:
        errors["city"] = _("Choose a city from the list.")
    if values["phone"] and not _PHONE.match(values["phone"]):
        errors["phone"] = _(SCHEMA_ERRORS["phone"][1])
    data: dict[str, Any] = {
        "name": values["name"],
        "category": values["category"],
        "description": {k: values[f"description_{k}"] for k in ("en", "fr", "ar")},
        "address": values["address"],
        "city": values["city"],
        "timezone": values["timezone"],
        "phone": values["phone"] or None,
        "currency": values["currency"],
        "capacity": values["capacity"],
        "average_price_minor": _minor_units(values["average_price"], errors),
        "features": sorted(form.features),
        "hours": _hours(form, errors),
        "hours_exceptions": (kept_exceptions or {}) | _closed_dates(form, errors),
        "busy_hours": _busy_hours(form),
    } | _coordinates(values, errors)
    try:
        venue = VenueIn.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            errors.setdefault(_schema_field(error["loc"]), _schema_message(error["loc"]))
        return None, errors
    return (None, errors) if errors else (venue, errors)
