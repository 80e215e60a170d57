"""Finding tables: near a place, on a day and time window, for a party, by diet, price,
discount, category and free text; sorted and paginated.

One SQL query does the filtering (the day's slots come off an index, venues join by key);
distances use an equirectangular approximation, exact to well under 1% at city scale,
so the radius and the distance sort work alike on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from sqlalchemy import Float, Select, Uuid, and_, column, literal, not_, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from dinner1.core.errors import ValidationFailed
from dinner1.core.geo import distance_bucket, distance_km
from dinner1.deals.models import Deal
from dinner1.locale.calendar import is_ramadan
from dinner1.locale.cities import CITY_BY_KEY
from dinner1.locale.money import convert_minor
from dinner1.locale.prayer import Place, prayer_times
from dinner1.venues import search_index
from dinner1.venues.features import CATEGORIES, FEATURES, feature_mask
from dinner1.venues.models import Venue

KM_PER_DEGREE = 111.32
PRAYER_MINUTES = 20
Sort = Literal["relevance", "distance", "discount", "rating", "time"]


@dataclass(frozen=True)
class SearchQuery:
    tenant_id: uuid.UUID
    day: date
    lat: float | None = None
    lon: float | None = None
    radius_km: float = 5.0
    from_minute: int = 0
    to_minute: int = 24 * 60
    party: int = 2
    features: tuple[str, ...] = ()
    max_price_minor: int | None = None
    price_currency: str = "MAD"
    min_discount: int = 0
    category: str | None = None
    text: str | None = None
    not_during_prayer: bool = False
    ramadan_mode: bool = False
    sort: Sort = "relevance"
    page: int = 1
    per_page: int = 20
    timezone: str = "Africa/Casablanca"


class SearchParams(BaseModel):
    """A search as people ask for it: the API's query string, the tables page's form."""

    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    city: str | None = None
    radius_km: float = Field(default=5.0, gt=0, le=100)
    day: date | None = None
    start: time | None = None
    end: time | None = None
    party: int = Field(default=2, ge=1, le=50)
    feature: list[str] = Field(default_factory=list)
    max_price_minor: int | None = Field(default=None, ge=1)
    currency: Literal["MAD", "EUR", "USD"] = "MAD"
    min_discount: int = Field(default=0, ge=0, le=90)
    category: str | None = None
    q: str | None = Field(default=None, max_length=100)
    not_during_prayer: bool = False
    ramadan_mode: bool = False
    sort: Sort = "relevance"
    page: int = Field(default=1, ge=1, le=500)
    per_page: int = Field(default=20, ge=1, le=50)


def _refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        message, errors=[{"loc": ["query", field], "msg": message, "type": "value_error"}]
    )


def _place(params: SearchParams) -> tuple[float | None, float | None]:
    if (params.lat is None) != (params.lon is None):
        raise _refuse("lat", "give both lat and lon, or a city")
    if params.lat is None and params.city is not None:
        if params.city not in CITY_BY_KEY:
            raise _refuse("city", f"unknown city {params.city!r}")
        return CITY_BY_KEY[params.city].lat, CITY_BY_KEY[params.city].lon
    return params.lat, params.lon


def query_from(params: SearchParams, tenant_id: uuid.UUID, timezone: str) -> SearchQuery:
    """Check what only the registries know (features, categories, cities) and resolve the
    place and the day's window; without a day or a start, the window opens now."""
    unknown = [f for f in params.feature if f not in FEATURES]
    if unknown:
        raise _refuse("feature", f"unknown feature: {', '.join(unknown)}")
    if params.category is not None and params.category not in CATEGORIES:
        raise _refuse("category", f"unknown category {params.category!r}")
    lat, lon = _place(params)
    today, now_minute = tonight(timezone)
    chosen_day = params.day or today
    first, last = day_window(chosen_day, params.start, params.end)
    if params.day is None and params.start is None:
        first = max(first, now_minute)
    return SearchQuery(
        tenant_id=tenant_id,
        day=chosen_day,
        lat=lat,
        lon=lon,
        radius_km=params.radius_km,
        from_minute=first,
        to_minute=last,
        party=params.party,
        features=tuple(params.feature),
        max_price_minor=params.max_price_minor,
        price_currency=params.currency,
        min_discount=params.min_discount,
        category=params.category,
        text=params.q,
        not_during_prayer=params.not_during_prayer,
        ramadan_mode=params.ramadan_mode,
        sort=params.sort,
        page=params.page,
        per_page=params.per_page,
        timezone=timezone,
    )


