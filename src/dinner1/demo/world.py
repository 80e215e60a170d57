"""A believable, deterministic demo world: members across three cities, venue owners,
moderators and one admin. The same seed always builds the same world."""

from __future__ import annotations

import random
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.models import Role, User
from dinner1.config import Settings
from dinner1.core.security import hash_password
from dinner1.core.storage import LocalMediaStorage
from dinner1.db.engine import create_engine
from dinner1.db.session import Database
from dinner1.db.types import utcnow
from dinner1.demo.activity import ActivityReport, add_booking_history
from dinner1.demo.history import Diner
from dinner1.demo.names import MEN, SURNAMES, VENUE_OWNERS, WOMEN
from dinner1.demo.safety import grant_demo_consents, open_demo_cases
from dinner1.demo.souls import soul_steps
from dinner1.demo.venues import add_demo_photos, load_demo_venues
from dinner1.matching.clock import local_today
from dinner1.profiles import service as profiles
from dinner1.tenants import repository as tenants

DEMO_DOMAIN = "demo.example.com"
DEMO_PASSWORD = "dinner1-demo-pass"  # noqa: S105 - printed on purpose: demo data only
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
CITIES = (("Casablanca", 0.45), ("Rabat", 0.30), ("Marrakech", 0.25))
LOCALES = (("fr", 0.45), ("ar", 0.35), ("en", 0.20))
# Ages of members follow the shape of the speed-dating participants: mostly 22 to 35.
_AGE_SHAPE = "1 2 4 6 8 9 10 10 9 9 8 7 6 5 5 4 4 3 3 2 2 2 2 1 1 1 1 1 1 1 1 1 1 1 1 1 1"
AGE_WEIGHTS = dict(zip(range(19, 56), map(int, _AGE_SHAPE.split()), strict=True))


@dataclass
class DemoReport:
    created: bool
    members: int
    credentials: list[tuple[str, str, str]] = field(default_factory=list)
    # What was written this time (None when the world was already there).
    activity: ActivityReport | None = None


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_text.lower().replace(" ", "-") if c.isalnum() or c in "-.")


def _birth_date(rng: random.Random, today: date) -> date:
    age = rng.choices(list(AGE_WEIGHTS), weights=list(AGE_WEIGHTS.values()))[0]
    return today - timedelta(days=age * 365 + rng.randrange(365))


def build_people(seed: int, members: int, today: date) -> list[dict[str, object]]:
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    people: list[dict[str, object]] = [
        {
            "email": ADMIN_EMAIL,
            "name": "Admin",
            "role": Role.ADMIN,
            "locale": "en",
            "city": None,
            "dob": date(1988, 5, 4),
        },
        {
            "email": f"moderator@{DEMO_DOMAIN}",
            "name": "Salma (moderation)",
            "role": Role.MODERATOR,
            "locale": "fr",
            "city": "Casablanca",
            "dob": date(1990, 3, 2),
        },
        {
            "email": f"moderator2@{DEMO_DOMAIN}",
            "name": "Omar (moderation)",
            "role": Role.MODERATOR,
            "locale": "ar",
            "city": "Rabat",
            "dob": date(1987, 9, 14),
        },
    ]
    for first, last, city in VENUE_OWNERS:
        people.append(
            {
                "email": f"{_slug(first)}.{_slug(last)}@owners.{DEMO_DOMAIN}",
                "name": f"{first} {last}",
                "role": Role.VENUE_OWNER,
                "locale": _pick(rng, LOCALES),
                "city": city,
                "dob": _birth_date(rng, today) - timedelta(days=3650),
            }
        )
    for index in range(members):
        first = rng.choice(WOMEN if index % 2 == 0 else MEN)
        last = rng.choice(SURNAMES)
        people.append(
            {
                "email": f"{_slug(first)}.{_slug(last)}.{index + 1}@{DEMO_DOMAIN}",
                "name": first,
                "role": Role.MEMBER,
                "locale": _pick(rng, LOCALES),
                "city": _pick(rng, CITIES),
                "dob": _birth_date(rng, today),
            }
        )
    return people


async def load_demo_world(settings: Settings, *, members: int, seed: int) -> DemoReport:
    from dinner1.matching import embeddings

    # The sentence model exported here is the one `serve` loads next.
    embeddings.use_model_cache(settings.data_dir / "models")
    db = Database(create_engine(settings))
    try:
        return await _load(db, settings, members=members, seed=seed)
    finally:
        await db.dispose()


async def _load(db: Database, settings: Settings, *, members: int, seed: int) -> DemoReport:
    async with db.unit_of_work() as session:
        tenant = await tenants.get_default(session)
        if tenant is None:
            raise RuntimeError("no default tenant; run `dinner1 migrate` first")
        existing = await session.scalar(
            select(func.count()).select_from(User).where(User.email == ADMIN_EMAIL)
        )
        people = build_people(seed, members, date(2026, 1, 1))
        report = DemoReport(created=not existing, members=members, credentials=_credentials(people))
        if existing:
            return report
        with Progress(transient=True) as progress:
            souls, owners, admin = await _add_people(session, tenant.id, people, progress)
            await _add_souls(session, tenant.id, souls, seed, progress)
            report.activity = await _open_venues(
                session, settings, souls, owners, admin, seed, progress
            )
            souls_only = [user for user, _ in souls]
            now = utcnow()
            await grant_demo_consents(session, tenant.id, souls_only, seed, now)
            await open_demo_cases(session, settings, tenant.id, souls_only, seed, now)
    await _embed_answers(db, tenant.id, [u.id for u, _ in souls])
    return report


