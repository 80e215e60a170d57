"""Soul profiles for demo members: plausible, varied, deterministic.

Shapes follow the speed-dating study (most people rate a handful of activities highly,
values cluster around honesty and kindness, goals skew towards something serious) and
the Moroccan context (halal and Muslim by majority, Darija and French spoken).
"""

from __future__ import annotations

import random
from typing import Any

from dinner1.profiles import taxonomy as tx

_PHILOSOPHY = {
    "en": [
        "Be gentle with people, demanding with yourself.",
        "Small kindnesses, every day.",
        "Life is short; call your mother and eat the good bread.",
    ],
    "fr": [
        "Prendre le temps, toujours. Le reste suit.",
        "Être honnête même quand c'est difficile.",
        "La gentillesse est une force, pas une faiblesse.",
    ],
    "ar": [
        "الحياة قصيرة، فلنعشها بلطف وصدق.",
        "الصبر مفتاح كل شيء جميل.",
        "أن تكون طيبًا مع الناس ومع نفسك.",
    ],
}
_UNDERSTOOD = {
    "en": [
        "someone notices I'm quiet and simply sits with me.",
        "my jokes land and my silences are respected.",
    ],
    "fr": [
        "quelqu'un se souvient d'un détail que j'ai dit il y a des semaines.",
        "on m'écoute jusqu'au bout sans me couper.",
    ],
    "ar": ["يتذكر أحدهم تفصيلًا صغيرًا قلته منذ أسابيع.", "يُصغي إليّ أحدهم دون أن يقاطعني."],
}
_EVENING = {
    "en": [
        "Mint tea on a rooftop in the medina, a book, the call to prayer at sunset.",
        "Cooking a tagine slowly with music on and friends arriving late.",
        "A walk along the corniche, then grilled sardines at the port.",
    ],
    "fr": [
        "Un thé à la menthe sur une terrasse, un livre et le coucher du soleil.",
        "Cuisiner un tajine sans se presser, de la musique, des amis qui arrivent.",
        "Une balade sur la corniche puis des sardines grillées au port.",
    ],
    "ar": [
        "كأس شاي بالنعناع على سطح البيت مع كتاب وغروب الشمس.",
        "طهي طاجين على مهل مع الموسيقى والأصدقاء.",
        "نزهة على الكورنيش ثم سمك مشوي في الميناء.",
    ],
}


def _weighted(rng: random.Random, keys: list[str], weights: list[float], k: int) -> list[str]:
    chosen: list[str] = []
    pool = list(zip(keys, weights, strict=True))
    while pool and len(chosen) < k:
        key = rng.choices([p[0] for p in pool], weights=[p[1] for p in pool])[0]
        chosen.append(key)
        pool = [p for p in pool if p[0] != key]
    return chosen


def soul_steps(
    rng: random.Random, *, gender: str, age: int, city: str, locale: str
) -> dict[str, dict[str, Any]]:
    interest_keys = [c.key for c in tx.INTERESTS]
    popularity = [
        3.0 if k in ("music", "travel", "cinema", "cooking", "coffee", "beach") else 1.0
        for k in interest_keys
    ]
    value_keys = [c.key for c in tx.VALUES]
    value_weights = [
        4.0 if k in ("honesty", "kindness", "family", "respect") else 1.5 for k in value_keys
    ]
    seeking = ["man"] if gender == "woman" else ["woman"]
    lang = locale if locale in _PHILOSOPHY else "en"
    return {
        "basics": {
            "gender": gender,
            "seeking": seeking,
            "age_min": max(18, age - 6),
            "age_max": age + rng.choice([4, 6, 8, 10]),
            "max_distance_km": rng.choice([10, 25, 50]),
            "city": city,
            "languages": _weighted(
                rng,
                ["darija", "fr", "ar", "en", "amazigh", "es"],
                [6, 5, 4, 3, 1, 1],
                rng.randint(2, 3),
            ),
            "relationship_goal": rng.choices(
                ["marriage", "long_term", "open", "friendship_first"], [3, 4, 2, 1]
            )[0],
        },
        "values": {"values_ranked": _weighted(rng, value_keys, value_weights, rng.randint(3, 5))},
        "interests": {"interests": _weighted(rng, interest_keys, popularity, rng.randint(4, 8))},
        "communication": {
            "communication_style": rng.choice([c.key for c in tx.COMMUNICATION_STYLES]),
            "love_language": rng.choice([c.key for c in tx.LOVE_LANGUAGES]),
        },
        "lifestyle": {
            "lifestyle": {q: rng.choice(c).key for q, c in tx.LIFESTYLE.items()},
            "diet": rng.choices(
                [["halal"], ["halal", "no_alcohol"], ["vegetarian"], []], [6, 3, 1, 1]
            )[0],
            "religion": rng.choices(
                ["muslim", "spiritual", "none", "christian", "jewish"], [14, 2, 2, 1, 1]
            )[0],
            "religion_importance": rng.choices([0, 1, 2, 3], [2, 3, 4, 1])[0],
            "smoking": rng.choices(["never", "sometimes", "often"], [7, 2, 1])[0],
            "drinking": rng.choices(["never", "socially", "often"], [7, 3, 0.5])[0],
            "has_children": rng.choices(["no", "yes"], [9, 1])[0],
            "wants_children": rng.choices(["wants", "open", "does_not_want"], [6, 3, 1])[0],
            "dealbreakers": rng.choices([[], ["smoker"], ["drinker"]], [6, 3, 1])[0],
        },
        "goals": {
            "life_goals": _weighted(
                rng, [c.key for c in tx.LIFE_GOALS], [1.0] * len(tx.LIFE_GOALS), rng.randint(2, 4)
            )
        },
        "answers": {
            "answers": {
                "philosophy": rng.choice(_PHILOSOPHY[lang]),
                "understood": rng.choice(_UNDERSTOOD[lang]).capitalize(),
                "slow_evening": rng.choice(_EVENING[lang]),
            }
        },
    }
