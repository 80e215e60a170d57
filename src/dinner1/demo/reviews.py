"""What demo diners write after a meal: short reviews in French, English and Arabic, by how
the evening went. Every text passes the moderation classifier (tests/demo checks)."""

from __future__ import annotations

import random

# locale → band → texts; bands: "good" (4–5 stars), "fair" (3), "poor" (1–2).
REVIEW_TEXTS: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "good": (
            "Accueil chaleureux et thé à la menthe parfait.",
            "Très bon tajine, et l'après-midi était calme comme promis.",
            "Un endroit idéal pour un premier rendez-vous. Nous reviendrons.",
            "Service attentionné, la réduction en plus, que demander de mieux ?",
            "Les pâtisseries étaient fraîches et la terrasse agréable.",
            "Cadre magnifique, zelliges superbes, personnel souriant.",
        ),
        "fair": (
            "Correct, mais un peu d'attente pour être servis.",
            "Bon rapport qualité-prix, la salle était un peu bruyante.",
            "Le thé était bon, les gâteaux moins.",
        ),
        "poor": (
            "Table pas prête à notre arrivée, dommage.",
            "Plats tièdes et service lent ce jour-là.",
        ),
    },
    "en": {
        "good": (
            "Lovely mint tea and a warm welcome.",
            "Quiet afternoon, great food, exactly what we wanted.",
            "Perfect spot for a first date. We will be back.",
            "Friendly staff and the discount made it even better.",
            "Beautiful tiles, fresh pastries, relaxed atmosphere.",
        ),
        "fair": (
            "Decent food, but we waited a while for the bill.",
            "Good value, a little noisy near the kitchen.",
            "The tea was great, the pastries less so.",
        ),
        "poor": (
            "Our table was not ready when we arrived.",
            "Food came lukewarm and service was slow that day.",
        ),
    },
    "ar": {
        "good": (
            "استقبال دافئ وشاي بالنعناع رائع.",
            "أكل لذيذ وجو هادئ كما وعدونا.",
            "مكان مناسب لموعد أول. سنعود بالتأكيد.",
            "خدمة لطيفة والتخفيض جعل الزيارة أجمل.",
        ),
        "fair": (
            "الأكل جيد لكن الانتظار كان طويلا قليلا.",
            "سعر مناسب لكن القاعة كانت مزدحمة.",
        ),
        "poor": (
            "الطاولة لم تكن جاهزة عند وصولنا.",
            "الأكل وصل باردا والخدمة كانت بطيئة.",
        ),
    },
}


def rating_for(rng: random.Random, quality: float) -> int:
    """Stars around the venue's quality (3.4–4.8), rarely far from it."""
    return max(1, min(5, round(rng.gauss(quality, 0.75))))


def review_text(rng: random.Random, locale: str, rating: int) -> str | None:
    """A short text in the diner's language, or none (a quarter rate without writing)."""
    if rng.random() < 0.25:
        return None
    band = "good" if rating >= 4 else "fair" if rating == 3 else "poor"
    return rng.choice(REVIEW_TEXTS.get(locale, REVIEW_TEXTS["fr"])[band])
