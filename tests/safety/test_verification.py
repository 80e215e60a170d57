"""Verification through the API: a phone proved by a one-time SMS code (attempts, lock,
expiry, encryption), the selfie-with-pose check reviewed by a moderator (the verified
badge), and "only verified members may show interest in me"."""

from __future__ import annotations

import asyncio
import random
import re
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from PIL import Image
from sqlalchemy import select, text, update

from dinner1.accounts.models import PhoneVerification, User
from dinner1.core.errors import ValidationFailed
from dinner1.mail.models import OutboxSms
from dinner1.runtime import Runtime
from dinner1.safety.phones import mask, normalize_phone
from dinner1.safety.verification import RESEND_COOLDOWN_SECONDS
from tests.fixtures.factories import bearer, create_user, login
from tests.media.generated_images import encode, scene
from tests.safety.cast import actions_on, mails, matched_pair, risk_of, staff, user_row

PHONE = "06 12 34 56 78"
E164 = "+212612345678"


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("06 12 34 56 78", "MA", "+212612345678"),
        ("0612-345-678", "MA", "+212612345678"),
        ("+212 6 12 34 56 78", "FR", "+212612345678"),
        ("00212 06 12 34 56 78", "MA", "+212612345678"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+33 6 12 34 56 78", "MA", "+33612345678"),
        ("+44 7911 123456", "MA", "+447911123456"),
    ],
)
def test_phone_numbers_are_normalized(raw: str, country: str, expected: str) -> None:
    assert normalize_phone(raw, country) == expected


@pytest.mark.parametrize("raw", ["12", "06 12 34", "+212 1 23 45 67 89", "call me", "0" * 20])
def test_bad_phone_numbers_are_refused(raw: str) -> None:
    with pytest.raises(ValidationFailed):
        normalize_phone(raw)


def test_a_masked_number_cannot_be_dialled() -> None:
    masked = mask(E164)
    assert masked.startswith("+2126") and masked.endswith("78") and "3456" not in masked


async def member(
    client: httpx.AsyncClient, runtime: Runtime, **extra: object
) -> tuple[User, dict[str, str]]:
    user = await create_user(runtime, **extra)  # type: ignore[arg-type]
    return user, bearer(await login(client, user.email))


async def sent_code(runtime: Runtime, user_id: uuid.UUID) -> tuple[str, OutboxSms]:
    async with runtime.db.sessionmaker() as session:
        sms = (
            await session.execute(
                select(OutboxSms)
                .where(OutboxSms.user_id == user_id)
                .order_by(OutboxSms.created_at.desc())
                .limit(1)
            )
        ).scalar_one()
    found = re.search(r"\b(\d{6})\b", sms.body)
    assert found, sms.body
    return found.group(1), sms