async def _add_people(
    session: AsyncSession, tenant_id: uuid.UUID, people: list[dict[str, object]], progress: Progress
) -> tuple[list[tuple[User, dict[str, object]]], list[User], User]:
    """Every account, sharing one password hash (argon2 is slow on purpose)."""
    password_hash = await hash_password(DEMO_PASSWORD)
    verified_at = utcnow()
    souls: list[tuple[User, dict[str, object]]] = []
    owners: list[User] = []
    admins: list[User] = []
    task = progress.add_task("Building the demo world", total=len(people))
    for person in people:
        user = User(
            tenant_id=tenant_id,
            email=str(person["email"]),
            password_hash=password_hash,
            display_name=str(person["name"]),
            date_of_birth=person["dob"],
            role=str(person["role"]),
            locale=str(person["locale"]),
            home_city=person["city"],
            email_verified_at=verified_at,
        )
        session.add(user)
        if person["role"] == Role.MEMBER:
            souls.append((user, person))
        elif person["role"] == Role.VENUE_OWNER:
            owners.append(user)
        elif person["role"] == Role.ADMIN:
            admins.append(user)
        progress.advance(task)
    await session.flush()
    return souls, owners, admins[0]


async def _open_venues(
    session: AsyncSession,
    settings: Settings,
    souls: list[tuple[User, dict[str, object]]],
    owners: list[User],
    admin: User,
    seed: int,
    progress: Progress,
) -> ActivityReport:
    """Venues with their deals, drawn photos, and months of bookings by the members."""
    today = local_today("Africa/Casablanca")
    venues_task = progress.add_task("Opening the demo venues", total=None)
    venues = await load_demo_venues(session, owners, admin, seed, today)
    progress.update(venues_task, completed=1, total=1)
    photos_task = progress.add_task("Drawing the venues' photos", total=len(venues))
    storage = LocalMediaStorage(settings.media_dir)
    await add_demo_photos(
        session, storage, venues, owners, seed, lambda: progress.advance(photos_task)
    )
    history_task = progress.add_task("Writing four months of bookings", total=None)
    diners = [
        Diner(user.id, str(person["city"]).lower(), str(person["locale"])) for user, person in souls
    ]
    activity = await add_booking_history(
        session, settings, venues, diners, seed=seed, today=today, now=utcnow()
    )
    progress.update(history_task, completed=1, total=1)
    return activity


async def _add_souls(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    members: list[tuple[User, dict[str, object]]],
    seed: int,
    progress: Progress,
) -> None:
    rng = random.Random(seed + 1)  # noqa: S311 - reproducible demo data, not security
    task = progress.add_task("Writing soul profiles", total=len(members))
    for index, (user, person) in enumerate(members):
        gender = "woman" if index % 2 == 0 else "man"
        age = date(2026, 1, 1).year - user.date_of_birth.year
        city = str(person["city"]).lower()
        for step, body in soul_steps(
            rng, gender=gender, age=age, city=city, locale=str(person["locale"])
        ).items():
            await profiles.save_step(session, tenant_id, user.id, step, body)
        progress.advance(task)


async def _embed_answers(db: Database, tenant_id: uuid.UUID, user_ids: list[uuid.UUID]) -> None:
    """Embed every member's answers now (the job would, one by one, after the load)."""
    from dinner1.matching.tasks import embed_for_members

    await embed_for_members(db, tenant_id, user_ids)


def _credentials(people: list[dict[str, object]]) -> list[tuple[str, str, str]]:
    wanted = {Role.ADMIN: 1, Role.MODERATOR: 1, Role.VENUE_OWNER: 2, Role.MEMBER: 3}
    picked: list[tuple[str, str, str]] = []
    for person in people:
        role = Role(str(person["role"]))
        if wanted.get(role, 0) > 0:
            wanted[role] -= 1
            picked.append((role.value, str(person["email"]), DEMO_PASSWORD))
    return picked


def print_credentials(report: DemoReport) -> None:
    console = Console()
    state = "created" if report.created else "already loaded"
    console.print(f"Demo world {state}: {report.members} members, venue owners, moderators, admin.")
    table = Table(title="Demo logins (every demo account uses the same password)")
    for column in ("role", "email", "password"):
        table.add_column(column)
    for row in report.credentials:
        table.add_row(*row)
    console.print(table)
    if report.activity is not None:
        owner = next(email for role, email, _ in report.credentials if role == Role.VENUE_OWNER)
        console.print(
            f"{report.activity.bookings} bookings over four months, "
            f"{report.activity.reviews} reviews; guests arrive today at "
            f"{report.activity.today_venue} (log in as {owner})."
        )
