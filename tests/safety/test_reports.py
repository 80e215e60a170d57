"""Members report what they saw through the API: every category, every reportable subject,
urgent cases that jump the queue, clear refusals, and only one's own reports listed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from dinner1.runtime import Runtime
from dinner1.safety.categories import CATEGORIES, SEVERITY, SUBJECT_TYPES, URGENT_SEVERITY
from dinner1.safety.reports import REPORTS_PER_HOUR
from tests.bookings.test_bookings import World
from tests.media.generated_images import encode, scene
from tests.safety.cast import case, mails, matched_pair, report, staff

SPEC_CATEGORIES = (
    "harassment",
    "threats",
    "inappropriate_photos",
    "scam",
    "fake_profile",
    "underage",
    "other",
)
URGENT = {"threats", "underage", "sexual_coercion", "crisis"}


def test_the_categories_and_their_severity_follow_the_rules() -> None:
    assert set(SPEC_CATEGORIES) | URGENT <= set(CATEGORIES)
    assert {c for c in CATEGORIES if SEVERITY[c] >= URGENT_SEVERITY} == URGENT
    assert max(SEVERITY.values()) == SEVERITY["crisis"]
    assert all(SEVERITY[c] < URGENT_SEVERITY for c in ("harassment", "scam", "other"))
    assert set(SUBJECT_TYPES) == {"member", "message", "revelation", "photo", "venue", "review"}


@pytest.mark.parametrize("category", sorted(set(SPEC_CATEGORIES) | URGENT))
async def test_a_member_reports_a_member_in_every_category(
    client: httpx.AsyncClient, runtime: Runtime, category: str
) -> None:
    moderator, _ = await staff(client, runtime)
    pair = await matched_pair(client, runtime)
    response = await report(
        client, pair.her.headers, "member", pair.him.id, category, details="  He said   this. "
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["category"] == category and body["subject_type"] == "member"
    assert body["status"] == "open" and body["outcome"] is None and body["outcome_text"]
    stored = await case(runtime, body["id"])
    assert stored.reporter_id == pair.her.id and stored.subject_user_id == pair.him.id
    assert stored.details == "He said this." and stored.severity == SEVERITY[category]
    sla = runtime.settings.safety.sla_minutes[SEVERITY[category]]
    assert abs((stored.due_at - stored.created_at) - timedelta(minutes=sla)) < timedelta(seconds=5)
    alerts = await mails(runtime, moderator.id, "moderation_alert")
    if category in URGENT:
        assert len(alerts) == 1 and body["id"] in alerts[0].text_body
    else:
        assert alerts == []


async def test_urgent_reports_jump_the_queue_and_alert_every_moderator(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    moderator, mod = await staff(client, runtime)
    admin, _ = await staff(client, runtime, role="admin")
    owner, _ = await staff(client, runtime, role="venue_owner")
    reporters = [await matched_pair(client, runtime) for _ in range(3)]
    low = await report(client, reporters[0].her.headers, "member", reporters[0].him.id, "other")
    scam = await report(client, reporters[1].her.headers, "member", reporters[1].him.id, "scam")
    threat = await report(
        client, reporters[2].her.headers, "member", reporters[2].him.id, "threats"
    )
    queue = (await client.get("/api/v1/console/queue", headers=mod)).json()
    assert [q["id"] for q in queue] == [threat.json()["id"], scam.json()["id"], low.json()["id"]]
    for person in (moderator, admin):
        [alert] = await mails(runtime, person.id, "moderation_alert")
        assert threat.json()["id"] in alert.text_body and "60" in alert.text_body
    assert await mails(runtime, owner.id, "moderation_alert") == []


async def test_a_photo_a_venue_and_a_review_can_be_reported(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    pair = await matched_pair(client, runtime)
    upload = await client.post(
        "/api/v1/profile/photos",
        headers=pair.him.headers,
        files={"photo": ("me.png", encode(scene(7, (320, 320)), "PNG"), "image/png")},
    )
    assert upload.status_code == 201, upload.text
    photo = await report(
        client, pair.her.headers, "photo", upload.json()["id"], "inappropriate_photos"
    )
    assert photo.status_code == 201, photo.text
    photo_case = await case(runtime, photo.json()["id"])
    assert photo_case.subject_user_id == pair.him.id
    assert photo_case.evidence and photo_case.evidence["evidence_key"]

    world = await World(client, runtime).setup()
    venue = await report(client, pair.her.headers, "venue", world.venue, "scam", details="Fake")
    assert venue.status_code == 201, venue.text
    venue_case = await case(runtime, venue.json()["id"])
    assert venue_case.subject_user_id == world.owner_user.id
    assert venue_case.evidence and venue_case.evidence["name"] == "Café Maure"

    diner, _ = await world.member("Nadia")
    booked = (await world.book(diner)).json()
    await world.move_start(booked["id"], datetime.now(UTC) - timedelta(minutes=10))
    checked = await client.post(
        f"/api/v1/venues/{world.venue}/bookings/{booked['id']}/check-in", headers=world.owner
    )
    assert checked.status_code == 200, checked.text
    written = await client.post(
        f"/api/v1/bookings/{booked['id']}/review",
        json={"rating": 2, "text": "Slow service, cold tea."},
        headers=diner,
    )
    assert written.status_code == 201 and written.json()["status"] == "published"
    review = await report(client, world.owner, "review", written.json()["id"], "other")
    assert review.status_code == 201, review.text
    review_case = await case(runtime, review.json()["id"])
    assert review_case.evidence and review_case.evidence["text"] == "Slow service, cold tea."


async def test_the_same_open_report_is_not_filed_twice_and_can_block(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    pair = await matched_pair(client, runtime)
    first = await report(client, pair.her.headers, "member", pair.him.id, "harassment")
    again = await report(client, pair.her.headers, "member", pair.him.id, "harassment", block=True)
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert (await client.get("/api/v1/blocks", headers=pair.her.headers)).json() == [
        str(pair.him.id)
    ]
    assert (await client.get("/api/v1/matches/today", headers=pair.her.headers)).json() == []


async def test_bad_reports_get_clear_problem_json(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    pair = await matched_pair(client, runtime)
    her = pair.her.headers

    def problem(response: httpx.Response, status: int) -> dict[str, object]:
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        body: dict[str, object] = response.json()
        assert body["status"] == status and body["title"]
        return body

    unknown = await report(client, her, "member", pair.him.id, "rudeness")
    assert "category" in str(problem(unknown, 422))
    missing = await client.post(
        "/api/v1/reports", json={"subject_type": "member", "category": "scam"}, headers=her
    )
    assert "subject_id" in str(problem(missing, 422))
    bad_type = await report(client, her, "planet", pair.him.id)
    assert "subject_type" in str(problem(bad_type, 422))
    long = await report(client, her, "member", pair.him.id, details="x" * 100_000)
    assert problem(long, 422)["errors"]
    nobody = await report(client, her, "member", uuid.uuid4())
    problem(nobody, 404)
    stranger = await report(client, pair.him.headers, "member", pair.her.id)
    assert stranger.status_code == 201  # he was shown her too: the rule is symmetric
    never_met = await matched_pair(client, runtime, his_name="Other")
    unseen = await report(client, her, "member", never_met.him.id)
    problem(unseen, 404)  # a member never shown to her is "not found", not a hint
    yourself = await report(client, her, "member", pair.her.id)
    problem(yourself, 400)
    no_photo = await report(client, her, "photo", uuid.uuid4())
    problem(no_photo, 404)
    no_venue = await report(client, her, "venue", uuid.uuid4())
    problem(no_venue, 404)
    no_review = await report(client, her, "review", uuid.uuid4())
    problem(no_review, 404)
    anonymous = await client.post(
        "/api/v1/reports",
        json={"subject_type": "member", "subject_id": str(pair.him.id), "category": "scam"},
    )
    problem(anonymous, 401)


async def test_reports_are_rate_limited_per_reporter(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    pair = await matched_pair(client, runtime)
    for _ in range(REPORTS_PER_HOUR):
        made = await report(client, pair.her.headers, "member", pair.him.id)
        assert made.status_code == 201
    refused = await report(client, pair.her.headers, "member", pair.him.id)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "emergency" in refused.json()["detail"]


async def test_a_member_sees_only_their_own_reports(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    pair = await matched_pair(client, runtime)
    other = await matched_pair(client, runtime, his_name="Yassine")
    mine = await report(client, pair.her.headers, "member", pair.him.id, "scam")
    theirs = await report(client, other.her.headers, "member", other.him.id, "threats")
    assert mine.status_code == theirs.status_code == 201
    listed = (await client.get("/api/v1/reports/mine", headers=pair.her.headers)).json()
    assert [r["id"] for r in listed] == [mine.json()["id"]]
    assert (await client.get("/api/v1/reports/mine", headers=pair.him.headers)).json() == []
    assert (await client.get("/api/v1/reports/mine")).status_code == 401


async def test_reporting_again_more_seriously_escalates_the_same_case(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    moderator, mod = await staff(client, runtime)
    pair = await matched_pair(client, runtime)
    first = await report(client, pair.her.headers, "member", pair.him.id, "harassment")
    assert await mails(runtime, moderator.id, "moderation_alert") == []
    worse = await report(
        client, pair.her.headers, "member", pair.him.id, "threats", details="He threatened me."
    )
    assert worse.status_code == 201 and worse.json()["id"] == first.json()["id"]
    stored = await case(runtime, first.json()["id"])
    assert (stored.category, stored.severity) == ("threats", SEVERITY["threats"])
    assert stored.details == "He threatened me."
    assert stored.due_at - stored.created_at <= timedelta(minutes=60)
    [alert] = await mails(runtime, moderator.id, "moderation_alert")
    assert first.json()["id"] in alert.text_body
    # A milder category afterwards does not lower it.
    await report(client, pair.her.headers, "member", pair.him.id, "other")
    assert (await case(runtime, first.json()["id"])).category == "threats"
    [queued] = (await client.get("/api/v1/console/queue", headers=mod)).json()
    assert queued["severity"] == 3 and queued["minutes_left"] < 60


@pytest.mark.parametrize("subject_type", ["message", "revelation"])
async def test_subjects_without_a_domain_yet_are_refused_clearly(
    client: httpx.AsyncClient, runtime: Runtime, subject_type: str
) -> None:
    pair = await matched_pair(client, runtime)
    response = await report(client, pair.her.headers, subject_type, uuid.uuid4(), "harassment")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "report the member instead" in response.json()["detail"]