async def allow_resend(runtime: Runtime, user_id: uuid.UUID) -> None:
    async with runtime.db.unit_of_work() as session:
        await session.execute(
            update(PhoneVerification)
            .where(PhoneVerification.user_id == user_id)
            .values(created_at=datetime.now(UTC) - timedelta(minutes=2))
        )


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_the_right_code_verifies_a_phone_stored_encrypted(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user, headers = await member(client, runtime)
    sent = await client.post("/api/v1/verification/phone", json={"phone": PHONE}, headers=headers)
    assert sent.status_code == 202, sent.text
    assert sent.json()["phone"] == mask(E164)
    assert sent.json()["resend_after_seconds"] == RESEND_COOLDOWN_SECONDS
    code, sms = await sent_code(runtime, user.id)
    assert sms.to_number == E164 and sms.kind == "phone_code" and sms.status == "held"
    assert "Dinner1" in sms.body and "10 minutes" in sms.body

    confirmed = await client.post(
        "/api/v1/verification/phone/confirm",
        json={"code": f"{code[:3]} {code[3:]}"},
        headers=headers,
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["phone_verified"] is True and confirmed.json()["phone"] == mask(E164)
    row = await user_row(runtime, user.id)
    assert row.phone == E164 and row.phone_verified_at is not None and row.phone_hash
    async with runtime.db.engine.connect() as connection:
        uid = user.id.hex if runtime.settings.is_sqlite else user.id
        raw_user = (
            await connection.execute(
                text("SELECT phone, phone_hash FROM users WHERE id = :id"), {"id": uid}
            )
        ).one()
        raw_codes = (
            await connection.execute(
                text("SELECT phone, code_hash FROM phone_verifications WHERE user_id = :id"),
                {"id": uid},
            )
        ).all()
        raw_sms = (
            await connection.execute(
                text("SELECT to_number, body FROM outbox_sms WHERE user_id = :id"), {"id": uid}
            )
        ).one()
    stored = " ".join(str(v) for v in (*raw_user, *raw_codes[0], *raw_sms))
    for plain in (E164, "612345678", code):
        assert plain not in stored
    # The code was used: it cannot be used twice.
    reused = await client.post(
        "/api/v1/verification/phone/confirm", json={"code": code}, headers=headers
    )
    assert reused.status_code == 409


async def test_wrong_codes_count_and_lock_after_the_maximum(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user, headers = await member(client, runtime)
    limit = runtime.settings.safety.phone_code_attempts
    await client.post("/api/v1/verification/phone", json={"phone": PHONE}, headers=headers)
    code, _ = await sent_code(runtime, user.id)
    for attempt in range(1, limit + 1):
        response = await client.post(
            "/api/v1/verification/phone/confirm", json={"code": wrong(code)}, headers=headers
        )
        assert response.status_code == 422, response.text
        assert response.json()["type"].endswith("wrong-code")
        assert response.json()["attempts_left"] == limit - attempt
    async with runtime.db.sessionmaker() as session:
        [stored] = (
            await session.execute(
                select(PhoneVerification).where(PhoneVerification.user_id == user.id)
            )
        ).scalars()
        assert stored.attempts == limit
    locked = await client.post(
        "/api/v1/verification/phone/confirm", json={"code": code}, headers=headers
    )
    assert locked.status_code == 429 and "new one" in locked.json()["detail"]
    assert (await user_row(runtime, user.id)).phone_verified_at is None
    # The failures feed the risk score.
    assessment = await risk_of(runtime, user.id)
    assert assessment is not None
    assert "failed_verifications" in {s["signal"] for s in assessment.signals}

    # Too soon for another code; after the cooldown a new code works.
    soon = await client.post("/api/v1/verification/phone", json={"phone": PHONE}, headers=headers)
    assert soon.status_code == 429 and int(soon.headers["Retry-After"]) > 0
    await allow_resend(runtime, user.id)
    again = await client.post("/api/v1/verification/phone", json={"phone": PHONE}, headers=headers)
    assert again.status_code == 202
    fresh, _ = await sent_code(runtime, user.id)
    done = await client.post(
        "/api/v1/verification/phone/confirm", json={"code": fresh}, headers=headers
    )
    assert done.status_code == 200 and done.json()["phone_verified"] is True


async def test_an_expired_code_is_refused(client: httpx.AsyncClient, runtime: Runtime) -> None:
    user, headers = await member(client, runtime)
    await client.post("/api/v1/verification/phone", json={"phone": PHONE}, headers=headers)
    code, _ = await sent_code(runtime, user.id)
    async with runtime.db.unit_of_work() as session:
        await session.execute(
            update(PhoneVerification)
            .where(PhoneVerification.user_id == user.id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    expired = await client.post(
        "/api/v1/verification/phone/confirm", json={"code": code}, headers=headers
    )
    assert expired.status_code == 410 and expired.json()["type"].endswith("code-expired")
    assert (await user_row(runtime, user.id)).phone_verified_at is None


async def test_bad_phone_requests_are_refused_clearly(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _, headers = await member(client, runtime)
    no_code = await client.post(
        "/api/v1/verification/phone/confirm", json={"code": "123456"}, headers=headers
    )
    assert no_code.status_code == 409 and "code first" in no_code.json()["detail"]
    bad = await client.post("/api/v1/verification/phone", json={"phone": "hello"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "phone"]
    huge = await client.post(
        "/api/v1/verification/phone", json={"phone": "6" * 100_000}, headers=headers
    )
    assert huge.status_code in (413, 422)
    country = await client.post(
        "/api/v1/verification/phone", json={"phone": PHONE, "country": "XX"}, headers=headers
    )
    assert country.status_code == 422
    assert (
        await client.post("/api/v1/verification/phone", json={"phone": PHONE})
    ).status_code == 401


async def test_a_french_number_is_read_with_the_country_given(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user, headers = await member(client, runtime, locale="fr")
    sent = await client.post(
        "/api/v1/verification/phone", json={"phone": PHONE, "country": "FR"}, headers=headers
    )
    assert sent.status_code == 202
    code, sms = await sent_code(runtime, user.id)
    assert sms.to_number == "+33612345678" and code in sms.body


def selfie_file() -> dict[str, tuple[str, bytes, str]]:
    return {"photo": ("selfie.jpg", encode(scene(42, (480, 640)), "JPEG"), "image/jpeg")}


async def take_selfie(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, str]:
    pose = await client.post("/api/v1/verification/selfie/pose", headers=headers)
    assert pose.status_code == 200, pose.text
    assert pose.json()["instruction"] and pose.json()["status"] == "requested"
    sent = await client.post("/api/v1/verification/selfie", files=selfie_file(), headers=headers)
    assert sent.status_code == 201, sent.text
    assert sent.json()["status"] == "submitted" and sent.json()["pose"] == pose.json()["pose"]
    result: dict[str, str] = sent.json()
    return result


async def test_an_approved_selfie_gives_the_verified_badge(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    moderator, mod = await staff(client, runtime)
    pair = await matched_pair(client, runtime)
    early = await client.post(
        "/api/v1/verification/selfie", files=selfie_file(), headers=pair.him.headers
    )
    assert early.status_code == 409 and "pose first" in early.json()["detail"]
    selfie = await take_selfie(client, pair.him.headers)
    waiting = (await client.get("/api/v1/console/selfies", headers=mod)).json()
    assert [(s["id"], s["user_id"]) for s in waiting] == [(selfie["id"], str(pair.him.id))]
    assert waiting[0]["image_url"] and waiting[0]["pose_text"]
    # Members cannot review selfies, their own or anyone's.
    assert (
        await client.post(
            f"/api/v1/console/selfies/{selfie['id']}/approve", headers=pair.him.headers
        )
    ).status_code == 403

    approved = await client.post(f"/api/v1/console/selfies/{selfie['id']}/approve", headers=mod)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert (await user_row(runtime, pair.him.id)).identity_verified_at is not None
    status = (await client.get("/api/v1/verification", headers=pair.him.headers)).json()
    assert status["identity_verified"] is True and status["selfie"]["status"] == "approved"
    [match] = [
        m
        for m in (await client.get("/api/v1/matches/today", headers=pair.her.headers)).json()
        if m["person"]["user_id"] == str(pair.him.id)
    ]
    assert match["person"]["verified"] is True
    assert (await client.get("/api/v1/console/selfies", headers=mod)).json() == []
    twice = await client.post(f"/api/v1/console/selfies/{selfie['id']}/approve", headers=mod)
    assert twice.status_code == 409
    assert len(await mails(runtime, pair.him.id, "selfie_approved")) == 1
    async with runtime.db.sessionmaker() as session:
        from dinner1.safety.models import ModerationAction

        audit = (
            await session.execute(
                select(ModerationAction).where(ModerationAction.target_user_id == pair.him.id)
            )
        ).scalars()
        assert [(a.action, a.moderator_id) for a in audit] == [("approve_selfie", moderator.id)]
    already = await client.post("/api/v1/verification/selfie/pose", headers=pair.him.headers)
    assert already.status_code == 409


async def test_a_rejected_selfie_says_why_and_can_be_retaken(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _, mod = await staff(client, runtime)
    user, headers = await member(client, runtime)
    selfie = await take_selfie(client, headers)
    no_reason = await client.post(
        f"/api/v1/console/selfies/{selfie['id']}/reject", json={}, headers=mod
    )
    assert no_reason.status_code == 422
    rejected = await client.post(
        f"/api/v1/console/selfies/{selfie['id']}/reject",
        json={"reason": "The pose does not match."},
        headers=mod,
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    status = (await client.get("/api/v1/verification", headers=headers)).json()
    assert status["identity_verified"] is False
    assert status["selfie_reason"] == "The pose does not match."
    [notice] = await mails(runtime, user.id, "selfie_rejected")
    assert "The pose does not match." in notice.text_body
    assessment = await risk_of(runtime, user.id)
    assert assessment is not None
    assert "failed_verifications" in {s["signal"] for s in assessment.signals}
    retry = await take_selfie(client, headers)
    assert retry["id"] != selfie["id"]


async def test_require_verification_is_lifted_by_an_approved_selfie(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _, mod = await staff(client, runtime)
    pair = await matched_pair(client, runtime)
    made = await client.post(
        "/api/v1/reports",
        json={"subject_type": "member", "subject_id": str(pair.him.id), "category": "fake_profile"},
        headers=pair.her.headers,
    )
    case_id = made.json()["id"]
    acted = await client.post(
        f"/api/v1/console/cases/{case_id}/actions",
        json={"action": "require_verification"},
        headers=mod,
    )
    assert acted.status_code == 200
    assert [a.action for a in await actions_on(runtime, case_id)] == ["require_verification"]
    his = (await client.get("/api/v1/matches/today", headers=pair.him.headers)).json()
    [to_her] = [m for m in his if m["person"]["user_id"] == str(pair.her.id)]
    outcome = f"/api/v1/matches/{to_her['id']}/outcome"
    gated = await client.post(outcome, json={"outcome": "interested"}, headers=pair.him.headers)
    assert gated.status_code == 403 and gated.json()["type"].endswith("verification-required")
    selfie = await take_selfie(client, pair.him.headers)
    await client.post(f"/api/v1/console/selfies/{selfie['id']}/approve", headers=mod)
    row = await user_row(runtime, pair.him.id)
    assert row.verification_required is False and row.identity_verified_at is not None
    allowed = await client.post(outcome, json={"outcome": "interested"}, headers=pair.him.headers)
    assert allowed.status_code == 200, allowed.text


async def test_verified_requests_only_keeps_unverified_members_away(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _, mod = await staff(client, runtime)
    pair = await matched_pair(client, runtime)
    chosen = await client.put(
        "/api/v1/verification/settings",
        json={"verified_requests_only": True},
        headers=pair.her.headers,
    )
    assert chosen.status_code == 200 and chosen.json()["verified_requests_only"] is True
    assert (await user_row(runtime, pair.her.id)).verified_requests_only is True
    his = (await client.get("/api/v1/matches/today", headers=pair.him.headers)).json()
    [to_her] = [m for m in his if m["person"]["user_id"] == str(pair.her.id)]
    assert to_her["person"]["verified_requests_only"] is True
    outcome = f"/api/v1/matches/{to_her['id']}/outcome"
    refused = await client.post(outcome, json={"outcome": "interested"}, headers=pair.him.headers)
    assert refused.status_code == 403, refused.text
    assert refused.json()["type"].endswith("verified-members-only")
    assert "Amina" in refused.json()["detail"]
    # A pass is always allowed; an interest once he is verified.
    selfie = await take_selfie(client, pair.him.headers)
    await client.post(f"/api/v1/console/selfies/{selfie['id']}/approve", headers=mod)
    allowed = await client.post(outcome, json={"outcome": "interested"}, headers=pair.him.headers)
    assert allowed.status_code == 200, allowed.text

    # Turned off, the rule no longer applies to anyone.
    other = await matched_pair(client, runtime, his_name="Unverified")
    await client.put(
        "/api/v1/verification/settings",
        json={"verified_requests_only": False},
        headers=other.her.headers,
    )
    theirs = (await client.get("/api/v1/matches/today", headers=other.him.headers)).json()
    [to_other] = [m for m in theirs if m["person"]["user_id"] == str(other.her.id)]
    fine = await client.post(
        f"/api/v1/matches/{to_other['id']}/outcome",
        json={"outcome": "interested"},
        headers=other.him.headers,
    )
    assert fine.status_code == 200
    bad = await client.put(
        "/api/v1/verification/settings",
        json={"verified_requests_only": "maybe"},
        headers=pair.her.headers,
    )
    assert bad.status_code == 422


async def test_parallel_guesses_get_no_more_attempts_than_the_maximum(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user, headers = await member(client, runtime)
    limit = runtime.settings.safety.phone_code_attempts
    await client.post("/api/v1/verification/phone", json={"phone": PHONE}, headers=headers)
    code, _ = await sent_code(runtime, user.id)
    guesses = [f"{(int(code) + n) % 1_000_000:06d}" for n in range(1, 4 * limit + 1)]
    answers = await asyncio.gather(
        *(
            client.post("/api/v1/verification/phone/confirm", json={"code": guess}, headers=headers)
            for guess in guesses
        )
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(422) == limit, statuses
    assert set(statuses) == {422, 429}
    async with runtime.db.sessionmaker() as session:
        stored = (
            await session.execute(
                select(PhoneVerification).where(PhoneVerification.user_id == user.id)
            )
        ).scalar_one()
    assert stored.attempts == limit


async def test_a_phone_sized_selfie_is_accepted(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _, headers = await member(client, runtime)
    await client.post("/api/v1/verification/selfie/pose", headers=headers)
    noise = Image.frombytes("RGB", (1600, 1600), random.Random(7).randbytes(1600 * 1600 * 3))
    data = encode(noise, "JPEG", quality=95)
    assert len(data) > 2 * 1024 * 1024
    sent = await client.post(
        "/api/v1/verification/selfie",
        files={"photo": ("selfie.jpg", data, "image/jpeg")},
        headers=headers,
    )
    assert sent.status_code == 201, sent.text
