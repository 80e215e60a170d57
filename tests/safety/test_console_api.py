"""The moderation console through the API: the queue and its SLA timers, a case in
context, every action with its effect, its audit trail and the reporter told, and who
may use the console at all."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from dinner1.accounts.models import User
from dinner1.privacy.models import StaffAccess
from dinner1.profiles.models import ProfilePhoto
from dinner1.runtime import Runtime
from dinner1.safety.models import Report
from tests.fixtures.factories import PASSWORD, bearer, create_user, login
from tests.media.generated_images import encode, scene
from tests.safety.cast import (
    Pair,
    actions_on,
    case,
    mails,
    matched_pair,
    report,
    staff,
    user_row,
)


async def reported(
    client: httpx.AsyncClient, runtime: Runtime, category: str = "harassment"
) -> tuple[Pair, str]:
    pair = await matched_pair(client, runtime)
    made = await report(
        client, pair.her.headers, "member", pair.him.id, category, details="He insisted."
    )
    assert made.status_code == 201, made.text
    return pair, made.json()["id"]


async def act(
    client: httpx.AsyncClient, headers: dict[str, str], case_id: str, action: str, **extra: object
) -> httpx.Response:
    return await client.post(
        f"/api/v1/console/cases/{case_id}/actions",
        json={"action": action, **extra},
        headers=headers,
    )


async def age_case(runtime: Runtime, case_id: str, minutes: int) -> None:
    """Time travel: the case was opened `minutes` ago (its SLA moved with it)."""
    found = await case(runtime, case_id)
    shift = timedelta(minutes=minutes)
    async with runtime.db.unit_of_work() as session:
        await session.execute(
            update(Report)
            .where(Report.id == found.id)
            .values(created_at=found.created_at - shift, due_at=found.due_at - shift)
        )


async def test_the_queue_orders_by_severity_then_age_with_sla_timers(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _, mod = await staff(client, runtime)
    _, old_scam = await reported(client, runtime, "scam")
    _, new_scam = await reported(client, runtime, "scam")
    _, other = await reported(client, runtime, "other")
    _, threat = await reported(client, runtime, "threats")
    _, crisis = await reported(client, runtime, "crisis")
    await age_case(runtime, old_scam, 60)
    await age_case(runtime, threat, 75)  # past its one-hour SLA

    queue = (await client.get("/api/v1/console/queue", headers=mod)).json()
    assert [q["id"] for q in queue] == [crisis, threat, old_scam, new_scam, other]
    by_id = {q["id"]: q for q in queue}
    assert [q["severity"] for q in queue] == [4, 3, 2, 2, 1]
    assert 14 <= by_id[crisis]["minutes_left"] < 15 and by_id[crisis]["overdue"] is False
    assert by_id[threat]["overdue"] is True and by_id[threat]["minutes_left"] < 0
    assert by_id[old_scam]["minutes_left"] < by_id[new_scam]["minutes_left"]
    assert by_id[crisis]["category_label"] and "details" not in by_id[crisis]

    closed = await act(client, mod, other, "dismiss")
    assert closed.status_code == 200
    queue = (await client.get("/api/v1/console/queue", headers=mod)).json()
    assert other not in [q["id"] for q in queue]


async def test_a_case_shows_the_reported_content_in_context(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    moderator, mod = await staff(client, runtime)
    pair, case_id = await reported(client, runtime, "fake_profile")
    upload = await client.post(
        "/api/v1/profile/photos",
        headers=pair.him.headers,
        files={"photo": ("me.png", encode(scene(3, (300, 300)), "PNG"), "image/png")},
    )
    assert upload.status_code == 201
    earlier = await act(client, mod, case_id, "warn", reason="First warning")
    assert earlier.status_code == 200
    # A second reporter, later: the first case is now history of the same member.
    second = await report(client, pair.him.headers, "member", pair.her.id, "other")
    assert second.status_code == 201
    again = await matched_pair(client, runtime)
    newer = await report(client, again.her.headers, "member", again.him.id, "scam")

    response = await client.get(f"/api/v1/console/cases/{case_id}", headers=mod)
    assert response.status_code == 200, response.text
    view = response.json()
    assert view["details"] == "He insisted." and view["reporter_name"] == "Amina"
    assert view["subject"]["id"] == str(pair.him.id)
    assert view["subject"]["display_name"] == "Reda"
    assert view["subject"]["answers"]["philosophy"].startswith("Live slowly")
    assert view["evidence"]["answers"]["philosophy"].startswith("Live slowly")
    assert [p["id"] for p in view["subject"]["photos"]] == [upload.json()["id"]]
    assert [a["action"] for a in view["actions"]] == ["warn"]
    assert view["actions"][0]["reason"] == "First warning"
    assert view["status"] == "actioned" and view["outcome"] == "warned"

    newer_view = await client.get(f"/api/v1/console/cases/{newer.json()['id']}", headers=mod)
    assert newer_view.json()["previous_reports"] == []
    async with runtime.db.sessionmaker() as session:
        looks = (
            await session.execute(
                select(StaffAccess).where(
                    StaffAccess.staff_id == moderator.id, StaffAccess.what == "report.view"
                )
            )
        ).scalars()
        assert {look.subject_user_id for look in looks} == {pair.him.id, again.him.id}
    assert (
        await client.get(f"/api/v1/console/cases/{uuid.uuid4()}", headers=mod)
    ).status_code == 404


async def test_dismiss_closes_the_case_and_tells_the_reporter(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    moderator, mod = await staff(client, runtime)
    pair, case_id = await reported(client, runtime)
    taken = await client.post(f"/api/v1/console/cases/{case_id}/take", headers=mod)
    assert taken.status_code == 200 and taken.json()["status"] == "in_review"
    dismissed = await act(client, mod, case_id, "dismiss", reason="Nothing against the rules")
    assert dismissed.status_code == 200
    assert dismissed.json() | {"created_at": None} == {
        "id": case_id,
        "category": "harassment",
        "status": "dismissed",
        "outcome": "dismissed",
        "created_at": None,
    }
    stored = await case(runtime, case_id)
    assert stored.resolved_at is not None and stored.assigned_to == moderator.id
    audit = await actions_on(runtime, case_id)
    assert [(a.action, a.moderator_id) for a in audit] == [
        ("take", moderator.id),
        ("dismiss", moderator.id),
    ]
    assert audit[1].reason == "Nothing against the rules"
    [told] = await mails(runtime, pair.her.id, "report_outcome")
    assert "did not find a breach" in told.text_body and "Nothing against" not in told.text_body
    assert await mails(runtime, pair.him.id) == []  # the reported member is not bothered
    [mine] = (await client.get("/api/v1/reports/mine", headers=pair.her.headers)).json()
    assert mine["status"] == "dismissed" and mine["outcome"] == "dismissed"
    assert (await act(client, mod, case_id, "warn")).status_code == 409
    retaken = await client.post(f"/api/v1/console/cases/{case_id}/take", headers=mod)
    assert retaken.status_code == 409


async def test_warn_tells_both_and_is_audited(client: httpx.AsyncClient, runtime: Runtime) -> None:
    moderator, mod = await staff(client, runtime)
    pair, case_id = await reported(client, runtime)
    warned = await act(client, mod, case_id, "warn", reason="Be respectful")
    assert warned.status_code == 200 and warned.json()["outcome"] == "warned"
    [entry] = await actions_on(runtime, case_id)
    assert (entry.action, entry.target_user_id, entry.moderator_id) == (
        "warn",
        pair.him.id,
        moderator.id,
    )
    [warning] = await mails(runtime, pair.him.id, "moderation_warn")
    assert "Be respectful" in warning.text_body
    [told] = await mails(runtime, pair.her.id, "report_outcome")
    assert "took action" in told.text_body and "Be respectful" not in told.text_body
    # He can still use the app after a warning.
    assert (await client.get("/api/v1/reports/mine", headers=pair.him.headers)).status_code == 200
    [mine] = (await client.get("/api/v1/reports/mine", headers=pair.her.headers)).json()
    assert mine["outcome"] == "actioned"


async def test_remove_content_takes_a_photo_down(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _, mod = await staff(client, runtime)
    pair = await matched_pair(client, runtime)
    upload = await client.post(
        "/api/v1/profile/photos",
        headers=pair.him.headers,
        files={"photo": ("me.png", encode(scene(11, (300, 300)), "PNG"), "image/png")},
    )
    photo_id = upload.json()["id"]
    made = await report(client, pair.her.headers, "photo", photo_id, "inappropriate_photos")
    case_id = made.json()["id"]
    assert (
        await client.get(f"/api/v1/photos/{photo_id}?variant=blurred", headers=pair.her.headers)
    ).status_code == 200
    evidence = await client.get(f"/api/v1/console/cases/{case_id}", headers=mod)
    assert evidence.json()["evidence_photo_url"]

    removed = await act(client, mod, case_id, "remove_content")
    assert removed.status_code == 200 and removed.json()["outcome"] == "content_removed"
    async with runtime.db.sessionmaker() as session:
        photo = await session.get(ProfilePhoto, uuid.UUID(photo_id))
        assert photo is not None and photo.status == "rejected"
    assert (
        await client.get(f"/api/v1/photos/{photo_id}?variant=blurred", headers=pair.her.headers)
    ).status_code == 404
    assert [a.action for a in await actions_on(runtime, case_id)] == ["remove_content"]
    assert len(await mails(runtime, pair.her.id, "report_outcome")) == 1
    # A further action on the same (actioned) case is allowed; the reporter is told once.
    assert (await act(client, mod, case_id, "suspend", days=3)).status_code == 200
    assert len(await mails(runtime, pair.her.id, "report_outcome")) == 1

    _, member_case = await reported(client, runtime)
    refused = await act(client, mod, member_case, "remove_content")
    assert refused.status_code == 409 and "suspend or ban" in refused.json()["detail"]
    assert await actions_on(runtime, member_case) == []


async def test_suspend_for_n_days_bars_every_api_call_until_then(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _, mod = await staff(client, runtime)
    pair, case_id = await reported(client, runtime, "threats")
    no_days = await act(client, mod, case_id, "suspend")
    assert no_days.status_code == 422 and no_days.json()["errors"][0]["loc"] == ["body", "days"]
    assert (await act(client, mod, case_id, "suspend", days=0)).status_code == 422
    suspended = await act(client, mod, case_id, "suspend", days=7, reason="Threats")
    assert suspended.status_code == 200 and suspended.json()["outcome"] == "suspended"
    member = await user_row(runtime, pair.him.id)
    assert member.suspended_until is not None
    expected = datetime.now(UTC) + timedelta(days=7)
    assert abs(member.suspended_until.replace(tzinfo=UTC) - expected) < timedelta(minutes=1)

    # The old token is revoked, and a fresh login is refused with the date.
    stale = await client.get("/api/v1/reports/mine", headers=pair.him.headers)
    assert stale.status_code == 401
    login_again = await client.post(
        "/api/v1/auth/login", json={"email": member.email, "password": PASSWORD}
    )
    assert login_again.status_code == 403, login_again.text
    assert login_again.json()["until"].startswith(str(member.suspended_until.date()))
    [entry] = await actions_on(runtime, case_id)
    assert (entry.action, entry.days, entry.reason) == ("suspend", 7, "Threats")
    [notice] = await mails(runtime, pair.him.id, "moderation_suspend")
    assert "Threats" in notice.text_body
    assert len(await mails(runtime, pair.her.id, "report_outcome")) == 1


async def test_a_suspended_member_with_a_live_token_gets_403_with_until(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    member = await create_user(runtime)
    headers = bearer(await login(client, member.email))
    until = datetime.now(UTC) + timedelta(days=2)
    async with runtime.db.unit_of_work() as session:
        await session.execute(
            update(User).where(User.id == member.id).values(suspended_until=until)
        )
    for method, path in (
        ("GET", "/api/v1/reports/mine"),
        ("GET", "/api/v1/verification"),
        ("POST", "/api/v1/safety/check"),
    ):
        response = await client.request(method, path, headers=headers, json={"text": "hi"})
        assert response.status_code == 403, (path, response.text)
        body = response.json()
        assert body["type"].endswith("account-suspended")
        assert abs(datetime.fromisoformat(body["until"]) - until) < timedelta(seconds=1)


async def test_ban_ends_every_session_and_login(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _, mod = await staff(client, runtime)
    pair, case_id = await reported(client, runtime, "scam")
    banned = await act(client, mod, case_id, "ban", reason="Asked for money")
    assert banned.status_code == 200 and banned.json()["outcome"] == "banned"
    member = await user_row(runtime, pair.him.id)
    assert member.banned_at is not None
    stale = await client.get("/api/v1/reports/mine", headers=pair.him.headers)
    assert stale.status_code == 401
    login_again = await client.post(
        "/api/v1/auth/login", json={"email": member.email, "password": PASSWORD}
    )
    assert login_again.status_code == 403
    assert login_again.json()["type"].endswith("account-banned")
    assert [a.action for a in await actions_on(runtime, case_id)] == ["ban"]
    assert len(await mails(runtime, pair.him.id, "moderation_ban")) == 1
    [told] = await mails(runtime, pair.her.id, "report_outcome")
    assert "took action" in told.text_body


async def test_require_verification_gates_interest_until_a_selfie_is_approved(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _, mod = await staff(client, runtime)
    pair, case_id = await reported(client, runtime, "fake_profile")
    # He reports her too, so the moderator can require her verification from his case.
    theirs = await report(client, pair.him.headers, "member", pair.her.id, "fake_profile")
    required = await act(client, mod, theirs.json()["id"], "require_verification")
    assert required.status_code == 200 and required.json()["outcome"] == "verification_required"
    assert (await user_row(runtime, pair.her.id)).verification_required is True
    status = (await client.get("/api/v1/verification", headers=pair.her.headers)).json()
    assert status["verification_required"] is True and status["identity_verified"] is False
    interest = await client.post(
        f"/api/v1/matches/{pair.match_id}/outcome",
        json={"outcome": "interested"},
        headers=pair.her.headers,
    )
    assert interest.status_code == 403
    assert interest.json()["type"].endswith("verification-required")
    assert interest.json()["verify_url"] == "/verification"
    assert len(await mails(runtime, pair.her.id, "moderation_require_verification")) == 1
    assert [a.action for a in await actions_on(runtime, theirs.json()["id"])] == [
        "require_verification"
    ]
    [told] = await mails(runtime, pair.him.id, "report_outcome")
    assert "took action" in told.text_body
    assert (await case(runtime, case_id)).status == "open"


async def test_staff_accounts_are_out_of_moderators_reach(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _, mod = await staff(client, runtime)
    pair = await matched_pair(client, runtime)
    made = await report(client, pair.her.headers, "member", pair.him.id)
    async with runtime.db.unit_of_work() as session:
        await session.execute(update(User).where(User.id == pair.him.id).values(role="moderator"))
    refused = await act(client, mod, made.json()["id"], "ban")
    assert refused.status_code == 403
    assert (await user_row(runtime, pair.him.id)).banned_at is None


def console_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every console endpoint the API publishes, with made-up ids."""
    found = []
    for template, operations in app.openapi()["paths"].items():
        if template.startswith("/api/v1/console"):
            path = template
            for name in ("case_id", "user_id", "check_id"):
                path = path.replace("{" + name + "}", str(uuid.uuid4()))
            found.extend((method.upper(), path) for method in sorted(operations))
    return found


