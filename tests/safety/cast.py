"""The people of the trust & safety tests: members who were shown each other, staff, and
small readers of what the database holds (cases, actions, outbox)."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select

from dinner1.accounts.models import User
from dinner1.mail.models import OutboxEmail
from dinner1.runtime import Runtime
from dinner1.safety.models import ModerationAction, Report, RiskAssessment
from tests.fixtures.factories import bearer, create_user, login
from tests.fixtures.profiles import create_member
from tests.matching.test_daily import MAN, headers_for


@dataclass
class Member:
    id: uuid.UUID
    headers: dict[str, str]


@dataclass
class Pair:
    """A woman and a man proposed to each other today (so each may report the other)."""

    her: Member
    him: Member
    match_id: str


# Each pair lives in its own city (all farther apart than the 30 km search radius), so a
# test with several pairs still shows each woman her own man.
CITIES = itertools.cycle(("casablanca", "marrakech", "fes", "tangier", "agadir", "oujda"))


async def matched_pair(
    client: httpx.AsyncClient, runtime: Runtime, *, his_name: str = "Reda"
) -> Pair:
    city = next(CITIES)
    woman = await create_member(runtime, basics={"city": city})
    man = await create_member(runtime, name=his_name, basics={**MAN["basics"], "city": city})
    her = await headers_for(client, runtime, woman)
    him = await headers_for(client, runtime, man)
    matches = (await client.get("/api/v1/matches/today", headers=her)).json()
    [match_id] = [m["id"] for m in matches if m["person"]["user_id"] == str(man)]
    return Pair(Member(woman, her), Member(man, him), match_id)


async def staff(
    client: httpx.AsyncClient, runtime: Runtime, role: str = "moderator", **extra: Any
) -> tuple[User, dict[str, str]]:
    user = await create_user(runtime, role=role, display_name=f"{role.title()}", **extra)
    return user, bearer(await login(client, user.email))


async def report(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    subject_type: str,
    subject_id: uuid.UUID | str,
    category: str = "harassment",
    **extra: Any,
) -> httpx.Response:
    body = {
        "subject_type": subject_type,
        "subject_id": str(subject_id),
        "category": category,
        **extra,
    }
    return await client.post("/api/v1/reports", json=body, headers=headers)


async def case(runtime: Runtime, case_id: str | uuid.UUID) -> Report:
    async with runtime.db.sessionmaker() as session:
        found = await session.get(Report, uuid.UUID(str(case_id)))
        assert found is not None
        return found


async def user_row(runtime: Runtime, user_id: uuid.UUID) -> User:
    async with runtime.db.sessionmaker() as session:
        found = await session.get(User, user_id)
        assert found is not None
        return found


async def actions_on(runtime: Runtime, case_id: str | uuid.UUID) -> list[ModerationAction]:
    async with runtime.db.sessionmaker() as session:
        query = (
            select(ModerationAction)
            .where(ModerationAction.report_id == uuid.UUID(str(case_id)))
            .order_by(ModerationAction.created_at)
        )
        return list((await session.execute(query)).scalars())


async def risk_of(runtime: Runtime, user_id: uuid.UUID) -> RiskAssessment | None:
    async with runtime.db.sessionmaker() as session:
        query = select(RiskAssessment).where(RiskAssessment.user_id == user_id)
        return (await session.execute(query)).scalar_one_or_none()


async def mails(runtime: Runtime, user_id: uuid.UUID, kind: str | None = None) -> list[OutboxEmail]:
    async with runtime.db.sessionmaker() as session:
        query = select(OutboxEmail).where(OutboxEmail.user_id == user_id)
        if kind is not None:
            query = query.where(OutboxEmail.kind == kind)
        return list((await session.execute(query.order_by(OutboxEmail.created_at))).scalars())
