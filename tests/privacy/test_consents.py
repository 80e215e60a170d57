"""Consents: nothing granted by default, every change kept as history, and each switch
honoured where the service uses it (semantic matching today; see `Purpose`)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import delete, select

from dinner1.db.types import utcnow
from dinner1.matching.models import DailyMatch
from dinner1.privacy import consents
from dinner1.privacy.consents import Purpose
from dinner1.privacy.models import ConsentRecord
from dinner1.profiles.models import SoulEmbedding
from dinner1.runtime import Runtime
from tests.fixtures.factories import bearer, create_user, login
from tests.fixtures.jobs import run_queued_jobs
from tests.matching.test_daily import MAN
from tests.privacy.people import HER_ANSWERS, HIS_ANSWERS, Person, soul_member


async def records(runtime: Runtime, user_id: uuid.UUID) -> list[ConsentRecord]:
    async with runtime.db.sessionmaker() as session:
        query = (
            select(ConsentRecord)
            .where(ConsentRecord.user_id == user_id)
            .order_by(ConsentRecord.created_at)
        )
        return list((await session.execute(query)).scalars())


def by_purpose(body: list[dict[str, Any]]) -> dict[str, bool]:
    return {item["purpose"]: item["granted"] for item in body}


async def test_nothing_is_granted_until_the_member_says_so_and_history_is_kept(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime)
    headers = bearer(await login(client, user.email))
    initial = (await client.get("/api/v1/privacy/consents", headers=headers)).json()
    assert by_purpose(initial) == {
        "marketing_email": False,
        "analytics": False,
        "semantic_matching": False,
    }
    assert all(item["decided_at"] is None for item in initial)

    url = "/api/v1/privacy/consents"
    granted = await client.put(url, json={"marketing_email": True}, headers=headers)
    assert granted.status_code == 200
    assert by_purpose(granted.json())["marketing_email"] is True
    # Repeating a decision adds nothing; naming no purpose changes nothing.
    await client.put(url, json={"marketing_email": True}, headers=headers)
    await client.put(url, json={}, headers=headers)
    # Withdrawing a consent never given adds nothing either.
    await client.put(url, json={"analytics": False}, headers=headers)
    withdrawn = await client.put(
        url, json={"marketing_email": False, "analytics": True}, headers=headers
    )
    assert by_purpose(withdrawn.json()) == {
        "marketing_email": False,
        "analytics": True,
        "semantic_matching": False,
    }
    history = [(r.purpose, r.granted, r.source) for r in await records(runtime, user.id)]
    assert history[0] == ("marketing_email", True, "api")
    # The last two were one decision (same moment, either order).
    assert sorted(history[1:]) == [("analytics", True, "api"), ("marketing_email", False, "api")]
    shown = (await client.get(url, headers=headers)).json()
    assert by_purpose(shown) == by_purpose(withdrawn.json())
    assert all(item["source"] == "api" for item in shown if item["purpose"] != "semantic_matching")

    unknown = await client.put(url, json={"profiling": True}, headers=headers)
    assert unknown.status_code == 422
    assert (await client.get(url)).status_code == 401


async def test_the_checks_other_domains_use_read_the_latest_decision(runtime: Runtime) -> None:
    """`allows` and `consenting` are the one check marketing mail and analytics must use
    (neither exists yet), and the one matching uses."""
    yes, no, never = [await create_user(runtime) for _ in range(3)]
    tenant = yes.tenant_id
    async with runtime.db.unit_of_work() as session:
        for user, decisions in ((yes, [True]), (no, [True, False])):
            for granted in decisions:
                await consents.record_changes(
                    session,
                    tenant,
                    user.id,
                    {Purpose.MARKETING_EMAIL: granted},
                    source="settings",
                    now=utcnow() + timedelta(seconds=len(decisions) if not granted else 0),
                )
    async with runtime.db.sessionmaker() as session:
        assert await consents.allows(session, tenant, yes.id, Purpose.MARKETING_EMAIL)
        assert not await consents.allows(session, tenant, no.id, Purpose.MARKETING_EMAIL)
        assert not await consents.allows(session, tenant, never.id, Purpose.MARKETING_EMAIL)
        assert not await consents.allows(session, tenant, yes.id, Purpose.ANALYTICS)
        everyone = [yes.id, no.id, never.id]
        assert await consents.consenting(session, tenant, everyone, Purpose.MARKETING_EMAIL) == {
            yes.id
        }
        assert await consents.consenting(session, tenant, everyone, Purpose.ANALYTICS) == set()


async def embedding_of(runtime: Runtime, user_id: uuid.UUID) -> SoulEmbedding | None:
    async with runtime.db.sessionmaker() as session:
        return await session.scalar(select(SoulEmbedding).where(SoulEmbedding.user_id == user_id))


async def components_with(
    client: httpx.AsyncClient, runtime: Runtime, viewer: Person, other: Person
) -> set[str]:
    """The breakdown of a freshly computed match (today's proposals are made anew)."""
    async with runtime.db.unit_of_work() as session:
        await session.execute(delete(DailyMatch).where(DailyMatch.user_id == viewer.id))
    matches = (await client.get("/api/v1/matches/today", headers=viewer.headers)).json()
    [match] = [m for m in matches if m["person"]["user_id"] == str(other.id)]
    return {part["name"] for part in match["breakdown"]}


async def set_semantic(client: httpx.AsyncClient, person: Person, granted: bool) -> None:
    response = await client.put(
        "/api/v1/privacy/consents", json={"semantic_matching": granted}, headers=person.headers
    )
    assert response.status_code == 200, response.text


async def test_semantic_matching_only_with_the_members_consent(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    her = await soul_member(client, runtime, "Salma Idrissi", HER_ANSWERS)
    him = await soul_member(client, runtime, "Omar Chraibi", HIS_ANSWERS, **MAN)
    await run_queued_jobs(runtime)
    # Nobody consented: their words are never embedded nor compared.
    assert await embedding_of(runtime, her.id) is None
    assert "semantic" not in await components_with(client, runtime, her, him)

    await set_semantic(client, him, True)
    await run_queued_jobs(runtime, timeout=120)
    assert await embedding_of(runtime, him.id) is not None
    assert await embedding_of(runtime, her.id) is None
    # His consent is not hers: their pair is still scored without the meaning of words.
    assert "semantic" not in await components_with(client, runtime, her, him)
    assert "semantic" not in await components_with(client, runtime, him, her)

    await set_semantic(client, her, True)
    await run_queued_jobs(runtime, timeout=120)
    assert await embedding_of(runtime, her.id) is not None
    assert "semantic" in await components_with(client, runtime, her, him)
    assert "semantic" in await components_with(client, runtime, him, her)

    await set_semantic(client, her, False)
    # Withdrawn: the embedding is gone when the request returns, not "soon".
    assert await embedding_of(runtime, her.id) is None
    await run_queued_jobs(runtime, timeout=120)
    assert await embedding_of(runtime, her.id) is None
    assert "semantic" not in await components_with(client, runtime, her, him)
    assert "semantic" not in await components_with(client, runtime, him, her)
    # New answers without consent are not embedded either.
    changed = await client.put(
        "/api/v1/profile/onboarding/answers",
        json={"answers": {**HER_ANSWERS, "philosophy": "Kindness first, then everything else."}},
        headers=her.headers,
    )
    assert changed.status_code == 200, changed.text
    await run_queued_jobs(runtime, timeout=120)
    assert await embedding_of(runtime, her.id) is None