@dataclass(frozen=True)
class Found:
    deal: dict[str, Any]
    distance_km: float | None
    distance_bucket: str | None


def _distance_squared(q: SearchQuery) -> ColumnElement[float]:
    assert q.lat is not None
    assert q.lon is not None
    shrink = math.cos(math.radians(q.lat))
    d_lat = Venue.lat - literal(q.lat)
    d_lon = (Venue.lon - literal(q.lon)) * literal(shrink)
    return d_lat * d_lat + d_lon * d_lon


def _prayer_clauses(q: SearchQuery, place: Place) -> list[ColumnElement[bool]]:
    times = prayer_times(place, q.day)
    clauses = []
    for _name, moment in times.prayers():
        start = moment.hour * 60 + moment.minute
        end = start + PRAYER_MINUTES
        clauses.append(not_(and_(Deal.local_start_minute < end, Deal.local_end_minute > start)))
    return clauses


def _ramadan_clause(q: SearchQuery, place: Place) -> ColumnElement[bool]:
    """Members who fast see no daytime tables: only after Maghrib or before Fajr."""
    times = prayer_times(place, q.day)
    fajr = times.fajr.hour * 60 + times.fajr.minute
    maghrib = times.maghrib.hour * 60 + times.maghrib.minute
    return or_(Deal.local_start_minute >= maghrib, Deal.local_end_minute <= fajr)


def _price_clause(q: SearchQuery, rates: dict[str, float]) -> ColumnElement[bool]:
    assert q.max_price_minor is not None
    return or_(
        *(
            and_(
                Deal.currency == currency,
                Deal.price_per_person_minor
                <= convert_minor(q.max_price_minor, q.price_currency, currency, rates),
            )
            for currency in rates
        )
    )


def filters(q: SearchQuery, now: datetime, rates: dict[str, float]) -> list[ColumnElement[bool]]:
    rules: list[ColumnElement[bool]] = [
        Deal.tenant_id == q.tenant_id,
        Deal.status == "active",
        Deal.local_day == q.day,
        Deal.starts_at > now,
        Deal.local_start_minute >= q.from_minute,
        Deal.local_start_minute < q.to_minute,
        Deal.seats_total - Deal.seats_booked >= q.party,
        Deal.min_party <= q.party,
        Deal.max_party >= q.party,
        Venue.tenant_id == q.tenant_id,
        Venue.status == "approved",
    ]
    if q.features:
        mask = feature_mask(q.features)
        rules.append(Venue.features.op("&")(mask) == mask)
    if q.min_discount:
        rules.append(Deal.discount_percent >= q.min_discount)
    if q.category:
        rules.append(Venue.category == q.category)
    if q.max_price_minor is not None:
        rules.append(_price_clause(q, rates))
    if q.lat is not None and q.lon is not None:
        rules.extend(_radius_clauses(q))
        place = Place("search", q.lat, q.lon, q.timezone)
        if q.not_during_prayer:
            rules.extend(_prayer_clauses(q, place))
        if q.ramadan_mode and is_ramadan(q.day):
            rules.append(_ramadan_clause(q, place))
    return rules


def _radius_clauses(q: SearchQuery) -> list[ColumnElement[bool]]:
    assert q.lat is not None
    assert q.lon is not None
    degrees = q.radius_km / KM_PER_DEGREE
    widen = degrees / max(math.cos(math.radians(q.lat)), 1e-6)
    return [
        # A box first (indexable), then the circle.
        Venue.lat.between(q.lat - degrees, q.lat + degrees),
        Venue.lon.between(q.lon - widen, q.lon + widen),
        _distance_squared(q) <= degrees * degrees,
    ]


