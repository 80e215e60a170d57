"""Venue categories and features, with labels (translated when shown)."""

from __future__ import annotations

from dinner1.core.text import N_

CATEGORIES = {
    "restaurant": N_("Restaurant"),
    "cafe": N_("Café"),
    "tea_house": N_("Tea house"),
    "bakery": N_("Bakery"),
    "rooftop": N_("Rooftop"),
    "street_food": N_("Street food"),
}

# Feature bits: search asks for venues having all of some bits in one comparison.
FEATURES = {
    "halal": (1, N_("Halal certified")),
    "alcohol_free": (2, N_("Alcohol-free")),
    "vegetarian": (4, N_("Vegetarian options")),
    "vegan": (8, N_("Vegan options")),
    "terrace": (16, N_("Terrace")),
    "family": (32, N_("Family friendly")),
    "wheelchair": (64, N_("Wheelchair access")),
    "quiet": (128, N_("Quiet")),
    "wifi": (256, N_("Wi-Fi")),
}


def feature_mask(names: list[str] | set[str] | tuple[str, ...]) -> int:
    mask = 0
    for name in names:
        mask |= FEATURES[name][0]
    return mask


def feature_names(mask: int) -> list[str]:
    return [name for name, (bit, _label) in FEATURES.items() if mask & bit]
