"""The vocabulary of a soul profile: every choice a member can make, with its label.

Keys are stored; labels are English msgids translated when shown. `weight`/`rarity` are
not here: how rare a trait is comes from the member base (see matching.rarity).
"""

from __future__ import annotations

from dataclasses import dataclass

from dinner1.core.text import N_


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    group: str = ""


def _choices(*pairs: tuple[str, str], group: str = "") -> tuple[Choice, ...]:
    return tuple(Choice(key, label, group) for key, label in pairs)


GENDERS = _choices(("woman", N_("Woman")), ("man", N_("Man")), ("nonbinary", N_("Non-binary")))

RELATIONSHIP_GOALS = _choices(
    ("marriage", N_("Marriage")),
    ("long_term", N_("A long-term relationship")),
    ("open", N_("Open to see where it goes")),
    ("friendship_first", N_("Friendship first")),
)

VALUES = _choices(
    ("honesty", N_("Honesty")),
    ("kindness", N_("Kindness")),
    ("family", N_("Family")),
    ("faith", N_("Faith")),
    ("humor", N_("Humour")),
    ("curiosity", N_("Curiosity")),
    ("ambition", N_("Ambition")),
    ("loyalty", N_("Loyalty")),
    ("freedom", N_("Freedom")),
    ("generosity", N_("Generosity")),
    ("respect", N_("Respect")),
    ("adventure", N_("Adventure")),
    ("stability", N_("Stability")),
    ("creativity", N_("Creativity")),
    ("community", N_("Community")),
)

INTERESTS = (
    *_choices(
        ("football", N_("Football")),
        ("running", N_("Running")),
        ("fitness", N_("Fitness")),
        ("hiking", N_("Hiking")),
        ("surfing", N_("Surfing")),
        ("yoga", N_("Yoga")),
        ("swimming", N_("Swimming")),
        ("watching_sports", N_("Watching sports")),
        group="sport",
    ),
    *_choices(
        ("cooking", N_("Cooking")),
        ("baking", N_("Baking")),
        ("street_food", N_("Street food")),
        ("fine_dining", N_("Fine dining")),
        ("coffee", N_("Coffee")),
        ("tea_ceremony", N_("Tea")),
        group="food",
    ),
    *_choices(
        ("reading", N_("Reading")),
        ("poetry", N_("Poetry")),
        ("writing", N_("Writing")),
        ("history", N_("History")),
        ("philosophy", N_("Philosophy")),
        ("languages", N_("Languages")),
        ("science", N_("Science")),
        ("technology", N_("Technology")),
        group="mind",
    ),
    *_choices(
        ("music", N_("Music")),
        ("concerts", N_("Concerts")),
        ("gnawa", N_("Gnawa music")),
        ("andalusian_music", N_("Andalusian music")),
        ("cinema", N_("Cinema")),
        ("theatre", N_("Theatre")),
        ("museums", N_("Museums")),
        ("art", N_("Art")),
        ("photography", N_("Photography")),
        ("calligraphy", N_("Calligraphy")),
        ("crafts", N_("Crafts")),
        ("fashion", N_("Fashion")),
        ("dancing", N_("Dancing")),
        group="culture",
    ),
    *_choices(
        ("travel", N_("Travel")),
        ("road_trips", N_("Road trips")),
        ("nature", N_("Nature")),
        ("beach", N_("The beach")),
        ("mountains", N_("Mountains")),
        ("desert", N_("The desert")),
        ("gardening", N_("Gardening")),
        ("animals", N_("Animals")),
        group="outdoors",
    ),
    *_choices(
        ("gaming", N_("Video games")),
        ("board_games", N_("Board games")),
        ("tv_series", N_("TV series")),
        ("shopping", N_("Shopping")),
        ("nightlife", N_("Nightlife")),
        ("volunteering", N_("Volunteering")),
        ("spirituality", N_("Spirituality")),
        ("entrepreneurship", N_("Entrepreneurship")),
        group="life",
    ),
)

COMMUNICATION_STYLES = _choices(
    ("direct", N_("Direct: I say what I think")),
    ("gentle", N_("Gentle: I choose my words with care")),
    ("playful", N_("Playful: humour first")),
    ("reflective", N_("Reflective: I need time to think before I talk")),
)

LOVE_LANGUAGES = _choices(
    ("words", N_("Words of affirmation")),
    ("time", N_("Quality time")),
    ("gifts", N_("Thoughtful gifts")),
    ("service", N_("Acts of service")),
    ("touch", N_("Physical closeness")),
)