@pytest.mark.parametrize("role", ["member", "venue_owner"])
async def test_members_and_venue_owners_get_403_on_every_console_endpoint(
    client: httpx.AsyncClient, runtime: Runtime, app: FastAPI, role: str
) -> None:
    routes = console_routes(app)
    assert len(routes) >= 9
    user = await create_user(runtime, role=role)
    headers = bearer(await login(client, user.email))
    for method, path in routes:
        body = {"action": "dismiss"} if path.endswith("/actions") else {}
        response = await client.request(method, path, headers=headers, json=body)
        assert response.status_code == 403, (method, path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        anonymous = await client.request(method, path, json=body)
        assert anonymous.status_code == 401, (method, path)


@pytest.mark.parametrize("role", ["moderator", "admin"])
async def test_moderators_and_admins_may_use_the_console(
    client: httpx.AsyncClient, runtime: Runtime, app: FastAPI, role: str
) -> None:
    _, headers = await staff(client, runtime, role=role)
    _, case_id = await reported(client, runtime)
    for method, path in console_routes(app):
        body = {"action": "dismiss"} if path.endswith("/actions") else {}
        response = await client.request(method, path, headers=headers, json=body)
        assert response.status_code not in (401, 403), (method, path, response.text)
    queue = await client.get("/api/v1/console/queue", headers=headers)
    assert queue.status_code == 200 and [q["id"] for q in queue.json()] == [case_id]
    assert (await act(client, headers, case_id, "warn")).status_code == 200
