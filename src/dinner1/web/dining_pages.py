"""Members' dining pages: search dead-hour tables, venue pages, booking, my bookings."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from dinner1.bookings import reviews
from dinner1.config import Settings
from dinner1.core.deps import RuntimeDep, SessionDep, TenantDep
from dinner1.core.errors import NotFound, ValidationFailed
from dinner1.deals import search as searching
from dinner1.deals.views import result_out
from dinner1.locale import service as i18n
from dinner1.locale.cities import CITIES
from dinner1.locale.service import gettext as _
from dinner1.venues import photos as venue_photos
from dinner1.venues import repository as venues
from dinner1.venues.features import CATEGORIES, FEATURES, feature_names
from dinner1.venues.models import Venue
from dinner1.web import table_search_form as search_form
from dinner1.web.booking_pages import router as booking_router
from dinner1.web.dining_views import (
    TableCard,
    card_from_deal,
    card_from_result,
    category_label,
    city_label,
    feature_labels,
    in_language,
    opening_hours,
)
from dinner1.web.rendering import render
from dinner1.web.session import PagePrincipal

router = APIRouter(include_in_schema=False)
router.include_router(booking_router)

LATEST_REVIEWS = 10
UPCOMING_TABLES = 20


def _form_choices() -> dict[str, object]:
    return {
        "cities": CITIES,
        "categories": CATEGORIES,
        "features": {name: label for name, (_bit, label) in FEATURES.items()},
        "whens": search_form.WHEN,
        "sorts": search_form.SORTS,
        "radii": search_form.RADII,
        "default_radius": search_form.DEFAULT_RADIUS_KM,
        "discounts": search_form.DISCOUNTS,
        "currencies": search_form.CURRENCIES,
    }


async def _find(
    session: AsyncSession, form: search_form.SearchForm, tenant_id: uuid.UUID, settings: Settings
) -> tuple[list[TableCard], bool]:
    """A page of tables for a valid form; the service's refusals go beside the fields."""
    if form.params is None:
        return [], False
    try:
        query = searching.query_from(form.params, tenant_id, settings.locale.default_timezone)
    except ValidationFailed as exc:
        form.refuse_all(exc)
        return [], False
    rates = settings.locale.exchange_rates
    found, more = await searching.search(session, query, rates)
    party = form.params.party
    return [
        card_from_result(result_out(f, form.params.currency, rates), party) for f in found
    ], more


@router.get("/tables")
async def tables_page(
    request: Request,
    _principal: PagePrincipal,
    session: SessionDep,
    tenant: TenantDep,
    runtime: RuntimeDep,
) -> Response:
    today, now_minute = searching.tonight(runtime.settings.locale.default_timezone)
    form = search_form.read_search_form(request.query_params, today, now_minute)
    tables, more = await _find(session, form, tenant.id, runtime.settings)
    page = form.params.page if form.params else 1
    query = request.query_params
    return render(
        request,
        "dining/search.html",
        status_code=422 if form.errors or form.form_error else 200,
        active="tables",
        values=form.values,
        errors=form.errors,
        form_error=form.form_error,
        today=today,
        more_filters=form.more_filters_used,
        tables=tables,
        display_currency=form.params.currency if form.params else "MAD",
        previous_url=search_form.page_url(query, page - 1) if page > 1 else None,
        next_url=search_form.page_url(query, page + 1) if more else None,
        city_search_url=search_form.url_without(query, "lat", "lon", "page"),
        **_form_choices(),
    )


async def _approved_venue(
    session: AsyncSession, tenant_id: uuid.UUID, venue_id: uuid.UUID
) -> Venue:
    venue = await venues.get_venue(session, tenant_id, venue_id)
    if venue is None or venue.status != "approved":
        raise NotFound(_("No such venue."))
    return venue


@router.get("/tables/venues/{venue_id}")
async def venue_page(
    venue_id: uuid.UUID,
    request: Request,
    _principal: PagePrincipal,
    session: SessionDep,
    tenant: TenantDep,
    runtime: RuntimeDep,
    currency: Annotated[Literal["MAD", "EUR", "USD"] | None, Query()] = None,
) -> Response:
    venue = await _approved_venue(session, tenant.id, venue_id)
    rates = runtime.settings.locale.exchange_rates
    display = currency or runtime.settings.locale.default_currency
    deals = await searching.upcoming_at_venue(
        session, tenant.id, venue.id, datetime.now(UTC), limit=UPCOMING_TABLES
    )
    return render(
        request,
        "dining/venue.html",
        active="tables",
        venue=venue,
        category=category_label(venue.category),
        city=city_label(venue.city),
        description=in_language(venue.description, i18n.current_locale.get()),
        features=feature_labels(feature_names(venue.features)),
        hours=opening_hours(venue.hours),
        rating=round(venue.rating_sum / venue.rating_count, 1) if venue.rating_count else None,
        photos=await venue_photos.list_public(session, tenant.id, venue.id),
        reviews=await reviews.venue_reviews(session, tenant.id, venue.id, limit=LATEST_REVIEWS),
        tables=[card_from_deal(d, venue.name, venue.category, display, rates) for d in deals],
    )