# Lifestyle questions are ordinal: the position of the answer is its value.
LIFESTYLE = {
    "rhythm": _choices(
        ("early", N_("Early bird")), ("flexible", N_("Flexible")), ("late", N_("Night owl"))
    ),
    "social": _choices(
        ("homebody", N_("Homebody")),
        ("balanced", N_("A bit of both")),
        ("outgoing", N_("Always out")),
    ),
    "activity": _choices(
        ("calm", N_("Calm")), ("active", N_("Active")), ("very_active", N_("Very active"))
    ),
    "tidiness": _choices(
        ("relaxed", N_("Relaxed")), ("tidy", N_("Tidy")), ("meticulous", N_("Meticulous"))
    ),
    "spending": _choices(
        ("saver", N_("Saver")), ("balanced", N_("Balanced")), ("spender", N_("Spender"))
    ),
}

LIFE_GOALS = _choices(
    ("family", N_("Build a family")),
    ("career", N_("Grow in my career")),
    ("travel", N_("See the world")),
    ("faith", N_("Deepen my faith")),
    ("home", N_("Make a home")),
    ("create", N_("Create something of my own")),
    ("learn", N_("Keep learning")),
    ("give_back", N_("Give back to my community")),
    ("health", N_("Live healthily")),
    ("adventure", N_("Live adventures")),
)

DIETS = _choices(
    ("halal", N_("Halal")),
    ("vegetarian", N_("Vegetarian")),
    ("vegan", N_("Vegan")),
    ("pescatarian", N_("Pescatarian")),
    ("no_alcohol", N_("No alcohol")),
    ("gluten_free", N_("Gluten-free")),
)

RELIGIONS = _choices(
    ("muslim", N_("Muslim")),
    ("christian", N_("Christian")),
    ("jewish", N_("Jewish")),
    ("spiritual", N_("Spiritual")),
    ("none", N_("Not religious")),
    ("other", N_("Other")),
)
# 0 not important … 3 essential: at 3, a different religion is a dealbreaker.
RELIGION_IMPORTANCE = _choices(
    ("0", N_("Not important")),
    ("1", N_("Somewhat important")),
    ("2", N_("Important")),
    ("3", N_("Essential")),
)
SMOKING = _choices(("never", N_("Never")), ("sometimes", N_("Sometimes")), ("often", N_("Often")))
DRINKING = _choices(("never", N_("Never")), ("socially", N_("Socially")), ("often", N_("Often")))
HAS_CHILDREN = _choices(("no", N_("No children")), ("yes", N_("I have children")))
WANTS_CHILDREN = _choices(
    ("wants", N_("I want children")),
    ("open", N_("Open to it")),
    ("does_not_want", N_("I don't want children")),
)
LANGUAGES = _choices(
    ("ar", N_("Arabic")),
    ("darija", N_("Darija")),
    ("amazigh", N_("Amazigh")),
    ("fr", N_("French")),
    ("en", N_("English")),
    ("es", N_("Spanish")),
)
# Dealbreakers a member may switch on; each is applied in both directions.
DEALBREAKERS = _choices(
    ("smoker", N_("I won't date a smoker")),
    ("drinker", N_("I won't date someone who drinks")),
    ("has_children", N_("I won't date someone who has children")),
)

# Free-text prompts: 3 to 5 answered, encrypted at rest.
PROMPTS = _choices(
    ("philosophy", N_("My philosophy of life, in a few lines")),
    ("understood", N_("I feel truly understood when…")),
    ("slow_evening", N_("My perfect slow evening")),
    ("grateful", N_("Lately I am grateful for…")),
    ("learning", N_("Something I am learning right now")),
    ("home", N_("What home means to me")),
    ("laugh", N_("What makes me laugh out loud")),
)
MIN_PROMPTS = 3
MAX_PROMPTS = 5
ANSWER_MAX_CHARS = 600
MAX_VALUES_RANKED = 5
MIN_INTERESTS = 3
MAX_INTERESTS = 15
MAX_CUSTOM_INTERESTS = 5


def keys(choices: tuple[Choice, ...]) -> frozenset[str]:
    return frozenset(choice.key for choice in choices)


def label_of(choices: tuple[Choice, ...], key: str) -> str:
    for choice in choices:
        if choice.key == key:
            return choice.label
    return key
