"""The fraud / fake-profile risk score: each signal's rule, the sum and its levels, the
throttle and review case at high risk, the console's explanation, and the job."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, update

from dinner1.accounts.models import User
from dinner1.config import SafetySettings
from dinner1.core.jobs import registered_jobs
from dinner1.runtime import Runtime, schedule
from dinner1.safety import risk, tasks
from dinner1.safety.models import Report
from dinner1.safety.risk_signals import PAYMENT, PHONE, URL, Signal, account_age, collect
from tests.fixtures.factories import create_user
from tests.fixtures.profiles import create_member
from tests.matching.test_daily import MAN, headers_for
from tests.media.generated_images import encode, scene
from tests.safety.cast import matched_pair, report, risk_of, staff

SCAM_ANSWERS = {
    "answers": {
        "answers": {
            "philosophy": "Life is short, write to me on whatsapp +212 6 61 23 45 67 instead.",
            "understood": "See my pictures on www.my-private-pics.com before we talk.",
            "slow_evening": "Help me with a Western Union transfer and I will visit you soon.",
        }
    }
}


def test_levels_follow_the_configured_thresholds() -> None:
    rules = SafetySettings()
    assert risk.level_of(0.0, rules) == "low"
    assert risk.level_of(rules.risk_review_at - 0.01, rules) == "low"
    assert risk.level_of(rules.risk_review_at, rules) == "medium"
    assert risk.level_of(rules.risk_throttle_at - 0.01, rules) == "medium"
    assert risk.level_of(rules.risk_throttle_at, rules) == "high"
    strict = SafetySettings(risk_throttle_at=0.3, risk_review_at=0.1)
    assert risk.level_of(0.35, strict) == "high"


def test_account_age_weighs_less_as_the_account_ages() -> None:
    now = datetime(2026, 11, 22, 12, tzinfo=UTC)
    user = User(created_at=now - timedelta(hours=3))
    [fresh] = account_age(user, now)
    user.created_at = now - timedelta(days=3)
    [young] = account_age(user, now)
    assert fresh.weight > young.weight > 0
    assert young.detail == "The account is 3 days old."
    user.created_at = now - timedelta(days=30)
    assert account_age(user, now) == []


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("Find me at https://example.org/me", URL),
        ("my insta: t.me/amina_k", URL),
        ("Appelle-moi au 06 12 34 56 78", PHONE),
        ("whatsapp +33 6 12 34 56 78", PHONE),
        ("send it by western union please", PAYMENT),
        ("un petit virement et je viens", PAYMENT),
        ("Pay me in USDT", PAYMENT),
        ("ابعث لي حوالة", PAYMENT),
    ],
)
def test_contact_and_payment_words_are_found(text: str, pattern: re.Pattern[str]) -> None:
    assert pattern.search(text)


@pytest.mark.parametrize(
    "text",
    [
        "I love mint tea at four and long walks by the ocean.",
        "J'aime la lecture, le hammam et les dîners en famille.",
        "I was born in 1994 and moved here at 12.",
    ],
)
def test_innocent_texts_raise_no_flag(text: str) -> None:
    assert not URL.search(text) and not PHONE.search(text) and not PAYMENT.search(text)


def test_a_signal_explains_itself() -> None:
    signal = Signal("reports_received", 0.25, "%(count)s reports", {"count": 2})
    assert signal.detail == "2 reports"
    assert signal.to_json() == {
        "signal": "reports_received",
        "weight": 0.25,
        "detail": "2 reports",
        "message": "%(count)s reports",
        "values": {"count": 2},
        "at": None,
    }


async def age_account(runtime: Runtime, user_id: uuid.UUID, days: int) -> None:
    async with runtime.db.unit_of_work() as session:
        await session.execute(
            update(User)
            .where(User.id == user_id)
            .values(created_at=datetime.now(UTC) - timedelta(days=days))
        )


async def signals_of(runtime: Runtime, user_id: uuid.UUID) -> dict[str, float]:
    async with runtime.db.unit_of_work() as session:
        user = await session.get(User, user_id)
        assert user is not None
        found = await collect(session, user, runtime.settings.safety.phone_code_attempts)
    return {s.name: s.weight for s in found}


async def test_an_old_quiet_member_scores_zero(runtime: Runtime) -> None:
    member = await create_member(runtime)
    await age_account(runtime, member, 90)
    assert await signals_of(runtime, member) == {}
    async with runtime.db.unit_of_work() as session:
        assessment = await risk.recompute(session, runtime.settings, uuid.UUID(int=0), member)
    assert assessment is None  # another tenant: nobody to score
    async with runtime.db.unit_of_work() as session:
        user = await session.get(User, member)
        assert user is not None
        assessment = await risk.recompute(session, runtime.settings, user.tenant_id, member)
    assert assessment is not None
    assert (assessment.score, assessment.level, assessment.throttled) == (0.0, "low", False)


async def test_texts_with_contact_and_payment_words_add_up(runtime: Runtime) -> None:
    member = await create_member(runtime, **SCAM_ANSWERS)
    await age_account(runtime, member, 90)
    found = await signals_of(runtime, member)
    assert set(found) == {"link_in_texts", "contact_in_texts", "payment_words"}
    async with runtime.db.unit_of_work() as session:
        user = await session.get(User, member)
        assert user is not None
        assessment = await risk.recompute(session, runtime.settings, user.tenant_id, member)
        assert assessment is not None
        assert assessment.score == pytest.approx(sum(found.values()))
        assert assessment.level == "medium" and assessment.throttled is False
        assert [s["signal"] for s in assessment.signals] == sorted(
            found, key=lambda name: -found[name]
        )


async def test_the_same_photo_on_two_accounts_is_a_signal(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    first = await create_member(runtime)
    second = await create_member(runtime, name="Copy")
    image = encode(scene(21, (320, 320)), "PNG")
    for member in (first, second):
        await age_account(runtime, member, 90)
        uploaded = await client.post(
            "/api/v1/profile/photos",
            headers=await headers_for(client, runtime, member),
            files={"photo": ("me.png", image, "image/png")},
        )
        assert uploaded.status_code == 201, uploaded.text
    assert "duplicate_photos" in await signals_of(runtime, second)
    assert "duplicate_photos" in await signals_of(runtime, first)
    third = await create_member(runtime, name="Own photo")
    await age_account(runtime, third, 90)
    await client.post(
        "/api/v1/profile/photos",
        headers=await headers_for(client, runtime, third),
        files={"photo": ("me.png", encode(scene(99, (320, 320)), "PNG"), "image/png")},
    )
    assert "duplicate_photos" not in await signals_of(runtime, third)


async def test_reports_count_once_per_reporter_and_not_when_dismissed(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _, mod = await staff(client, runtime)
    pair = await matched_pair(client, runtime)
    await age_account(runtime, pair.him.id, 90)
    upload = await client.post(
        "/api/v1/profile/photos",
        headers=pair.him.headers,
        files={"photo": ("me.png", encode(scene(31, (300, 300)), "PNG"), "image/png")},
    )
    made = [
        await report(client, pair.her.headers, "member", pair.him.id, "harassment"),
        await report(
            client, pair.her.headers, "photo", upload.json()["id"], "inappropriate_photos"
        ),
    ]
    assert [m.status_code for m in made] == [201, 201] and made[0].json()["id"] != made[1].json()[
        "id"
    ]
    # Two cases by one reporter: one vote.
    assert (await signals_of(runtime, pair.him.id))["reports_received"] == pytest.approx(0.15)
    # Reported again, more seriously: the vote takes the worse category.
    again = await report(client, pair.her.headers, "member", pair.him.id, "threats")
    assert again.json()["id"] == made[0].json()["id"] and again.json()["category"] == "threats"
    assert (await signals_of(runtime, pair.him.id))["reports_received"] == pytest.approx(0.25)
    # Each report rescored him at once.
    assessment = await risk_of(runtime, pair.him.id)
    assert assessment is not None and assessment.score == pytest.approx(0.25)
    for case in made:
        dismissed = await client.post(
            f"/api/v1/console/cases/{case.json()['id']}/actions",
            json={"action": "dismiss"},
            headers=mod,
        )
        assert dismissed.status_code == 200
    assert "reports_received" not in await signals_of(runtime, pair.him.id)


async def test_saying_interested_to_everyone_fast_is_a_signal(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    woman = await create_member(runtime)
    for i in range(3):
        await create_member(runtime, name=f"Man {i}", birth=date(1990, 1, 1 + i), **MAN)
    her = await headers_for(client, runtime, woman)
    matches = (await client.get("/api/v1/matches/today", headers=her)).json()
    assert len(matches) == 3
    assert "initiation_velocity" not in await signals_of(runtime, woman)
    for match in matches:
        answered = await client.post(
            f"/api/v1/matches/{match['id']}/outcome", json={"outcome": "interested"}, headers=her
        )
        assert answered.status_code == 200, answered.text
    assert (await signals_of(runtime, woman))["initiation_velocity"] > 0


async def test_high_risk_throttles_queues_and_is_explained(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    moderator, mod = await staff(client, runtime)
    woman = await create_member(runtime, **SCAM_ANSWERS)
    men = [
        await create_member(runtime, name=f"Man {i}", birth=date(1990, 1, 1 + i), **MAN)
        for i in range(2)
    ]
    her = await headers_for(client, runtime, woman)
    matches = (await client.get("/api/v1/matches/today", headers=her)).json()
    assert len(matches) == 2
    him = await headers_for(client, runtime, men[0])
    await client.get("/api/v1/matches/today", headers=him)
    # New account + link, number and payment words: reviewable but not yet throttled.
    made = await report(client, him, "member", woman, "scam", details="Asked for money")
    assert made.status_code == 201

    assessment = await risk_of(runtime, woman)
    assert assessment is not None
    assert assessment.level == "high" and assessment.throttled is True
    assert assessment.score >= runtime.settings.safety.risk_throttle_at
    async with runtime.db.sessionmaker() as session:
        system_cases = list(
            (
                await session.execute(
                    select(Report).where(Report.subject_user_id == woman, Report.source == "system")
                )
            ).scalars()
        )
    assert [(c.category, c.subject_type) for c in system_cases] == [("fake_profile", "member")]
    assert system_cases[0].evidence and system_cases[0].evidence["risk_score"] == assessment.score

    explained = await client.get(f"/api/v1/console/members/{woman}/risk", headers=mod)
    assert explained.status_code == 200, explained.text
    body = explained.json()
    assert body["level"] == "high" and body["throttled"] is True
    names = [s["signal"] for s in body["signals"]]
    assert {"account_age", "reports_received", "payment_words", "link_in_texts"} <= set(names)
    assert sum(s["weight"] for s in body["signals"]) == pytest.approx(body["score"], abs=0.01) or (
        body["score"] == 1.0
    )
    reported = next(s for s in body["signals"] if s["signal"] == "reports_received")
    assert reported["detail"] == "1 reports from 1 sources (scam)."
    assert reported["weight"] == pytest.approx(0.25)
    case_view = await client.get(f"/api/v1/console/cases/{system_cases[0].id}", headers=mod)
    assert case_view.json()["risk"]["level"] == "high"

    # Throttled: one "interested" a day.
    first = await client.post(
        f"/api/v1/matches/{matches[0]['id']}/outcome", json={"outcome": "interested"}, headers=her
    )
    assert first.status_code == 200, first.text
    second = await client.post(
        f"/api/v1/matches/{matches[1]['id']}/outcome", json={"outcome": "interested"}, headers=her
    )
    assert second.status_code == 429 and "reviewed" in second.json()["detail"]

    # A moderator clears her: the throttle goes, until newer evidence comes.
    cleared = await client.post(
        f"/api/v1/console/members/{woman}/risk/clear", json={"reason": "Called her"}, headers=mod
    )
    assert cleared.status_code == 200 and cleared.json()["throttled"] is False
    assert cleared.json()["reviewed_at"]
    async with runtime.db.unit_of_work() as session:
        user = await session.get(User, woman)
        assert user is not None
        rescored = await risk.recompute(session, runtime.settings, user.tenant_id, woman)
        assert rescored is not None and rescored.level == "high" and rescored.throttled is False
    again = await client.post(
        f"/api/v1/matches/{matches[1]['id']}/outcome", json={"outcome": "interested"}, headers=her
    )
    assert again.status_code == 200, again.text
    # New evidence after the clearing (another member reports her) throttles her again.
    second_man = await headers_for(client, runtime, men[1])
    await client.get("/api/v1/matches/today", headers=second_man)
    newer = await report(client, second_man, "member", woman, "fake_profile")
    assert newer.status_code == 201
    rethrottled = await risk_of(runtime, woman)
    assert rethrottled is not None and rethrottled.throttled is True
    assert (
        await client.get(f"/api/v1/console/members/{uuid.uuid4()}/risk", headers=mod)
    ).status_code == 404
    del moderator


async def test_the_job_rescores_new_and_reported_members(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    assert tasks.RECOMPUTE_RISK_JOB in registered_jobs()
    entry = next(e for e in schedule(runtime.settings) if e.job == tasks.RECOMPUTE_RISK_JOB)
    assert entry.when.seconds == 1800  # type: ignore[attr-defined]

    scammer = await create_member(runtime, **SCAM_ANSWERS)
    quiet = await create_member(runtime, name="Quiet")
    old = await create_member(runtime, name="Old")
    await age_account(runtime, old, 400)
    moderator = await create_user(runtime, role="moderator")
    assert await risk_of(runtime, scammer) is None

    await tasks.recompute_risk(runtime, {})
    scored = await risk_of(runtime, scammer)
    assert scored is not None and scored.level == "medium"
    assert {"payment_words", "account_age"} <= {s["signal"] for s in scored.signals}
    quiet_score = await risk_of(runtime, quiet)
    assert quiet_score is not None and quiet_score.level == "low"
    assert await risk_of(runtime, old) is None  # not new, never reported, never scored
    assert await risk_of(runtime, moderator.id) is None  # staff are not scored

    # One member by payload: the scammer is reported meanwhile, then rescored alone.
    async with runtime.db.unit_of_work() as session:
        user = await session.get(User, scammer)
        assert user is not None
        session.add(
            Report(
                tenant_id=user.tenant_id,
                reporter_id=quiet,
                subject_type="member",
                subject_id=scammer,
                subject_user_id=scammer,
                category="scam",
                severity=2,
                due_at=datetime.now(UTC) + timedelta(days=1),
            )
        )
        tenant_id = user.tenant_id
    await tasks.recompute_risk(runtime, {"tenant_id": str(tenant_id), "user_id": str(scammer)})
    rescored = await risk_of(runtime, scammer)
    assert rescored is not None and rescored.level == "high" and rescored.throttled
    assert "reports_received" in {s["signal"] for s in rescored.signals}
