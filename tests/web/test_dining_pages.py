"""The members' dining pages: search, venue, booking, my bookings (as a browser without JS)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select, update

from dinner1.accounts.models import User
from dinner1.bookings import service as bookings
from dinner1.bookings.models import Booking
from dinner1.deals.models import Deal
from dinner1.locale.calendar import ramadan_periods_in
from dinner1.locale.prayer import Place, prayer_times
from dinner1.runtime import Runtime
from dinner1.venues.models import VenuePhoto
from dinner1.web.table_search_form import time_window
from tests.fixtures.factories import PASSWORD, create_user
from tests.fixtures.pages import csrf_from, page_csrf, page_login
from tests.fixtures.venues import create_venue, post_deal, principal_of

DAY = date.today() + timedelta(days=4)
CASA = (33.5731, -7.5898)
HTML = {"Accept": "text/html"}
DEAL_LINK = re.compile(r"/tables/deals/([0-9a-f-]{36})/book")


def shown(html: str) -> set[str]:
    return set(DEAL_LINK.findall(html))


async def tables(client: httpx.AsyncClient, **params: Any) -> set[str]:
    response = await client.get("/tables", params={"day": DAY.isoformat(), **params})
    assert response.status_code == 200, response.text
    return shown(response.text)


VENUES: dict[str, dict[str, Any]] = {
    "maure": {"name": "Café Maure", "lat": CASA[0] + 0.009},  # ~1 km from the centre
    "bistro": {
        "name": "Le Petit Bistrot",
        "category": "restaurant",
        "features": ["vegetarian", "terrace"],
        "lat": CASA[0] - 0.027,
    },
    "rabat": {"name": "Rabat Rooftop", "city": "rabat", "lat": 34.0209, "lon": -6.8416},
}
DEALS: dict[str, tuple[str, time, time, dict[str, Any]]] = {
    "tea": ("maure", time(15), time(17), {}),
    "dinner": (
        "maure",
        time(19),
        time(21),
        {"percent_off": 20, "offer": {"fr": "Tajine du soir", "en": "Evening tagine"}},
    ),
    "menu": (
        "bistro",
        time(18),
        time(19, 30),
        {"kind": "menu", "price_minor": 9000, "original_price_minor": 20000},
    ),
    "rabat": ("rabat", time(19), time(21), {}),
    "pending": ("pending", time(19), time(21), {}),
}


@pytest.fixture
async def world(runtime: Runtime) -> dict[str, Any]:
    owner = await create_user(runtime, role="venue_owner")
    admin = await create_user(runtime, role="admin")
    venues = {
        key: await create_venue(runtime, owner, admin, **body) for key, body in VENUES.items()
    }
    venues["pending"] = await create_venue(runtime, owner, None, name="Pending Place")
    deals = {
        name: str(
            await post_deal(runtime, owner, venues[at], day=DAY, start=start, end=end, **terms)
        )
        for name, (at, start, end, terms) in DEALS.items()
    }
    return {"owner": owner, "venues": venues, "deals": deals}


def ids(world: dict[str, Any], *names: str) -> set[str]:
    return {world["deals"][name] for name in names}


# ---- search ----------------------------------------------------------------------------------


async def test_visitors_and_members_see_the_search_page_in_every_language(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    visitor = await client.get("/tables", headers={"Accept-Language": "ar"})
    assert visitor.status_code == 200
    assert '<html lang="ar" dir="rtl">' in visitor.text
    assert 'data-testid="search-form"' in visitor.text and "css/dining.css" in visitor.text
    french = await client.get("/tables", headers={"Accept-Language": "fr"})
    assert '<html lang="fr" dir="ltr">' in french.text
    member = await create_user(runtime)
    await page_login(client, member.email, PASSWORD)
    before = datetime.now(ZoneInfo("Africa/Casablanca")).date()
    page = await client.get("/tables")
    after = datetime.now(ZoneInfo("Africa/Casablanca")).date()
    assert page.status_code == 200
    assert 'aria-current="page" data-testid="nav-tables"' in page.text
    shown_day = re.search(r'name="day" type="date" value="([0-9-]+)"', page.text)
    assert shown_day and shown_day.group(1) in {before.isoformat(), after.isoformat()}


async def test_search_filters_reach_the_results(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    casa = {"city": "casablanca"}
    assert await tables(client, **casa) == ids(world, "tea", "dinner", "menu")
    assert await tables(client, **casa, when="tonight") == ids(world, "dinner", "menu")
    assert await tables(client, **casa, when="tonight", feature="halal") == ids(world, "dinner")
    assert await tables(client, **casa, when="afternoon") == ids(world, "tea")
    # Times typed in replace the quick choice.
    assert await tables(client, **casa, when="afternoon", start="18:30", end="22:00") == ids(
        world, "dinner"
    )
    assert await tables(client, **casa, category="restaurant") == ids(world, "menu")
    assert await tables(client, **casa, feature=["vegetarian", "terrace"]) == ids(world, "menu")
    # Café Maure's 120 MAD is 84 MAD at 30 % off and 96 MAD at 20 %; the bistro's menu 90 MAD.
    assert await tables(client, **casa, max_price="85") == ids(world, "tea")
    assert await tables(client, **casa, max_price="90,00") == ids(world, "tea", "menu")
    assert await tables(client, **casa, max_price="9", currency="EUR") == ids(
        world, "tea", "dinner", "menu"
    )  # ≈ 97 MAD
    assert await tables(client, **casa, min_discount="25") == ids(world, "tea", "menu")
    assert await tables(client, **casa, q="bistrot") == ids(world, "menu")
    assert await tables(client, city="rabat") == ids(world, "rabat")
    assert await tables(client, party="9") == set()  # parties of up to 8
    assert ids(world, "pending").isdisjoint(await tables(client))


async def test_results_show_price_distance_offer_and_a_book_link(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    tonight = {"day": DAY.isoformat(), "when": "tonight"}
    near = await client.get("/tables", params={**tonight, "lat": CASA[0], "lon": CASA[1]})
    assert near.status_code == 200
    assert 'data-testid="near-me"' in near.text and "under 5 km" in near.text
    assert "Evening tagine" in near.text and "Tajine du soir" not in near.text
    french = await client.get(
        "/tables", params={**tonight, "city": "casablanca"}, headers={"Accept-Language": "fr"}
    )
    assert "Tajine du soir" in french.text and "Evening tagine" not in french.text
    arabic = await client.get(
        "/tables", params={**tonight, "city": "casablanca"}, headers={"Accept-Language": "ar"}
    )
    assert 'lang="fr" dir="auto">Tajine du soir' in arabic.text  # a fallback, marked as such
    euros = await client.get(
        "/tables",
        params={"day": DAY.isoformat(), "city": "casablanca", "currency": "EUR", "party": "3"},
    )
    dinner = world["deals"]["dinner"]
    assert f"/tables/deals/{dinner}/book?party=3&amp;currency=EUR" in euros.text
    assert 'data-testid="approx"' in euros.text and "€" in euros.text and "approx." in euros.text
    assert "MAD" in euros.text  # the price itself stays in the venue's currency
    dirhams = await client.get("/tables", params={"day": DAY.isoformat(), "city": "casablanca"})
    assert 'data-testid="approx"' not in dirhams.text
    assert "Café Maure" in dirhams.text and "20% off" in dirhams.text


async def test_results_are_paginated_keeping_the_query(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await create_user(runtime, role="venue_owner")
    admin = await create_user(runtime, role="admin")
    venue = await create_venue(runtime, owner, admin, name="Dar Chai")
    made = set()
    for slot in range(12):
        start = time(9 + slot, 0)
        made.add(
            str(
                await post_deal(runtime, owner, venue, day=DAY, start=start, end=time(9 + slot, 45))
            )
        )
    first = await client.get(
        "/tables", params={"day": DAY.isoformat(), "city": "casablanca", "sort": "time"}
    )
    assert len(shown(first.text)) == 10 and 'data-testid="previous-page"' not in first.text
    next_url = re.search(r'href="([^"]+)" rel="next"', first.text)
    assert next_url
    link = next_url.group(1).replace("&amp;", "&")
    assert "city=casablanca" in link and "sort=time" in link and "page=2" in link
    second = await client.get(link)
    assert len(shown(second.text)) == 2 and 'data-testid="next-page"' not in second.text
    assert 'data-testid="previous-page"' in second.text
    assert shown(first.text) | shown(second.text) == made


async def test_bad_search_input_is_shown_beside_the_fields(client: httpx.AsyncClient) -> None:
    bad = await client.get(
        "/tables",
        params={"party": "0", "day": "someday", "max_price": "-3", "q": "x" * 101},
    )
    assert bad.status_code == 422
    for name in ("party", "day", "max_price", "q"):
        assert f'data-testid="error-{name}"' in bad.text, name
    assert 'value="someday"' in bad.text  # what was typed stays in the form
    for params, field in (
        ({"city": "atlantis"}, "city"),
        ({"feature": "disco"}, "feature"),
        ({"category": "casino"}, "category"),
        ({"lat": "33.5"}, "place"),
        ({"start": "25:99"}, "start"),
        ({"sort": "random"}, "sort"),
        ({"not_during_prayer": "true"}, "city"),  # prayer times need a place
    ):
        response = await client.get("/tables", params=params)
        assert response.status_code == 422, params
        assert f'data-testid="error-{field}"' in response.text, params
    broken = await client.get("/tables", params={"page": "many"})
    assert broken.status_code == 422 and 'data-testid="form-error"' in broken.text


def test_quick_time_choices() -> None:
    today = date(2026, 3, 2)
    assert time_window("now", today, 20 * 60 + 30) == (today, time(20, 30), time(23, 30))
    assert time_window("now", today, 22 * 60) == (today, time(22, 0), None)
    assert time_window("afternoon", today, 0) == (None, time(14), time(18))
    assert time_window("tonight", today, 0) == (None, time(18), None)
    assert time_window("any", today, 0) == (None, None, None)


def _next_ramadan_day() -> date:
    soon = date.today() + timedelta(days=3)
    periods = ramadan_periods_in(soon.year) + ramadan_periods_in(soon.year + 1)
    return min(max(p.first_day, soon) for p in periods if p.last_day >= soon)


def _minute_of(moment: datetime) -> time:
    return time(moment.hour, moment.minute - moment.minute % 5)


async def test_prayer_and_ramadan_filters_reach_the_search(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await create_user(runtime, role="venue_owner")
    admin = await create_user(runtime, role="admin")
    venue = await create_venue(runtime, owner, admin, name="Dar Salam")
    place = Place("casablanca", CASA[0], CASA[1])
    maghrib = _minute_of(prayer_times(place, DAY).maghrib)
    at_prayer = str(await post_deal(runtime, owner, venue, day=DAY, start=maghrib, end=time(23)))
    casa = {"city": "casablanca"}
    assert at_prayer in await tables(client, **casa)
    assert at_prayer not in await tables(client, **casa, not_during_prayer="true")

    fasting = _next_ramadan_day()
    evening = prayer_times(place, fasting).maghrib + timedelta(minutes=30)
    daytime = await post_deal(runtime, owner, venue, day=fasting, start=time(13), end=time(14))
    iftar = await post_deal(
        runtime, owner, venue, day=fasting, start=_minute_of(evening), end=time(23)
    )
    params = {"city": "casablanca", "day": fasting.isoformat()}
    assert shown((await client.get("/tables", params=params)).text) == {str(daytime), str(iftar)}
    ramadan = await client.get("/tables", params={**params, "ramadan_mode": "true"})
    assert shown(ramadan.text) == {str(iftar)}


# ---- the venue page --------------------------------------------------------------------------


async def add_photo(runtime: Runtime, owner: User, venue_id: uuid.UUID) -> uuid.UUID:
    async with runtime.db.unit_of_work() as session:
        photo = VenuePhoto(
            tenant_id=owner.tenant_id,
            venue_id=venue_id,
            storage_key=f"venues/{uuid.uuid4().hex}.webp",
            thumb_key=f"venues/{uuid.uuid4().hex}.webp",
            width=1200,
            height=900,
            sha256="0" * 64,
            caption="La terrasse",
        )
        session.add(photo)
        await session.flush()
        return photo.id


async def test_the_venue_page_shows_an_approved_venue(
    client: httpx.AsyncClient, runtime: Runtime, world: dict[str, Any]
) -> None:
    venue = world["venues"]["maure"]
    photo = await add_photo(runtime, world["owner"], venue)
    page = await client.get(f"/tables/venues/{venue}")
    assert page.status_code == 200
    assert "<h1>Café Maure</h1>" in page.text
    assert (
        f'src="/api/v1/venue-photos/{photo}/thumb"' in page.text
        and 'alt="La terrasse"' in page.text
    )
    # Only a French description exists: shown, and marked as French.
    assert 'lang="fr" dir="auto" data-testid="description">Thé à la menthe' in page.text
    assert "Rue de la Kasbah" in page.text and "Halal certified" in page.text
    assert "Monday" in page.text and "08:00–23:30" in page.text
    assert shown(page.text) == ids(world, "tea", "dinner")
    assert "No reviews yet" in page.text
    arabic = await client.get(f"/tables/venues/{venue}", headers={"Accept-Language": "ar"})
    assert "الاثنين" in arabic.text and 'dir="rtl"' in arabic.text
    for missing in (world["venues"]["pending"], uuid.uuid4()):
        response = await client.get(f"/tables/venues/{missing}", headers=HTML)
        assert response.status_code == 404
        assert 'data-testid="error-page"' in response.text


# ---- booking through the pages -----------------------------------------------------------


async def member_client(client: httpx.AsyncClient, runtime: Runtime, **user: Any) -> User:
    member = await create_user(runtime, **user)
    client.cookies.clear()
    await page_login(client, member.email, PASSWORD)
    return member


async def book(
    client: httpx.AsyncClient, deal: str, party: str = "2", note: str = "", **extra: str
) -> httpx.Response:
    token = await page_csrf(client, f"/tables/deals/{deal}/book")
    return await client.post(
        f"/tables/deals/{deal}/book",
        data={"party": party, "note": note, "currency": "MAD", "csrf_token": token, **extra},
    )


async def test_visitors_are_sent_to_log_in_before_booking(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    deal = world["deals"]["dinner"]
    response = await client.get(f"/tables/deals/{deal}/book?party=2", headers=HTML)
    assert response.status_code == 303
    assert response.headers["location"] == (
        f"/login?next=%2Ftables%2Fdeals%2F{deal}%2Fbook%3Fparty%3D2"
    )
    assert (await client.get("/bookings", headers=HTML)).status_code == 303


async def test_book_see_the_code_and_cancel_with_a_refund(
    client: httpx.AsyncClient, runtime: Runtime, world: dict[str, Any]
) -> None:
    await member_client(client, runtime, display_name="Salma Idrissi")
    deal = world["deals"]["dinner"]
    form = await client.get(f"/tables/deals/{deal}/book?party=3&currency=EUR")
    assert form.status_code == 200
    assert 'data-testid="simulated-payment"' in form.text
    assert "until " in form.text and 'data-testid="free-cancellation"' in form.text
    assert '<option value="3" selected>3 people — MAD\u00a0288.00</option>' in form.text
    assert "≈" in form.text  # the approximate price in euros
    done = await book(client, deal, party="3", note="  near the window ")
    assert done.status_code == 303
    location = done.headers["location"]
    assert location.endswith("?notice=booked")
    page = await client.get(location)
    code = re.search(r'data-testid="checkin-code" dir="ltr">([A-Z0-9]{6})<', page.text)
    assert code and 'data-testid="notice"' in page.text
    assert "MAD\u00a0288.00" in page.text and "near the window" in page.text
    assert 'data-testid="simulated-payment"' in page.text

    listing = await client.get("/bookings")
    assert 'data-testid="upcoming"' in listing.text and "Café Maure" in listing.text
    assert 'data-testid="loyalty-balance"><bdi>0</bdi>' in listing.text

    booking_path = location.split("?")[0]
    confirm = await client.get(f"{booking_path}/cancel")
    assert 'data-testid="refundable"' in confirm.text and "MAD\u00a0288.00" in confirm.text
    token = csrf_from(confirm.text)
    cancelled = await client.post(f"{booking_path}/cancel", data={"csrf_token": token})
    assert cancelled.status_code == 303
    after = await client.get(cancelled.headers["location"])
    assert "Cancelled" in after.text and 'data-testid="booking-refund"' in after.text
    assert 'data-testid="checkin-code"' not in after.text
    assert 'data-testid="cancel-link"' not in after.text
    again = await client.post(f"{booking_path}/cancel", data={"csrf_token": token})
    assert again.status_code == 409 and 'data-testid="form-error"' in again.text


async def move_start(runtime: Runtime, booking_id: str, starts_at: datetime) -> None:
    """Time travel: the meal (booking and deal) starts at `starts_at`."""
    async with runtime.db.unit_of_work() as session:
        booking = await session.get(Booking, uuid.UUID(booking_id))
        assert booking is not None
        booking.starts_at = starts_at
        await session.execute(
            update(Deal).where(Deal.id == booking.deal_id).values(starts_at=starts_at)
        )


async def test_a_late_cancellation_says_there_is_no_refund(
    client: httpx.AsyncClient, runtime: Runtime, world: dict[str, Any]
) -> None:
    await member_client(client, runtime)
    done = await book(client, world["deals"]["dinner"])
    booking_path = done.headers["location"].split("?")[0]
    await move_start(
        runtime, booking_path.rsplit("/", 1)[1], datetime.now(UTC) + timedelta(minutes=50)
    )
    confirm = await client.get(f"{booking_path}/cancel")
    assert 'data-testid="not-refundable"' in confirm.text


async def test_refusals_are_shown_on_the_form_with_nothing_lost(
    client: httpx.AsyncClient, runtime: Runtime, world: dict[str, Any]
) -> None:
    runtime.settings.bookings.max_upcoming_per_member = 1
    dinner, tea = world["deals"]["dinner"], world["deals"]["tea"]
    await member_client(client, runtime, verified=False)
    unverified = await book(client, dinner, note="birthday")
    assert unverified.status_code == 403
    assert "Confirm your email address before booking" in unverified.text
    assert ">birthday</textarea>" in unverified.text

    await member_client(client, runtime)
    too_big = await book(client, dinner, party="9", note="birthday")
    assert too_big.status_code == 409 and 'data-testid="error-party"' in too_big.text
    assert "parties of 1 to 8" in too_big.text and ">birthday</textarea>" in too_big.text
    not_a_number = await book(client, dinner, party="lots")
    assert not_a_number.status_code == 422 and 'data-testid="error-party"' in not_a_number.text
    assert (await book(client, dinner, party="8")).status_code == 303
    too_many = await book(client, tea)
    assert too_many.status_code == 409 and "upcoming bookings" in too_many.text

    await member_client(client, runtime)
    full = await book(client, dinner, party="3")
    assert full.status_code == 409 and "Only 2 seats are left." in full.text
    assert 'data-testid="error-party"' in full.text
    async with runtime.db.sessionmaker() as session:
        held = (await session.execute(select(Booking.party))).scalars().all()
    assert held == [8]


async def test_posts_need_the_csrf_token(
    client: httpx.AsyncClient, runtime: Runtime, world: dict[str, Any]
) -> None:
    await member_client(client, runtime)
    deal = world["deals"]["dinner"]
    forged = await client.post(f"/tables/deals/{deal}/book", data={"party": "2"})
    assert forged.status_code == 403
    booking_path = (await book(client, deal)).headers["location"].split("?")[0]
    for action in ("cancel", "review"):
        refused = await client.post(f"{booking_path}/{action}", data={"rating": "5"})
        assert refused.status_code == 403, action
    page = await client.get(booking_path)
    assert 'data-testid="checkin-code"' in page.text  # still booked


async def test_another_members_booking_is_not_found(
    client: httpx.AsyncClient, runtime: Runtime, world: dict[str, Any]
) -> None:
    await member_client(client, runtime)
    booking_path = (await book(client, world["deals"]["dinner"])).headers["location"]
    booking_path = booking_path.split("?")[0]
    await member_client(client, runtime, display_name="Karim")
    token = await page_csrf(client, "/bookings")
    assert (await client.get(booking_path, headers=HTML)).status_code == 404
    assert (await client.get(f"{booking_path}/cancel", headers=HTML)).status_code == 404
    for action, data in (("cancel", {}), ("review", {"rating": "5"})):
        response = await client.post(
            f"{booking_path}/{action}", data={**data, "csrf_token": token}, headers=HTML
        )
        assert response.status_code == 404, action
    assert 'data-testid="no-upcoming"' in (await client.get("/bookings")).text


async def test_review_after_the_meal_and_earn_points(
    client: httpx.AsyncClient, runtime: Runtime, world: dict[str, Any]
) -> None:
    await member_client(client, runtime, display_name="Salma Idrissi")
    booking_path = (await book(client, world["deals"]["dinner"])).headers["location"]
    booking_path = booking_path.split("?")[0]
    booking_id = booking_path.rsplit("/", 1)[1]
    assert 'data-testid="review-form"' not in (await client.get(booking_path)).text
    await move_start(runtime, booking_id, datetime.now(UTC) + timedelta(minutes=20))
    async with runtime.db.unit_of_work() as session:
        await bookings.check_in(
            session,
            runtime.settings,
            principal_of(world["owner"]),
            world["venues"]["maure"],
            booking_id=uuid.UUID(booking_id),
            now=datetime.now(UTC),
        )
    page = await client.get(booking_path)
    assert 'data-testid="review-form"' in page.text and "Checked in" in page.text
    token = csrf_from(page.text)
    missing = await client.post(
        f"{booking_path}/review", data={"text": "Lovely tea", "csrf_token": token}
    )
    assert missing.status_code == 422 and 'data-testid="error-rating"' in missing.text
    assert ">Lovely tea</textarea>" in missing.text
    sent = await client.post(
        f"{booking_path}/review",
        data={"rating": "5", "text": "Lovely tea on the terrace", "csrf_token": token},
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("notice=reviewed")
    twice = await client.post(f"{booking_path}/review", data={"rating": "1", "csrf_token": token})
    assert twice.status_code == 409 and "already reviewed" in twice.text
    venue = await client.get(f"/tables/venues/{world['venues']['maure']}")
    assert "Salma</strong>" in venue.text and "Idrissi" not in venue.text
    assert "Lovely tea on the terrace" in venue.text and 'data-testid="rating"' in venue.text
    listing = await client.get("/bookings")
    balance = re.search(r'data-testid="loyalty-balance"><bdi>(\d+)</bdi>', listing.text)
    assert balance and int(balance.group(1)) > runtime.settings.bookings.points_per_review
