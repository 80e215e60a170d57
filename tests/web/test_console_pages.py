"""The moderators' console pages: who may open them, the queue's order and SLA marks, a case
in context, every decision through its form (and what it does), selfie review, CSRF, RTL."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from dinner1.accounts.models import User
from dinner1.db.types import utcnow
from dinner1.privacy.models import StaffAccess
from dinner1.profiles import photos
from dinner1.profiles.models import ProfilePhoto
from dinner1.runtime import Runtime
from dinner1.safety import cases, risk
from dinner1.safety.models import ModerationAction, Report, RiskAssessment, SelfieCheck
from dinner1.tenants import repository as tenants
from tests.fixtures.factories import PASSWORD, create_user
from tests.fixtures.pages import page_csrf, page_login
from tests.media.generated_images import encode, scene

STAFF_PAGES = ("/console", "/console/cases/{case}", "/console/selfies")


@pytest.fixture(autouse=True)
def browser(client: httpx.AsyncClient) -> None:
    """Ask for pages as a browser does, so refusals come as pages and logins as redirects."""
    client.headers["Accept"] = "text/html,application/xhtml+xml,*/*;q=0.8"


async def logged_in(client: httpx.AsyncClient, runtime: Runtime, role: str) -> User:
    user = await create_user(runtime, role=role, display_name=role.title())
    assert (await page_login(client, user.email, PASSWORD)).status_code == 303
    return user


async def open_case(
    runtime: Runtime,
    subject: User | None,
    *,
    category: str = "harassment",
    reporter: User | None = None,
    subject_type: str = "member",
    subject_id: uuid.UUID | None = None,
    details: str | None = None,
    evidence: dict[str, Any] | None = None,
    age: timedelta = timedelta(0),
) -> uuid.UUID:
    """A case as reports and the classifier open it, `age` old."""
    async with runtime.db.unit_of_work() as session:
        tenant = await tenants.get_default(session)
        assert tenant is not None
        report = await cases.open_case(
            session,
            runtime.settings,
            tenant_id=tenant.id,
            subject_type=subject_type,
            subject_id=subject_id or (subject.id if subject else uuid.uuid4()),
            subject_user_id=subject.id if subject else None,
            category=category,
            reporter_id=reporter.id if reporter else None,
            details=details,
            evidence=evidence,
        )
        report.created_at -= age
        report.due_at -= age
        opened: uuid.UUID = report.id
        return opened


async def stored(runtime: Runtime, model: Any, row_id: uuid.UUID) -> Any:
    async with runtime.db.sessionmaker() as session:
        found = await session.get(model, row_id)
        assert found is not None
        return found


async def add_photo(runtime: Runtime, owner: User, seed: int = 3) -> ProfilePhoto:
    async with runtime.db.unit_of_work() as session:
        return await photos.add_photo(
            session,
            runtime.media,
            owner.tenant_id,
            owner.id,
            encode(scene(seed, (320, 320)), "PNG"),
        )


async def act(
    client: httpx.AsyncClient, case_id: uuid.UUID, action: str, **fields: str
) -> httpx.Response:
    token = await page_csrf(client, f"/console/cases/{case_id}")
    return await client.post(
        f"/console/cases/{case_id}/actions",
        data={"action": action, "csrf_token": token, **fields},
    )


def case_ids(html: str) -> list[str]:
    return re.findall(r'data-testid="case-row" data-case-id="([0-9a-f-]+)"', html)


# ---- who may look ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "venue_owner"])
async def test_members_and_venue_owners_are_refused_every_console_page(
    client: httpx.AsyncClient, runtime: Runtime, role: str
) -> None:
    subject = await create_user(runtime, display_name="Reda")
    case_id = await open_case(runtime, subject)
    await logged_in(client, runtime, role)
    for page in STAFF_PAGES:
        response = await client.get(page.format(case=case_id))
        assert response.status_code == 403, page
        assert 'data-testid="error-page"' in response.text
    token = await page_csrf(client, "/")
    refused = await client.post(
        f"/console/cases/{case_id}/actions",
        data={"action": "ban", "reason": "no", "csrf_token": token},
    )
    assert refused.status_code == 403
    assert (await stored(runtime, User, subject.id)).banned_at is None


async def test_visitors_are_sent_to_log_in(client: httpx.AsyncClient, runtime: Runtime) -> None:
    case_id = await open_case(runtime, await create_user(runtime))
    for page in STAFF_PAGES:
        path = page.format(case=case_id)
        response = await client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=%2Fconsole")


@pytest.mark.parametrize("role", ["moderator", "admin"])
async def test_moderators_and_admins_open_every_console_page(
    client: httpx.AsyncClient, runtime: Runtime, role: str
) -> None:
    case_id = await open_case(runtime, await create_user(runtime))
    await logged_in(client, runtime, role)
    for page in STAFF_PAGES:
        response = await client.get(page.format(case=case_id))
        assert response.status_code == 200, page
        assert 'data-testid="console-' in response.text


# ---- the queue ------------------------------------------------------------------------------


async def test_the_queue_puts_the_most_severe_first_then_the_oldest_and_marks_overdue(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    subject = await create_user(runtime, display_name="Reda")
    low_old = await open_case(runtime, subject, category="other", age=timedelta(days=2))
    scam_new = await open_case(runtime, subject, category="scam", age=timedelta(minutes=5))
    scam_old = await open_case(runtime, subject, category="harassment", age=timedelta(hours=3))
    crisis = await open_case(runtime, subject, category="crisis", age=timedelta(minutes=20))
    threat = await open_case(runtime, subject, category="threats", age=timedelta(minutes=1))
    moderator = await logged_in(client, runtime, "moderator")

    page = await client.get("/console")
    assert case_ids(page.text) == [str(i) for i in (crisis, threat, scam_old, scam_new, low_old)]
    classes = re.findall(r'<li class="([^"]*)" data-case-row', page.text)
    rows = page.text.split('<li class="case-row')[1:]
    # A crisis answers within 15 minutes: 20 minutes old is overdue, and says so.
    assert "is-overdue" in classes[0] and "Overdue by" in rows[0]
    assert "data-sla-over hidden" not in rows[0]
    assert "is-overdue" not in classes[1]
    assert "data-sla-over hidden" in rows[1] and "left" in rows[1]
    assert "Someone may be in danger" in rows[0] and "member" in rows[0]
    assert "Reported 20 minutes ago" in rows[0] and "Reported 2 days ago" in rows[4]

    token = await page_csrf(client, "/console")
    taken = await client.post(f"/console/cases/{scam_new}/take", data={"csrf_token": token})
    assert taken.status_code == 303
    assert case_ids((await client.get("/console?status=in_review")).text) == [str(scam_new)]
    assert case_ids((await client.get("/console?status=mine")).text) == [str(scam_new)]
    assert str(scam_new) not in case_ids((await client.get("/console?status=open")).text)

    # Decided cases leave the queue and can be looked back on, without an SLA clock.
    assert (await act(client, crisis, "warn", reason="Checked in with both")).status_code == 303
    assert (await act(client, low_old, "dismiss", reason="Nothing wrong")).status_code == 303
    assert str(crisis) not in case_ids((await client.get("/console")).text)
    actioned = (await client.get("/console?status=actioned")).text
    assert case_ids(actioned) == [str(crisis)] and "Overdue by" not in actioned
    assert case_ids((await client.get("/console?status=dismissed")).text) == [str(low_old)]
    assert (await stored(runtime, Report, scam_new)).assigned_to == moderator.id


# ---- a case in context ----------------------------------------------------------------------


async def test_a_case_shows_the_content_the_people_the_risk_and_logs_the_look(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    subject = await create_user(runtime, display_name="Reda")
    reporter = await create_user(runtime, display_name="Salma")
    photo = await add_photo(runtime, subject)
    async with runtime.db.unit_of_work() as session:
        await risk.recompute(session, runtime.settings, subject.tenant_id, subject.id)
    earlier = await open_case(runtime, subject, category="scam", age=timedelta(days=3))
    case_id = await open_case(
        runtime,
        subject,
        reporter=reporter,
        details="He kept writing after I said no.",
        evidence={"display_name": "Reda", "city": "casablanca", "answers": {"philosophy": "Hi"}},
    )
    moderator = await logged_in(client, runtime, "moderator")

    page = await client.get(f"/console/cases/{case_id}")
    assert page.status_code == 200
    html = page.text
    assert "He kept writing after I said no." in html
    assert 'data-testid="subject-name">Reda<' in html
    assert 'data-testid="reporter-name">Salma<' in html
    assert f"/console/photos/{photo.id}?variant=blurred" in html and "is-blurred" in html
    assert 'data-testid="risk-score"' in html
    assert f'href="/console/cases/{earlier}"' in html  # the earlier report about him
    for action in ("dismiss", "warn", "suspend", "ban", "require_verification"):
        assert f'data-testid="form-{action}"' in html
    assert 'data-testid="form-remove_content"' not in html  # a member cannot be "removed"

    blurred = await client.get(f"/console/photos/{photo.id}")
    assert blurred.status_code == 200 and blurred.headers["content-type"] == "image/webp"
    assert "no-store" in blurred.headers["cache-control"]
    async with runtime.db.sessionmaker() as session:
        looks = list(
            (
                await session.execute(
                    select(StaffAccess).where(StaffAccess.staff_id == moderator.id)
                )
            ).scalars()
        )
    seen = {(line.subject_user_id, line.what) for line in looks}
    assert {(subject.id, "report.view"), (reporter.id, "report.view")} <= seen
    assert (subject.id, "member.view") in seen  # the photo


async def test_a_reported_photo_is_shown_blurred_and_can_be_removed(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    subject = await create_user(runtime, display_name="Reda")
    photo = await add_photo(runtime, subject)
    key = await runtime.media.put(
        f"{subject.tenant_id}/private/evidence", encode(scene(5, (64, 64)), "WEBP"), ".webp"
    )
    case_id = await open_case(
        runtime,
        subject,
        category="inappropriate_photos",
        subject_type="photo",
        subject_id=photo.id,
        reporter=await create_user(runtime),
        evidence={"photo_id": str(photo.id), "evidence_key": key},
    )
    await logged_in(client, runtime, "moderator")
    page = await client.get(f"/console/cases/{case_id}")
    assert f"/console/cases/{case_id}/evidence-photo" in page.text
    assert 'data-testid="form-remove_content"' in page.text
    evidence = await client.get(f"/console/cases/{case_id}/evidence-photo")
    assert evidence.status_code == 200 and evidence.content

    done = await act(client, case_id, "remove_content", reason="Nudity")
    assert done.status_code == 303
    assert (await stored(runtime, ProfilePhoto, photo.id)).status == "rejected"
    after = await client.get(done.headers["location"])
    assert "The content was removed" in after.text and "The content is removed." in after.text


# ---- decisions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "outcome", "status"),
    [
        ("dismiss", "Dismissed: nothing against the rules", "dismissed"),
        ("warn", "The member was warned", "actioned"),
        ("suspend", "The member was suspended", "actioned"),
        ("ban", "The member was banned", "actioned"),
        ("require_verification", "The member must verify their identity", "actioned"),
    ],
)
async def test_each_decision_through_its_form_takes_effect_and_is_shown(
    client: httpx.AsyncClient, runtime: Runtime, action: str, outcome: str, status: str
) -> None:
    subject = await create_user(runtime, display_name="Reda")
    case_id = await open_case(runtime, subject, reporter=await create_user(runtime))
    moderator = await logged_in(client, runtime, "moderator")
    extra = {"days": "3"} if action == "suspend" else {}

    done = await act(client, case_id, action, reason=f"Because {action}", **extra)
    assert done.status_code == 303
    assert done.headers["location"] == f"/console/cases/{case_id}?done={action}#outcome"
    page = await client.get(done.headers["location"])
    assert f'data-testid="case-outcome">{outcome}<' in page.text
    assert 'data-testid="notice"' in page.text
    assert f"Because {action}" in page.text  # the trail shows the reason

    report = await stored(runtime, Report, case_id)
    assert report.status == status and report.assigned_to == moderator.id
    async with runtime.db.sessionmaker() as session:
        trail = (
            await session.execute(
                select(ModerationAction).where(ModerationAction.report_id == case_id)
            )
        ).scalar_one()
    assert (trail.action, trail.reason, trail.moderator_id) == (
        action,
        f"Because {action}",
        moderator.id,
    )
    member = await stored(runtime, User, subject.id)
    if action == "suspend":
        assert member.suspended_until is not None
        left = member.suspended_until - utcnow()
        assert timedelta(days=2, hours=23) < left <= timedelta(days=3)
        assert 'data-testid="subject-suspended"' in page.text
        assert trail.days == 3
    assert (member.banned_at is not None) == (action == "ban")
    assert member.verification_required == (action == "require_verification")
    if action == "dismiss":
        assert 'data-testid="case-closed"' in page.text


async def test_a_suspension_needs_days_and_a_closed_case_refuses_more(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    subject = await create_user(runtime)
    case_id = await open_case(runtime, subject)
    await logged_in(client, runtime, "moderator")

    missing = await act(client, case_id, "suspend", reason="Rude", days="")
    assert missing.status_code == 422
    assert 'id="e-days"' in missing.text and "Rude" in missing.text
    assert (await stored(runtime, User, subject.id)).suspended_until is None
    zero = await act(client, case_id, "suspend", reason="Rude", days="0")
    assert zero.status_code == 422 and 'id="e-days"' in zero.text

    assert (await act(client, case_id, "dismiss", reason="Fine")).status_code == 303
    again = await act(client, case_id, "warn", reason="Late")
    assert again.status_code == 409
    assert 'data-testid="form-error"' in again.text
    assert (await stored(runtime, Report, case_id)).outcome == "dismissed"


async def test_a_moderator_lifts_a_risk_throttle_from_the_case(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    subject = await create_user(runtime, display_name="Reda")
    async with runtime.db.unit_of_work() as session:
        assessment = await risk.recompute(session, runtime.settings, subject.tenant_id, subject.id)
        assert assessment is not None
        assessment.throttled, assessment.level = True, "high"
        assessment_id = assessment.id
    case_id = await open_case(runtime, subject, category="fake_profile")
    await logged_in(client, runtime, "moderator")
    page = await client.get(f"/console/cases/{case_id}")
    assert 'data-testid="risk-throttled"' in page.text and 'data-testid="clear-risk"' in page.text

    token = await page_csrf(client, f"/console/cases/{case_id}")
    cleared = await client.post(
        f"/console/members/{subject.id}/risk/clear",
        data={"csrf_token": token, "reason": "Called her", "case_id": str(case_id)},
    )
    assert cleared.status_code == 303
    assert cleared.headers["location"] == f"/console/cases/{case_id}?done=risk_cleared#risk"
    after = await stored(runtime, RiskAssessment, assessment_id)
    assert not after.throttled and after.reviewed_at is not None
    page = await client.get(cleared.headers["location"])
    assert 'data-testid="risk-throttled"' not in page.text and "Cleared the risk" in page.text


async def test_a_decision_without_the_csrf_token_is_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    subject = await create_user(runtime)
    case_id = await open_case(runtime, subject)
    await logged_in(client, runtime, "moderator")
    await client.get(f"/console/cases/{case_id}")
    refused = await client.post(
        f"/console/cases/{case_id}/actions", data={"action": "ban", "reason": "forged"}
    )
    assert refused.status_code == 403
    assert (await stored(runtime, User, subject.id)).banned_at is None
    assert (await stored(runtime, Report, case_id)).status == "open"


async def test_the_console_reads_right_to_left_in_arabic(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    case_id = await open_case(runtime, await create_user(runtime), category="crisis")
    await logged_in(client, runtime, "moderator")
    for locale, direction in (("ar", "rtl"), ("fr", "ltr")):
        token = await page_csrf(client, "/console")
        chosen = await client.post(
            "/language", data={"locale": locale, "next": "/console", "csrf_token": token}
        )
        assert chosen.status_code == 303
        for page in STAFF_PAGES:
            response = await client.get(page.format(case=case_id))
            assert response.status_code == 200
            assert f'<html lang="{locale}" dir="{direction}">' in response.text


# ---- selfies --------------------------------------------------------------------------------


async def submitted_selfie(runtime: Runtime, member: User) -> uuid.UUID:
    key = await runtime.media.put(
        f"{member.tenant_id}/private/selfies", encode(scene(9, (64, 64)), "WEBP"), ".webp"
    )
    async with runtime.db.unit_of_work() as session:
        check = SelfieCheck(
            tenant_id=member.tenant_id,
            user_id=member.id,
            pose="touch_nose",
            status="submitted",
            storage_key=key,
        )
        session.add(check)
        await session.flush()
        made: uuid.UUID = check.id
        return made


async def test_selfies_are_approved_or_rejected_with_a_reason(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    yes, no = await create_user(runtime, display_name="Nadia"), await create_user(runtime)
    await add_photo(runtime, yes)
    approve_id, reject_id = (
        await submitted_selfie(runtime, yes),
        await submitted_selfie(runtime, no),
    )
    await logged_in(client, runtime, "moderator")

    page = await client.get("/console/selfies")
    assert page.text.count('data-testid="selfie-row"') == 2
    assert "Touch your nose with your right index finger." in page.text
    assert f"/console/selfies/{approve_id}/image" in page.text
    image = await client.get(f"/console/selfies/{approve_id}/image")
    assert image.status_code == 200 and image.headers["content-type"] == "image/webp"

    token = await page_csrf(client, "/console/selfies")
    approved = await client.post(
        f"/console/selfies/{approve_id}/approve", data={"csrf_token": token}
    )
    assert approved.status_code == 303
    assert (await stored(runtime, User, yes.id)).identity_verified_at is not None

    blank = await client.post(
        f"/console/selfies/{reject_id}/reject", data={"csrf_token": token, "reason": " "}
    )
    assert blank.status_code == 422 and 'data-testid="form-error"' in blank.text
    rejected = await client.post(
        f"/console/selfies/{reject_id}/reject",
        data={"csrf_token": token, "reason": "Another person"},
    )
    assert rejected.status_code == 303
    check = await stored(runtime, SelfieCheck, reject_id)
    assert (check.status, check.reason) == ("rejected", "Another person")
    after = await client.get(rejected.headers["location"])
    assert 'data-testid="selfies-empty"' in after.text and 'data-testid="notice"' in after.text


async def test_staff_homes_count_the_queue_and_link_the_console(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    member = await create_user(runtime)
    await logged_in(client, runtime, "moderator")
    home = (await client.get("/")).text
    assert "No reports are waiting." in home
    assert 'href="/console"' in home and 'data-testid="nav-console"' in home

    await open_case(runtime, member, category="threats", age=timedelta(hours=2))
    await open_case(runtime, member, category="harassment")
    home = (await client.get("/")).text
    assert "2 reports are waiting" in home
    assert "1 is past its deadline." in home

    client.cookies.clear()
    await logged_in(client, runtime, "member")
    home = (await client.get("/")).text
    assert 'data-testid="nav-console"' not in home and "reports are waiting" not in home
