"""The signals of the fraud / fake-profile risk score, each with a weight and a sentence.

Every signal reads one domain through its service: account age (accounts), initiation
velocity (matching), photos reused across accounts (profiles), one phone on several
accounts, reports received (weighted by category, one vote per reporter), failed
verifications, and links, phone numbers and payment words in the member's own texts.
Texts come from registered sources (profile answers now; messages plug in later).
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.models import User
from dinner1.core.text import N_
from dinner1.db.types import utcnow
from dinner1.matching import service as matching
from dinner1.profiles import photos
from dinner1.profiles import repository as profiles
from dinner1.safety import repository
from dinner1.safety.moderation import classify


@dataclass(frozen=True)
class Signal:
    """One reason for the score: `message` % `values` is the sentence shown to moderators;
    `at` is when its newest evidence appeared (a cleared member is throttled again only
    by evidence newer than the clearing)."""

    name: str
    weight: float
    message: str
    values: dict[str, Any] = field(default_factory=dict)
    at: datetime | None = None

    @property
    def detail(self) -> str:
        return self.message % self.values

    def to_json(self) -> dict[str, Any]:
        return {
            "signal": self.name,
            "weight": round(self.weight, 3),
            "detail": self.detail,
            "message": self.message,
            "values": self.values,
            "at": self.at.isoformat() if self.at else None,
        }


# One vote per reporter, weighted by the worst category they reported.
REPORT_WEIGHTS = {
    "threats": 0.25,
    "underage": 0.25,
    "sexual_coercion": 0.25,
    "scam": 0.25,
    "fake_profile": 0.2,
    "harassment": 0.15,
    "inappropriate_photos": 0.15,
    "other": 0.05,
}
REPORTS_CAP = 0.5
FAILURE_WINDOW = timedelta(days=30)
URL = re.compile(
    r"(https?://|www\.|\b[\w-]+\.(com|net|org|me|ma|fr|io|link)\b|t\.me/|wa\.me/)", re.I
)
PHONE = re.compile(r"(?:\+|00)?\d(?:[\s.\-/]?\d){7,}")
PAYMENT = re.compile(
    r"\b(western\s*union|moneygram|paypal|bitcoin|btc|crypto|usdt|iban|rib|cash\s*plus|"
    r"wafacash|gift\s*card|carte\s*cadeau|virement|mandat|bank\s*transfer|send\s*money)\b|"
    r"(حوالة|تحويل\s*الفلوس|ويسترن)",
    re.I,
)

TextSource = Callable[[AsyncSession, uuid.UUID, uuid.UUID], Awaitable[list[str]]]
_TEXT_SOURCES: dict[str, TextSource] = {}


def register_text_source(name: str, source: TextSource) -> None:
    """Texts the member wrote themselves (messages will register here)."""
    _TEXT_SOURCES[name] = source


async def profile_answers(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> list[str]:
    profile = await profiles.get_profile(session, tenant_id, user_id)
    return list((profile.answers or {}).values()) if profile is not None else []


register_text_source("profile_answers", profile_answers)


def account_age(user: User, now: datetime) -> list[Signal]:
    days = (now - user.created_at).days
    if days < 1:
        return [Signal("account_age", 0.15, N_("The account is less than a day old."))]
    if days < 7:
        return [
            Signal("account_age", 0.08, N_("The account is %(days)s days old."), {"days": days})
        ]
    return []


async def initiation_velocity(session: AsyncSession, user: User, now: datetime) -> list[Signal]:
    """Saying "interested" to nearly everyone, fast, is how scammers fish."""
    days = max(1, min(7, (now - user.created_at).days))
    since = now - timedelta(days=days)
    times = await matching.interests_since(session, user.tenant_id, user.id, since)
    shown = await matching.proposals_since(
        session, user.tenant_id, user.id, date.fromordinal(since.toordinal())
    )
    rate = len(times) / days
    accepts_all = shown >= 6 and len(times) >= 0.95 * shown
    weight = 0.15 if rate >= 2.5 or accepts_all else 0.08 if rate >= 1.5 else 0.0
    if not weight:
        return []
    values = {"count": len(times), "shown": shown, "days": days}
    message = N_("Said “interested” to %(count)s of %(shown)s matches in %(days)s days.")
    return [Signal("initiation_velocity", weight, message, values, times[-1] if times else None)]


async def photo_reuse(session: AsyncSession, user: User) -> list[Signal]:
    flagged, others = await photos.photo_reuse(session, user.tenant_id, user.id)
    if not flagged and not others:
        return []
    weight = min(0.4, 0.3 + 0.05 * max(0, others - 1))
    values = {"flagged": flagged, "others": others}
    message = N_(
        "%(flagged)s photos were flagged as used on another account; %(others)s other "
        "accounts hold an identical photo."
    )
    return [Signal("duplicate_photos", weight, message, values)]


async def shared_phone(session: AsyncSession, user: User) -> list[Signal]:
    if not user.phone_hash:
        return []
    count = await repository.accounts_with_phone_hash(
        session, user.tenant_id, user.phone_hash, user.id
    )
    if not count:
        return []
    weight = min(0.35, 0.25 + 0.05 * (count - 1))
    message = N_("The same phone number is on %(count)s other accounts.")
    return [Signal("shared_phone", weight, message, {"count": count}, user.phone_verified_at)]


async def reports_received(session: AsyncSession, user: User) -> list[Signal]:
    found = [
        r
        for r in await repository.reports_about(session, user.tenant_id, user.id, limit=200)
        if r.status != "dismissed"
        and r.category in REPORT_WEIGHTS
        and not (r.source == "system" and r.category == "fake_profile")
    ]
    if not found:
        return []
    votes: dict[str, float] = {}
    for report in found:
        voter = str(report.reporter_id or f"system:{report.id}")
        votes[voter] = max(votes.get(voter, 0.0), REPORT_WEIGHTS[report.category])
    categories = ", ".join(sorted({r.category for r in found}))
    values = {"count": len(found), "reporters": len(votes), "categories": categories}
    message = N_("%(count)s reports from %(reporters)s sources (%(categories)s).")
    newest = max(r.created_at for r in found)
    return [
        Signal("reports_received", min(REPORTS_CAP, sum(votes.values())), message, values, newest)
    ]


async def failed_verifications(
    session: AsyncSession, user: User, now: datetime, max_attempts: int
) -> list[Signal]:
    codes = await repository.phone_codes(session, user.tenant_id, user.id, now - FAILURE_WINDOW)
    wrong = sum(c.attempts if c.used_at is None else max(0, c.attempts - 1) for c in codes)
    exhausted = sum(1 for c in codes if c.attempts >= max_attempts)
    selfies = [
        s
        for s in await repository.selfies_of(session, user.tenant_id, user.id)
        if s.status == "rejected"
    ]
    weight = min(0.3, 0.03 * max(0, wrong - 2) + 0.05 * exhausted + 0.15 * len(selfies))
    if not weight:
        return []
    moments = [c.updated_at for c in codes if c.attempts] + [s.updated_at for s in selfies]
    values = {"codes": wrong, "selfies": len(selfies)}
    message = N_("%(codes)s wrong phone codes and %(selfies)s rejected selfies.")
    return [Signal("failed_verifications", weight, message, values, max(moments, default=None))]


def _labels_of(texts: list[str]) -> set[str]:
    return {str(label) for text in texts for label in classify(text).labels}


async def own_texts(session: AsyncSession, user: User) -> list[Signal]:
    texts = [
        text
        for source in _TEXT_SOURCES.values()
        for text in await source(session, user.tenant_id, user.id)
    ]
    joined = "\n".join(texts)
    if not joined.strip():
        return []
    labels = await asyncio.to_thread(_labels_of, texts)
    found: list[Signal] = []
    if URL.search(joined):
        found.append(Signal("link_in_texts", 0.15, N_("Their own texts contain a link.")))
    if PHONE.search(joined) or "off_platform" in labels:
        found.append(
            Signal("contact_in_texts", 0.15, N_("Their own texts contain contact details."))
        )
    if PAYMENT.search(joined) or "scam" in labels:
        found.append(
            Signal("payment_words", 0.2, N_("Their own texts talk about money or payments."))
        )
    return found


async def collect(session: AsyncSession, user: User, max_code_attempts: int) -> list[Signal]:
    """Every signal that fires for this member, strongest first."""
    now = utcnow()
    signals = [
        *account_age(user, now),
        *await initiation_velocity(session, user, now),
        *await photo_reuse(session, user),
        *await shared_phone(session, user),
        *await reports_received(session, user),
        *await failed_verifications(session, user, now, max_code_attempts),
        *await own_texts(session, user),
    ]
    return sorted(signals, key=lambda s: -s.weight)
