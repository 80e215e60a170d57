"""The tables search form: GET fields → search parameters, messages beside the fields, and
links to other pages of results that keep the query."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from babel import numbers
from pydantic import ValidationError
from starlette.datastructures import QueryParams

from dinner1.core.errors import ValidationFailed
from dinner1.core.text import N_
from dinner1.deals.search import SearchParams
from dinner1.locale.service import gettext as _

SINGLE_FIELDS = (
    "city",
    "lat",
    "lon",
    "day",
    "when",
    "start",
    "end",
    "party",
    "max_price",
    "currency",
    "min_discount",
    "category",
    "q",
    "not_during_prayer",
    "ramadan_mode",
    "sort",
    "radius_km",
    "page",
)
# Passed to the search as typed; the rest are converted first.
PASSED_THROUGH = (
    "city",
    "lat",
    "lon",
    "day",
    "start",
    "end",
    "party",
    "currency",
    "min_discount",
    "category",
    "q",
    "not_during_prayer",
    "ramadan_mode",
    "sort",
    "radius_km",
    "page",
)
WHEN = {
    "any": N_("Any time"),
    "now": N_("Now"),
    "afternoon": N_("This afternoon"),
    "tonight": N_("Tonight"),
}
WINDOWS: dict[str, tuple[time, time | None]] = {
    "afternoon": (time(14, 0), time(18, 0)),
    "tonight": (time(18, 0), None),
}
NOW_SPAN_MINUTES = 180
RADII = (2, 5, 10, 25, 50)
DEFAULT_RADIUS_KM = 10
DISCOUNTS = (0, 10, 20, 30, 40, 50)
CURRENCIES = ("MAD", "EUR", "USD")
SORTS = {
    "relevance": N_("Best match"),
    "time": N_("Soonest"),
    "distance": N_("Nearest"),
    "discount": N_("Biggest discount"),
    "rating": N_("Best rated"),
}
PER_PAGE = 10
FIELD_MESSAGES = {
    "city": N_("Choose a city from the list."),
    "place": N_("Your location could not be read; choose a city instead."),
    "day": N_("Enter a date."),
    "start": N_("Enter a time such as 19:30."),
    "end": N_("Enter a time such as 19:30."),
    "party": N_("A party is 1 to 50 people."),
    "feature": N_("Choose features from the list."),
    "max_price": N_("Enter an amount above zero, such as 150."),
    "currency": N_("Choose MAD, EUR or USD."),
    "min_discount": N_("Enter a discount from 0 to 90 percent."),
    "category": N_("Choose a kind of place from the list."),
    "q": N_("Use at most 100 characters."),
    "sort": N_("Choose an order from the list."),
    "radius_km": N_("Choose a distance from the list."),
}
# Search parameters that the form names differently.
FORM_NAMES = {"lat": "place", "lon": "place", "max_price_minor": "max_price"}


@dataclass
class SearchForm:
    values: dict[str, Any]
    params: SearchParams | None = None
    errors: dict[str, str] = field(default_factory=dict)
    form_error: str | None = None

    @property
    def more_filters_used(self) -> bool:
        """Whether to show the folded filters open: they hold a choice or an error."""
        v = self.values
        defaults = {"min_discount": "0", "sort": "relevance", "radius_km": str(DEFAULT_RADIUS_KM)}
        changed = any(v[name] not in ("", default) for name, default in defaults.items())
        typed = any(v[name] for name in ("start", "end", "feature", "max_price", "category", "q"))
        toggled = v["not_during_prayer"] or v["ramadan_mode"]
        return bool(changed or typed or toggled or self.errors)

    def refuse(self, parameter: str) -> None:
        name = FORM_NAMES.get(parameter, parameter)
        if name in FIELD_MESSAGES:
            self.errors.setdefault(name, _(FIELD_MESSAGES[name]))
        else:
            self.form_error = _("This search link is broken; start a new search below.")

    def refuse_all(self, error: ValidationFailed) -> None:
        """Refusals of the search service (unknown city, feature…), beside their fields."""
        for item in error.extra.get("errors", []):
            loc = item.get("loc") or ["form"]
            self.refuse(str(loc[-1]))


def time_window(
    when: str, today: date, now_minute: int
) -> tuple[date | None, time | None, time | None]:
    """A quick choice → (day, start, end). "Now" is today, from this minute, for 3 hours."""
    if when == "now":
        end_minute = now_minute + NOW_SPAN_MINUTES
        end = time(end_minute // 60, end_minute % 60) if end_minute < 24 * 60 else None
        return today, time(now_minute // 60, now_minute % 60), end
    start, last = WINDOWS.get(when, (None, None))
    return None, start, last


def _minor_units(text: str, currency: str) -> int | None:
    try:
        amount = Decimal(text.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0:
        return None
    digits = numbers.get_currency_precision(currency if currency in CURRENCIES else "MAD")
    return int(amount.scaleb(digits).to_integral_value()) or None


def _search_data(form: SearchForm, today: date, now_minute: int) -> dict[str, Any]:
    values = form.values
    data: dict[str, Any] = {name: values[name] for name in PASSED_THROUGH if values[name]}
    data.setdefault("radius_km", DEFAULT_RADIUS_KM)
    data["feature"] = values["feature"]
    data["per_page"] = PER_PAGE
    if values["max_price"]:
        minor = _minor_units(values["max_price"], values["currency"])
        if minor is None:
            form.refuse("max_price")
        else:
            data["max_price_minor"] = minor
    if not values["start"] and not values["end"]:
        day, start, end = time_window(values["when"], today, now_minute)
        chosen = {"day": day, "start": start, "end": end}
        data.update({key: value for key, value in chosen.items() if value is not None})
    return data


def read_search_form(query: QueryParams, today: date, now_minute: int) -> SearchForm:
    values: dict[str, Any] = {name: query.get(name, "").strip() for name in SINGLE_FIELDS}
    values["feature"] = [name for name in query.getlist("feature") if name]
    form = SearchForm(values)
    data = _search_data(form, today, now_minute)
    try:
        params = SearchParams.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            form.refuse(str(error["loc"][0]))
        return form
    if (params.not_during_prayer or params.ramadan_mode) and not params.city and params.lat is None:
        form.errors["city"] = _("Choose a city or use your location to filter by prayer times.")
    if not form.errors and form.form_error is None:
        form.params = params
    return form


def page_url(query: QueryParams, page: int) -> str:
    kept = [(name, value) for name, value in query.multi_items() if name != "page"]
    return "/tables?" + urlencode([*kept, ("page", str(page))])


def url_without(query: QueryParams, *names: str) -> str:
    kept = [(name, value) for name, value in query.multi_items() if name not in names]
    return "/tables?" + urlencode(kept) if kept else "/tables"