def build(q: SearchQuery, dialect: str, now: datetime, rates: dict[str, float]) -> Select[Any]:
    columns: list[Any] = [
        Deal.__table__,
        Venue.name.label("venue_name"),
        Venue.category.label("venue_category"),
        Venue.city.label("venue_city"),
        Venue.address.label("venue_address"),
        Venue.lat.label("venue_lat"),
        Venue.lon.label("venue_lon"),
        Venue.features.label("venue_features"),
        Venue.rating_sum,
        Venue.rating_count,
    ]
    query = select(*columns).join(Venue, Venue.id == Deal.venue_id).where(*filters(q, now, rates))
    relevance: ColumnElement[Any] | None = None
    terms = search_index.query_terms(q.text or "")
    if terms:
        query, relevance = _with_text(query, dialect, terms)
    return (
        query.order_by(*_ordering(q, relevance))
        .limit(q.per_page + 1)
        .offset((q.page - 1) * q.per_page)
    )


def _with_text(
    query: Select[Any], dialect: str, terms: list[str]
) -> tuple[Select[Any], ColumnElement[Any]]:
    if dialect == "sqlite":
        fts = (
            text(
                "SELECT venue_id, bm25(venue_fts) AS score FROM venue_fts WHERE venue_fts MATCH :q"
            )
            .bindparams(q=search_index.fts5_query(terms))
            .columns(column("venue_id", Uuid()), column("score", Float()))
            .subquery("fts")
        )
        query = query.join(fts, fts.c.venue_id == Venue.id)
        return query, fts.c.score  # lower is better
    tsquery = search_index.pg_tsquery(terms)
    query = query.where(
        text("to_tsvector('simple', venues.search_text) @@ to_tsquery('simple', :tsq)").bindparams(
            tsq=tsquery
        )
    )
    rank = text(
        "-ts_rank(to_tsvector('simple', venues.search_text), to_tsquery('simple', :tsq2))"
    ).bindparams(tsq2=tsquery)
    return query, rank  # type: ignore[return-value]


def _ordering(q: SearchQuery, relevance: ColumnElement[Any] | None) -> list[Any]:
    by_time = [Deal.starts_at, Deal.id]
    near = [_distance_squared(q)] if q.lat is not None and q.lon is not None else []
    if q.sort == "distance" and near:
        return [*near, *by_time]
    if q.sort == "discount":
        return [Deal.discount_percent.desc(), *near, *by_time]
    if q.sort == "rating":
        average = Venue.rating_sum * 1.0 / (Venue.rating_count + 1)
        return [average.desc(), *near, *by_time]
    if q.sort == "time":
        return by_time
    if relevance is not None:
        return [relevance, Deal.discount_percent.desc(), *by_time]
    return [Deal.discount_percent.desc(), *near, *by_time]


async def search(
    session: AsyncSession, q: SearchQuery, rates: dict[str, float], now: datetime | None = None
) -> tuple[list[Found], bool]:
    """A page of results and whether there are more."""
    dialect = session.get_bind().dialect.name
    rows = (await session.execute(build(q, dialect, now or datetime.now(UTC), rates))).all()
    found = []
    for row in rows[: q.per_page]:
        data = dict(row._mapping)
        km = None
        if q.lat is not None and q.lon is not None:
            km = distance_km(q.lat, q.lon, data["venue_lat"], data["venue_lon"])
        found.append(Found(data, km, distance_bucket(km)[0] if km is not None else None))
    return found, len(rows) > q.per_page


def day_window(day: date, start: time | None, end: time | None) -> tuple[int, int]:
    first = start.hour * 60 + start.minute if start else 0
    last = end.hour * 60 + end.minute if end else 24 * 60
    return first, last if last > first else last + 24 * 60


def tonight(timezone: str) -> tuple[date, int]:
    local = datetime.now(ZoneInfo(timezone))
    return local.date(), local.hour * 60 + local.minute


async def upcoming_at_venue(
    session: AsyncSession, tenant_id: uuid.UUID, venue_id: uuid.UUID, now: datetime, limit: int = 20
) -> list[Deal]:
    """The next bookable tables at one venue, soonest first (the venue's public page)."""
    rows = await session.execute(
        select(Deal)
        .where(
            Deal.tenant_id == tenant_id,
            Deal.venue_id == venue_id,
            Deal.status == "active",
            Deal.starts_at > now,
            Deal.seats_total > Deal.seats_booked,
        )
        .order_by(Deal.starts_at, Deal.id)
        .limit(limit)
    )
    return list(rows.scalars())
