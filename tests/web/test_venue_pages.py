"""The venue owners' dashboard pages, driven like a browser without JavaScript: the dashboard
with real history, arrivals and check-in, deal forms, auto-posting rules, CSV exports, the
three languages, and who may open what."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from dinner1.accounts.models import User
from dinner1.bookings.models import Booking
from dinner1.bookings.rules import payout_of
from dinner1.deals.models import AutoPostRun, AutoPostSetting, Deal
from dinner1.locale import service as i18n
from dinner1.runtime import Runtime
from dinner1.venues.models import DealRule, VenueStaff
from dinner1.web.rendering import environment
from dinner1.web.spreadsheets import major_units
from tests.fixtures.factories import PASSWORD, create_user
from tests.fixtures.history import Visit, seed_visits
from tests.fixtures.pages import csrf_from, page_login
from tests.fixtures.venues import create_venue

CASABLANCA = ZoneInfo("Africa/Casablanca")
VENUE_PAGES = ("", "/arrivals", "/deals", "/auto-posting")
EXPORTS = ("/exports/bookings.csv", "/exports/payouts.csv")


@pytest.fixture(autouse=True)
def as_a_browser(client: httpx.AsyncClient) -> None:
    client.headers["Accept"] = "text/html"


@dataclass
class World:
    venue_id: uuid.UUID
    owner: User
    today: date
    bookings: list[Booking]

    def path(self, tail: str = "") -> str:
        return f"/venue/{self.venue_id}{tail}"


async def log_in(client: httpx.AsyncClient, user: User) -> None:
    client.cookies.clear()
    assert (await page_login(client, user.email, PASSWORD)).status_code == 303


async def staff_member(runtime: Runtime, venue_id: uuid.UUID, role: str) -> User:
    user = await create_user(runtime, display_name=f"{role.title()} Alaoui")
    async with runtime.db.unit_of_work() as session:
        session.add(
            VenueStaff(tenant_id=user.tenant_id, venue_id=venue_id, user_id=user.id, role=role)
        )
    return user


async def a_world(runtime: Runtime) -> World:
    """An approved café with three weeks of history, guests today and one a spreadsheet would
    run as a formula."""
    owner = await create_user(runtime, role="venue_owner", display_name="Rachid Berrada")
    admin = await create_user(runtime, role="admin")
    salma = await create_user(runtime, display_name="Salma Idrissi")
    trickster = await create_user(runtime, display_name='=HYPERLINK("http://x.example") Bob')
    venue_id = await create_venue(runtime, owner, admin)
    today = datetime.now(CASABLANCA).date()
    history = [Visit(today - timedelta(days=d), time(20), party=30) for d in range(1, 22)]
    history += [Visit(today - timedelta(days=d), time(15), party=2, rating=4) for d in (2, 9)]
    history += [Visit(today - timedelta(days=3), time(15), party=2, status="no_show")]
    history += [Visit(today - timedelta(days=1), time(21), party=2, status="confirmed")]
    today_visits = [
        Visit(today, time(12), party=2, status="confirmed"),
        Visit(today, time(12), party=3),
        Visit(today, time(18), party=2, status="cancelled", refund=0),
    ]
    booked = await seed_visits(runtime, venue_id, salma.id, history + today_visits)
    booked += await seed_visits(
        runtime, venue_id, trickster.id, [Visit(today - timedelta(days=4), time(15))]
    )
    async with runtime.db.unit_of_work() as session:
        arriving = await session.get(Booking, booked[-4].id)  # today's confirmed party
        assert arriving is not None and arriving.status == "confirmed"
        arriving.starts_at = datetime.now(UTC)  # within its check-in window whenever run
        formula = await session.get(Booking, booked[-1].id)
        assert formula is not None
        formula.note = "+SUM(A1:A9)"
    return World(venue_id, owner, today, booked)


@pytest.fixture
async def world(client: httpx.AsyncClient, runtime: Runtime) -> World:
    found = await a_world(runtime)
    await log_in(client, found.owner)
    return found


def shown_as(html: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}"[^>]*>([^<]*)<', html)
    assert match, f"no {name} on the page"
    return match.group(1).strip()


async def stored(runtime: Runtime, model: Any, **where: Any) -> list[Any]:
    async with runtime.db.sessionmaker() as session:
        query = select(model).filter_by(**where)
        return list((await session.execute(query)).scalars())


# ---- the dashboard ----------------------------------------------------------------------


async def test_the_dashboard_shows_the_history(
    client: httpx.AsyncClient, runtime: Runtime, world: World
) -> None:
    page = await client.get(world.path())
    assert page.status_code == 200, page.text[:3000]
    html = page.text
    assert shown_as(html, "today-bookings") == "2" and shown_as(html, "today-arrivals") == "1"
    assert shown_as(html, "today-covers") == "3 / 5"

    first = world.today - timedelta(days=29)
    settled = [
        b
        for b in world.bookings
        if b.status in ("checked_in", "no_show")
        and first <= b.starts_at.astimezone(CASABLANCA).date() <= world.today
    ]
    revenue = sum(b.amount_minor - b.refund_minor for b in settled)
    fees = sum(b.fee_minor for b in settled)
    assert fees == round(revenue * 0.10)
    assert shown_as(html, "revenue") == i18n.format_money(revenue, "MAD")
    assert shown_as(html, "fees") == i18n.format_money(fees, "MAD")
    assert shown_as(html, "payout") == i18n.format_money(sum(map(payout_of, settled)), "MAD")
    seated = sum(b.party for b in settled if b.status == "checked_in")
    assert shown_as(html, "covers") == str(seated)
    arrivals = sum(1 for b in settled if b.status == "checked_in")
    assert shown_as(html, "arrivals-of-bookings").startswith(f"{arrivals} / ")
    assert shown_as(html, "no-show-rate") == f"{round(100 / (arrivals + 1))}%"
    assert shown_as(html, "seat-utilization").endswith("%")
    assert shown_as(html, "rating") == "4" and "rating from 2 reviews" in html

    assert 'data-testid="heatmap-chart"' in html and 'data-testid="forecast-chart"' in html
    assert '<script src="/static/plotly/plotly.min.js" defer></script>' in html
    chart = json.loads(re.search(r'id="venue-chart-data">(.*?)</script>', html, re.S)[1])  # type: ignore[index]
    assert len(chart["heatmap"]["z"]) == 7 and chart["heatmap"]["x"][0] == "08:00"
    assert chart["forecast"]["y"] and chart["rtl"] is False
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert (await client.get(asset)).status_code == 200, asset

    recommended = re.findall(r'href="(/venue/[^"]+/deals\?day=[^"]+)"', html)
    assert 'data-testid="recommended-deals"' in html and recommended
    # The six slots worth the most guests lead; any others wait behind one click.
    first = html.split('data-testid="recommended-deals"', 1)[1].split("</ul>", 1)[0]
    total = html.count('class="deal-card"')
    assert first.count('class="deal-card"') == min(total, 6) > 0
    assert ('data-testid="more-deals"' in html) == (total > 6)
    prefilled = await client.get(recommended[0].replace("&amp;", "&"))
    assert prefilled.status_code == 200
    day = re.search(r"day=([\d-]+)", recommended[0])[1]  # type: ignore[index]
    assert f'id="slot-day" name="day" type="date" value="{day}"' in prefilled.text


async def test_the_dashboard_period_and_its_refusal(
    client: httpx.AsyncClient, world: World
) -> None:
    yesterday = world.today - timedelta(days=1)
    narrow = await client.get(world.path(), params={"from": yesterday, "to": yesterday})
    assert narrow.status_code == 200
    assert shown_as(narrow.text, "covers") == "30"  # the 20:00 house; the 21:00 party is due
    assert f"from={yesterday}&amp;to={yesterday}" in narrow.text  # exports keep the period
    backwards = await client.get(world.path(), params={"from": world.today, "to": yesterday})
    assert backwards.status_code == 422
    # Said beside the period form, over the default period, with the days kept as typed.
    assert 'data-testid="period-error"' in backwards.text
    assert "The start of the period must not be after its end." in backwards.text
    assert f'name="from" type="date" value="{world.today}"' in backwards.text
    assert f'name="to" type="date" value="{yesterday}"' in backwards.text
    assert 'data-testid="period-figures"' in backwards.text
    too_long = await client.get(
        world.path(), params={"from": world.today - timedelta(days=400), "to": world.today}
    )
    assert too_long.status_code == 422
    assert "A period covers at most 366 days." in too_long.text


async def test_a_new_venue_has_an_empty_dashboard(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await create_user(runtime, role="venue_owner")
    venue_id = await create_venue(runtime, owner)
    await log_in(client, owner)
    page = await client.get(f"/venue/{venue_id}")
    assert page.status_code == 200
    # Plotly styles what it draws: the chart page alone allows inline styles, never scripts.
    policy = page.headers["content-security-policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy and "script-src 'self';" in policy
    arrivals = await client.get(f"/venue/{venue_id}/arrivals")
    assert "style-src 'self';" in arrivals.headers["content-security-policy"]
    assert 'data-testid="no-history"' in page.text and "Waiting for an admin" in page.text
    assert shown_as(page.text, "today-bookings") == "0" and shown_as(page.text, "covers") == "0"
    assert (await client.get("/venue")).headers["location"] == f"/venue/{venue_id}"


# ---- arrivals ------------------------------------------------------------------------------


async def test_arrivals_of_a_day_and_checking_in_by_code(
    client: httpx.AsyncClient, runtime: Runtime, world: World
) -> None:
    page = await client.get(world.path("/arrivals"))
    assert page.status_code == 200, page.text[:3000]
    html = page.text
    assert html.count('data-testid="arrival"') == 3 and "Salma" in html
    yesterday, tomorrow = world.today - timedelta(days=1), world.today + timedelta(days=1)
    assert f'href="?day={yesterday}" rel="prev"' in html
    assert f'href="?day={tomorrow}" rel="next"' in html
    before = await client.get(world.path("/arrivals"), params={"day": str(yesterday)})
    assert before.text.count('data-testid="arrival"') == 2
    empty = await client.get(world.path("/arrivals"), params={"day": str(tomorrow)})
    assert 'data-testid="no-arrivals"' in empty.text

    token = csrf_from(html)
    action = world.path(f"/arrivals/check-in?day={world.today}")
    wrong = await client.post(action, data={"code": "ZZZZZZ", "csrf_token": token})
    assert wrong.status_code == 404
    assert "No booking with this code at this venue." in wrong.text
    assert 'data-testid="form-error"' in wrong.text and 'value="ZZZZZZ"' in wrong.text
    short = await client.post(action, data={"code": "AB", "csrf_token": token})
    assert short.status_code == 422 and "Enter the code the guest shows you." in short.text

    arriving = world.bookings[-4]
    seated = await client.post(action, data={"code": arriving.code.lower(), "csrf_token": token})
    assert seated.status_code == 303
    assert seated.headers["location"].endswith(f"?day={world.today}&done=checked_in")
    shown = await client.get(seated.headers["location"])
    assert "Checked in. Enjoy the service!" in shown.text
    [booking] = await stored(runtime, Booking, id=arriving.id)
    assert booking.status == "checked_in" and booking.fee_minor > 0
    again = await client.post(action, data={"code": arriving.code, "csrf_token": token})
    assert again.status_code == 409 and "already checked in" in again.text


async def test_a_late_party_is_marked_as_a_no_show(
    client: httpx.AsyncClient, runtime: Runtime, world: World
) -> None:
    late = next(
        b for b in world.bookings if b.status == "confirmed" and b is not world.bookings[-4]
    )
    day = late.starts_at.astimezone(CASABLANCA).date()
    page = await client.get(world.path("/arrivals"), params={"day": str(day)})
    assert f"/arrivals/{late.id}/no-show" in page.text
    marked = await client.post(
        world.path(f"/arrivals/{late.id}/no-show?day={day}"),
        data={"csrf_token": csrf_from(page.text)},
    )
    assert marked.status_code == 303 and marked.headers["location"].endswith("done=no_show")
    [booking] = await stored(runtime, Booking, id=late.id)
    assert booking.status == "no_show"


# ---- deals ----------------------------------------------------------------------------------


async def deals_token(client: httpx.AsyncClient, world: World) -> str:
    page = await client.get(world.path("/deals"))
    assert page.status_code == 200, page.text[:3000]
    for form in ("slot-form", "weekly-form", "template-form"):
        assert f'data-testid="{form}"' in page.text
    return csrf_from(page.text)


async def test_posting_a_single_slot(
    client: httpx.AsyncClient, runtime: Runtime, world: World
) -> None:
    token = await deals_token(client, world)
    day = world.today + timedelta(days=5)
    slot = {"day": str(day), "start": "15:00", "end": "17:00", "seats": "10"}
    bad = await client.post(
        world.path("/deals"),
        data={**slot, "percent_off": "95", "offer": "Thé offert", "csrf_token": token},
    )
    assert bad.status_code == 422
    assert 'id="slot-percent_off-error"' in bad.text and 'value="95"' in bad.text
    assert 'value="Thé offert"' in bad.text and f'value="{day}"' in bad.text
    past = await client.post(
        world.path("/deals"),
        data={**slot, "day": str(world.today - timedelta(days=2)), "percent_off": "30"}
        | {"offer": "Gardé", "csrf_token": token},
    )
    assert past.status_code == 422 and "is in the past" in past.text
    assert 'value="Gardé"' in past.text
    assert await stored(runtime, Deal, venue_id=world.venue_id, local_day=day) == []

    good = await client.post(
        world.path("/deals"),
        data={**slot, "percent_off": "30", "offer": "Thé offert", "csrf_token": token},
    )
    assert good.status_code == 303 and good.headers["location"].endswith("done=posted")
    [deal] = await stored(runtime, Deal, venue_id=world.venue_id, local_day=day)
    assert (deal.local_day, deal.seats_total, deal.percent_off) == (day, 10, 30)
    assert deal.offer == {"en": "Thé offert"}
    page = await client.get(good.headers["location"])
    assert "Your offer is on sale." in page.text and f"/deals/{deal.id}/cancel" in page.text

    status = world.path(f"/deals/{deal.id}/status")
    await client.post(status, data={"status": "paused", "csrf_token": token})
    assert (await stored(runtime, Deal, id=deal.id))[0].status == "paused"
    assert 'data-testid="resume"' in (await client.get(world.path("/deals"))).text
    await client.post(status, data={"status": "active", "csrf_token": token})
    assert (await stored(runtime, Deal, id=deal.id))[0].status == "active"
    confirm = await client.get(world.path(f"/deals/{deal.id}/cancel"))
    assert confirm.status_code == 200 and 'data-testid="confirm-cancel"' in confirm.text
    cancelled = await client.post(
        world.path(f"/deals/{deal.id}/cancel"), data={"csrf_token": token}
    )
    assert cancelled.headers["location"].endswith("done=cancelled")
    assert (await stored(runtime, Deal, id=deal.id))[0].status == "cancelled"


async def test_posting_a_weekly_rule(
    client: httpx.AsyncClient, runtime: Runtime, world: World
) -> None:
    token = await deals_token(client, world)
    first = world.today + timedelta(days=1)
    weekly = {"start": "15:00", "end": "17:00", "first_day": str(first), "seats": "6"}
    bad = await client.post(
        world.path("/deals/weekly"),
        data={**weekly, "weeks": "20", "percent_off": "20", "csrf_token": token},
    )
    assert bad.status_code == 422
    assert 'id="weekly-weekdays-error"' in bad.text and 'id="weekly-weeks-error"' in bad.text
    assert 'value="20"' in bad.text and f'value="{first}"' in bad.text
    closed = await client.post(
        world.path("/deals/weekly"),
        data={**weekly, "start": "05:00", "end": "06:00", "weekdays": ["1", "3"]}
        | {"weeks": "2", "percent_off": "20", "csrf_token": token},
    )
    assert closed.status_code == 422 and "fall within the opening hours" in closed.text
    assert re.search(r'value="1"\s+checked', closed.text) and 'value="05:00"' in closed.text
    assert await stored(runtime, DealRule, venue_id=world.venue_id) == []  # nothing half-kept

    good = await client.post(
        world.path("/deals/weekly"),
        data={**weekly, "weekdays": ["0", "2"], "weeks": "2", "percent_off": "20"}
        | {"csrf_token": token},
    )
    assert good.status_code == 303, good.text[:3000]
    [rule] = await stored(runtime, DealRule, venue_id=world.venue_id)
    posted = await stored(runtime, Deal, rule_id=rule.id)
    assert len(posted) == 4 and {d.local_day.weekday() for d in posted} == {0, 2}
    assert {(d.seats_total, d.percent_off) for d in posted} == {(6, 20)}


async def test_posting_from_a_template(
    client: httpx.AsyncClient, runtime: Runtime, world: World
) -> None:
    token = await deals_token(client, world)
    first = str(world.today + timedelta(days=1))
    bad = await client.post(
        world.path("/deals/template"),
        data={"template": "iftar", "first_day": first, "weeks": "1", "seats": "8"}
        | {"percent_off": "", "price": "cheap", "usual_price": "150", "csrf_token": token},
    )
    assert bad.status_code == 422
    assert 'id="template-price-error"' in bad.text and 'value="cheap"' in bad.text
    assert re.search(r'<option value="iftar"\s+selected', bad.text)
    assert 'value="150"' in bad.text

    good = await client.post(
        world.path("/deals/template"),
        data={"template": "afternoon_tea", "first_day": first, "weeks": "1", "seats": "8"}
        | {"percent_off": "", "price": "", "usual_price": "", "csrf_token": token},
    )
    assert good.status_code == 303, good.text[:3000]
    posted = await stored(runtime, Deal, venue_id=world.venue_id, template="afternoon_tea")
    assert len(posted) == 3 and {d.percent_off for d in posted} == {30}  # Tue–Thu, 30 % off


# ---- auto-posting ---------------------------------------------------------------------------

RULE = {
    "below_percent": "40",
    "lead_hours": "48",
    "discount_percent": "25",
    "max_discount_percent": "40",
    "seats": "8",
    "min_empty_seats": "2",
    "duration_minutes": "120",
    "active": "on",
}


async def test_auto_posting_rules_created_edited_paused(
    client: httpx.AsyncClient, runtime: Runtime, world: World
) -> None:
    page = await client.get(world.path("/auto-posting"))
    assert page.status_code == 200, page.text[:3000]
    assert 'data-testid="no-rules"' in page.text and 'data-testid="no-runs"' in page.text
    token = csrf_from(page.text)
    rules = world.path("/auto-posting")

    capped = await client.post(
        rules,
        data={**RULE, "discount_percent": "30", "max_discount_percent": "20"}
        | {"csrf_token": token},
    )
    assert capped.status_code == 422 and 'id="new-max_discount_percent-error"' in capped.text
    assert 'value="30"' in capped.text and 'value="20"' in capped.text
    too_many = await client.post(rules, data={**RULE, "seats": "41", "csrf_token": token})
    assert too_many.status_code == 422 and 'id="new-seats-error"' in too_many.text
    assert "The venue seats 40" in too_many.text
    assert await stored(runtime, AutoPostSetting, venue_id=world.venue_id) == []

    created = await client.post(rules, data={**RULE, "csrf_token": token})
    assert created.status_code == 303 and created.headers["location"].endswith("rule_saved")
    [rule] = await stored(runtime, AutoPostSetting, venue_id=world.venue_id)
    assert (rule.below_occupancy, rule.lead_hours, rule.active) == (0.4, 48, True)
    page = await client.get(created.headers["location"])
    assert "Rule saved." in page.text
    assert "When the forecast 48 hours ahead is below 40% full, post 25% off." in page.text
    twin = await client.post(rules, data={**RULE, "seats": "6", "csrf_token": token})
    assert twin.status_code == 409 and "An identical rule already exists (rule 1)." in twin.text

    edit = world.path(f"/auto-posting/{rule.id}")
    short = await client.post(edit, data={**RULE, "duration_minutes": "50", "csrf_token": token})
    assert short.status_code == 422 and 'id="rule1-duration_minutes-error"' in short.text
    assert 'value="50"' in short.text
    saved = await client.post(edit, data={**RULE, "lead_hours": "24", "csrf_token": token})
    assert saved.status_code == 303
    assert (await stored(runtime, AutoPostSetting, id=rule.id))[0].lead_hours == 24

    paused = await client.post(
        world.path(f"/auto-posting/{rule.id}/active"), data={"csrf_token": token}
    )
    assert paused.headers["location"].endswith("done=rule_paused")
    assert (await stored(runtime, AutoPostSetting, id=rule.id))[0].active is False
    page = await client.get(world.path("/auto-posting"))
    assert 'data-testid="rule-paused"' in page.text and 'data-testid="resume-rule"' in page.text
    await client.post(
        world.path(f"/auto-posting/{rule.id}/active"), data={"active": "on", "csrf_token": token}
    )
    assert (await stored(runtime, AutoPostSetting, id=rule.id))[0].active is True

    second = await client.post(rules, data={**RULE, "below_percent": "30", "csrf_token": token})
    assert second.status_code == 303
    [other] = [s for s in await stored(runtime, AutoPostSetting) if s.id != rule.id]
    await client.post(
        world.path(f"/auto-posting/{other.id}/move"), data={"direction": "up", "csrf_token": token}
    )
    assert (await stored(runtime, AutoPostSetting, id=other.id))[0].position == 0
    deleted = await client.post(
        world.path(f"/auto-posting/{rule.id}/delete"), data={"csrf_token": token}
    )
    assert deleted.headers["location"].endswith("done=rule_deleted")
    assert [s.id for s in await stored(runtime, AutoPostSetting)] == [other.id]


async def test_the_auto_posting_log(
    client: httpx.AsyncClient, runtime: Runtime, world: World
) -> None:
    async with runtime.db.unit_of_work() as session:
        session.add(
            AutoPostRun(
                tenant_id=world.owner.tenant_id,
                venue_id=world.venue_id,
                slot_starts_at=datetime.now(UTC) + timedelta(hours=48),
                forecast_occupancy=0.2,
                posted=True,
                discount_percent=25,
                explanation="Forecast 20% full, below 40%: posted 25% off.",
            )
        )
    page = await client.get(world.path("/auto-posting"))
    assert page.text.count('data-testid="run"') == 1
    assert "Posted, 25% off" in page.text and "Forecast 20% full" in page.text


# ---- exports --------------------------------------------------------------------------------


def read_csv(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text[:2000]
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_the_csv_exports(client: httpx.AsyncClient, world: World) -> None:
    first = world.today - timedelta(days=29)
    bookings = await client.get(world.path("/exports/bookings.csv"))
    disposition = bookings.headers["content-disposition"]
    assert disposition == f'attachment; filename="cafe-maure-bookings-{first}-{world.today}.csv"'
    header, *rows = read_csv(bookings)
    assert header[:4] == ["booking_id", "date", "time", "first_name"]
    assert header[-3:] == ["currency", "checked_in_at", "note"]
    assert len(rows) == len(world.bookings)
    assert all("@" not in cell for row in rows for cell in row)  # no email addresses
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    tricked = by_id[str(world.bookings[-1].id)]
    assert tricked["first_name"] == '\'=HYPERLINK("http://x.example")'
    assert tricked["note"] == "'+SUM(A1:A9)"
    honoured = by_id[str(world.bookings[0].id)]
    assert honoured["amount"] == str(major_units(world.bookings[0].amount_minor, "MAD"))
    assert honoured["status"] == "checked_in" and honoured["time"] == "20:00"

    payouts = await client.get(world.path("/exports/payouts.csv"))
    assert "payouts" in payouts.headers["content-disposition"]
    header, *days = read_csv(payouts)
    assert header == [
        "date",
        "settled_bookings",
        "covers",
        "revenue",
        "platform_fee",
        "payout",
        "currency",
    ]
    expected: dict[str, int] = defaultdict(int)
    for booking in world.bookings:
        if booking.status in ("checked_in", "no_show"):
            expected[booking.starts_at.astimezone(CASABLANCA).date().isoformat()] += payout_of(
                booking
            )
    assert {row[0]: row[5] for row in days} == {
        day: str(major_units(amount, "MAD")) for day, amount in expected.items()
    }
    narrow = await client.get(
        world.path("/exports/payouts.csv"), params={"from": world.today, "to": world.today}
    )
    assert len(read_csv(narrow)) == 2  # the party seated today; the one due is not settled
    refused = await client.get(
        world.path("/exports/bookings.csv"), params={"from": "2020-01-01", "to": "2022-01-01"}
    )
    assert refused.status_code == 422


# ---- languages, access, CSRF ----------------------------------------------------------------


@pytest.mark.parametrize(("locale", "direction"), [("en", "ltr"), ("fr", "ltr"), ("ar", "rtl")])
async def test_every_page_in_every_language(
    client: httpx.AsyncClient, world: World, locale: str, direction: str
) -> None:
    token = csrf_from((await client.get(world.path())).text)
    chosen = await client.post(
        "/language", data={"locale": locale, "next": world.path(), "csrf_token": token}
    )
    assert chosen.status_code == 303
    for tail in VENUE_PAGES:
        page = await client.get(world.path(tail))
        assert page.status_code == 200, (tail, page.text[:3000])
        assert f'<html lang="{locale}" dir="{direction}">' in page.text, tail
    dashboard = await client.get(world.path())
    chart = re.search(r'id="venue-chart-data">(.*?)</script>', dashboard.text, re.S)
    assert chart and json.loads(chart[1])["rtl"] is (direction == "rtl")
    for tail in EXPORTS:
        assert (await client.get(world.path(tail))).status_code == 200


async def test_who_may_open_the_venue_pages(client: httpx.AsyncClient, runtime: Runtime) -> None:
    found = await a_world(runtime)
    client.cookies.clear()
    for tail in (*VENUE_PAGES, *EXPORTS):
        away = await client.get(found.path(tail))
        assert away.status_code == 303 and away.headers["location"].startswith("/login?next="), tail

    other_owner = await create_user(runtime, role="venue_owner")
    member = await create_user(runtime)
    for outsider in (other_owner, member):
        await log_in(client, outsider)
        for tail in (*VENUE_PAGES, *EXPORTS):
            assert (await client.get(found.path(tail))).status_code == 404, tail
        assert (await client.get(f"/venue/{uuid.uuid4()}")).status_code == 404

    host = await staff_member(runtime, found.venue_id, "host")
    await log_in(client, host)
    assert (await client.get("/venue")).headers["location"] == found.path("/arrivals")
    dashboard = await client.get(found.path())
    assert dashboard.headers["location"] == found.path("/arrivals")
    arrivals = await client.get(found.path("/arrivals"))
    assert arrivals.status_code == 200 and 'data-testid="venue-tab-deals"' not in arrivals.text
    for tail in ("/deals", "/auto-posting", *EXPORTS):
        assert (await client.get(found.path(tail))).status_code == 403, tail
    seated = await client.post(
        found.path(f"/arrivals/check-in?day={found.today}"),
        data={"code": found.bookings[-4].code, "csrf_token": csrf_from(arrivals.text)},
    )
    assert seated.status_code == 303

    manager = await staff_member(runtime, found.venue_id, "manager")
    await log_in(client, manager)
    for tail in (*VENUE_PAGES, *EXPORTS):
        assert (await client.get(found.path(tail))).status_code == 200, tail


async def test_every_venue_form_needs_its_csrf_token(
    client: httpx.AsyncClient, runtime: Runtime, world: World
) -> None:
    deal_id, booking_id, rule_id = uuid.uuid4(), world.bookings[-4].id, uuid.uuid4()
    forms = [
        "/arrivals/check-in",
        f"/arrivals/{booking_id}/check-in",
        f"/arrivals/{booking_id}/no-show",
        "/deals",
        "/deals/weekly",
        "/deals/template",
        f"/deals/{deal_id}/status",
        f"/deals/{deal_id}/cancel",
        "/auto-posting",
        f"/auto-posting/{rule_id}",
        f"/auto-posting/{rule_id}/active",
        f"/auto-posting/{rule_id}/move",
        f"/auto-posting/{rule_id}/delete",
    ]
    for tail in forms:
        response = await client.post(world.path(tail), data={"code": "ABCDEF", **RULE})
        assert response.status_code == 403, tail
    [booking] = await stored(runtime, Booking, id=booking_id)
    assert booking.status == "confirmed"
    assert await stored(runtime, AutoPostSetting) == []


def test_no_venue_message_breaks_percent_formatting() -> None:
    """Jinja's new-style gettext always applies `%`: a bare % in a msgid is a crash."""
    env = environment()
    assert env.loader is not None
    names = [n for n in env.loader.list_templates() if n.startswith("venue/")]
    assert "venue/auto_posting.html" in names
    for name in names:
        source = env.loader.get_source(env, name)[0]
        for _line, _function, message in env.extract_translations(source):
            for text in message if isinstance(message, tuple) else (message,):
                if text:
                    text % defaultdict(int)  # raises ValueError on a bare %
