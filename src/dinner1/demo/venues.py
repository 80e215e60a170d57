"""Demo venues: 36 cafés, restaurants and tea houses in Casablanca, Rabat and Marrakech,
with opening hours, features, photos, and a month of upcoming dead-hour deals."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Callable
from datetime import date, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.auth import Principal
from dinner1.accounts.models import User
from dinner1.core.storage import MediaStorage
from dinner1.deals import service as deals
from dinner1.deals.schemas import RuleIn, Terms
from dinner1.demo.pictures import venue_pictures
from dinner1.venues import service as venues
from dinner1.venues.models import Venue
from dinner1.venues.photos import encode_variants, store_photo
from dinner1.venues.schemas import ReviewIn, VenueIn

_NAMES = {
    "casablanca": [
        "Café de la Corniche",
        "Dar Dada",
        "La Sqala",
        "Le Petit Rocher",
        "Café Maure",
        "Bab Marrakech",
        "Rick's Table",
        "Al Mounia",
        "Le Cabestan Terrasse",
        "Pâtisserie Bennis",
        "Café Lapérouse",
        "Dar Beida",
    ],
    "rabat": [
        "Dar Naji",
        "Café Maure des Oudayas",
        "Le Dhow",
        "Ty Potes",
        "Cosmopolitan",
        "Dinarjat",
        "La Koutoubia",
        "Café Jasmin",
        "Paul Agdal",
        "Le Grand Comptoir",
        "Dar Shaeir",
        "Tea Corner Hassan",
    ],
    "marrakech": [
        "Café des Épices",
        "Nomad",
        "Dar Cherifa",
        "Le Jardin",
        "Café Clock",
        "Terrasse des Arts",
        "Dar Yacout",
        "Atay Café",
        "Kabana",
        "Al Fassia",
        "Le Tanjia",
        "Café Kif-Kif",
    ],
}
_CENTRES = {
    "casablanca": (33.5895, -7.6200),
    "rabat": (34.0209, -6.8416),
    "marrakech": (31.6258, -7.9891),
}
_CATEGORIES = ["cafe", "restaurant", "tea_house", "restaurant", "cafe", "rooftop"]
_BLURBS = {
    "fr": "Une adresse chaleureuse pour un thé, un tajine ou un premier rendez-vous tranquille.",
    "en": "A warm place for tea, a tagine or a quiet first date.",
    "ar": "مكان دافئ لكأس شاي أو طاجين أو موعد أول هادئ.",
}


def _principal(user: User) -> Principal:
    return Principal(
        user_id=user.id,
        tenant_id=user.tenant_id,
        email=user.email,
        display_name=user.display_name,
        date_of_birth=user.date_of_birth,
        role=user.role,
        locale=user.locale,
        is_verified=True,
        created_at=user.created_at,
        via="token",
    )


def venue_input(rng: random.Random, city: str, name: str) -> VenueIn:
    lat, lon = _CENTRES[city]
    category = rng.choice(_CATEGORIES)
    opening = (
        [["08:00", "23:00"]]
        if category in ("cafe", "tea_house")
        else [["12:00", "15:30"], ["19:00", "23:30"]]
        if category == "restaurant"
        else [["16:00", "23:59"]]
    )
    features = [
        f
        for f in (
            "halal",
            "alcohol_free",
            "vegetarian",
            "terrace",
            "family",
            "quiet",
            "wifi",
            "wheelchair",
        )
        if rng.random() < 0.45
    ]
    if "halal" not in features and rng.random() < 0.6:
        features.append("halal")
    return VenueIn.model_validate(
        {
            "name": name,
            "category": category,
            "description": _BLURBS,
            "address": f"{rng.randint(1, 200)} {rng.choice(['Boulevard', 'Rue', 'Avenue'])} "
            f"{rng.choice(['Mohammed V', 'Hassan II', 'de France', 'Zerktouni'])}",
            "city": city,
            "lat": round(lat + rng.gauss(0, 0.02), 5),
            "lon": round(lon + rng.gauss(0, 0.02), 5),
            "capacity": rng.choice([24, 40, 60, 90]),
            "average_price_minor": rng.choice([6000, 9000, 12000, 18000, 25000]),
            "features": features,
            "hours": {str(d): opening for d in range(7)},
            "busy_hours": {str(d): [13, 20, 21] for d in range(7)},
        }
    )


async def load_demo_venues(
    session: AsyncSession, owners: list[User], admin: User, seed: int, today: date
) -> list[Venue]:
    """Every demo venue, approved, with a month of upcoming deals; owners[i % n] runs the
    i-th (so the first owner's first venue comes first)."""
    rng = random.Random(seed + 2)  # noqa: S311 - reproducible demo data, not security
    created: list[Venue] = []
    listing = [(city, name) for city, names in _NAMES.items() for name in names]
    for index, (city, name) in enumerate(listing):
        owner = owners[index % len(owners)]
        venue = await venues.create_venue(session, _principal(owner), venue_input(rng, city, name))
        await venues.review_venue(
            session, _principal(admin), venue.id, ReviewIn(decision="approve")
        )
        await _post_deals(session, owner, venue.id, venue.category, rng, today)
        created.append(venue)
    return created


async def _post_deals(
    session: AsyncSession,
    owner: User,
    venue_id: uuid.UUID,
    category: str,
    rng: random.Random,
    today: date,
) -> None:
    if category == "restaurant":
        start, end = time(19, 0), time(20, 30)
    elif category == "rooftop":
        start, end = time(17, 0), time(19, 0)
    else:
        start, end = time(15, 0), time(17, 30)
    rule = RuleIn(
        weekdays=rng.sample(range(7), 3),
        start=start,
        end=end,
        first_day=today + timedelta(days=1),
        weeks=4,
        terms=Terms(
            seats=rng.choice([6, 8, 12]),
            percent_off=rng.choice([20, 25, 30, 40]),
            offer={
                "fr": "Réduction heures calmes",
                "en": "Quiet-hours discount",
                "ar": "تخفيض ساعات الهدوء",
            },
        ),
    )
    await deals.post_rule(session, _principal(owner), venue_id, rule)


# Captions in the owner's language, by picture.
CAPTIONS = {
    "dining_room": {"fr": "La salle", "en": "The dining room", "ar": "قاعة الطعام"},
    "zellige": {"fr": "Nos zelliges", "en": "Our zellige", "ar": "زليجنا"},
    "tea": {"fr": "Le thé à la menthe", "en": "Mint tea", "ar": "الشاي بالنعناع"},
    "terrace": {
        "fr": "La terrasse au coucher du soleil",
        "en": "The terrace at sunset",
        "ar": "الشرفة عند الغروب",
    },
}


async def add_demo_photos(
    session: AsyncSession,
    storage: MediaStorage,
    listing: list[Venue],
    owners: list[User],
    seed: int,
    progress: Callable[[], None],
) -> int:
    """Two to four drawn photos per venue, stored like uploads (full WebP and thumbnail)."""
    added = 0
    for index, venue in enumerate(listing):
        locale = owners[index % len(owners)].locale or "fr"
        pictures = venue_pictures(venue.name, venue.category, seed)
        for position, (kind, picture) in enumerate(pictures):
            image = await asyncio.to_thread(encode_variants, picture)
            caption = CAPTIONS[kind].get(locale, CAPTIONS[kind]["fr"])
            await store_photo(session, storage, venue, image, position=position, caption=caption)
            added += 1
        progress()
    await session.flush()
    return added
