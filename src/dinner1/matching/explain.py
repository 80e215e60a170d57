"""Readable reasons for a match, in the viewer's language."""

from __future__ import annotations

from typing import Any

from dinner1.core.geo import DISTANCE_BUCKETS
from dinner1.core.text import N_
from dinner1.locale.service import gettext as _
from dinner1.profiles import taxonomy as tx

COMPONENT_LABELS = {
    "values": N_("Values"),
    "interests": N_("Interests"),
    "communication": N_("Communication"),
    "lifestyle": N_("Lifestyle"),
    "life_goals": N_("Life goals"),
    "semantic": N_("What you wrote"),
    "age_fit": N_("Age"),
    "distance_fit": N_("Distance"),
}
QUALITY_LABELS = {
    "exceptional": N_("Exceptional match"),
    "strong": N_("Strong match"),
    "promising": N_("Promising match"),
    "worth_exploring": N_("Worth exploring"),
}
_FACTOR_CHOICES = {
    "interest": tx.INTERESTS,
    "value": tx.VALUES,
    "life_goal": tx.LIFE_GOALS,
    "communication": tx.COMMUNICATION_STYLES,
    "love_language": tx.LOVE_LANGUAGES,
    "relationship_goal": tx.RELATIONSHIP_GOALS,
}
_FACTOR_SENTENCES = {
    "interest": N_("you both love %(thing)s"),
    "value": N_("you both put %(thing)s first"),
    "life_goal": N_("you share a life goal: %(thing)s"),
    "communication": N_("you talk the same way (%(thing)s)"),
    "love_language": N_("you share a love language: %(thing)s"),
    "relationship_goal": N_("you want the same thing: %(thing)s"),
}


def factor_label(kind: str, key: str) -> str:
    choices = _FACTOR_CHOICES.get(kind)
    return _(tx.label_of(choices, key)) if choices else key


def factor_sentence(factor: dict[str, Any]) -> str:
    thing = factor_label(factor["kind"], factor["key"])
    if factor["kind"] in ("interest", "value", "life_goal", "love_language"):
        thing = thing.lower() if factor["kind"] != "value" else thing
    sentence = _(_FACTOR_SENTENCES.get(factor["kind"], N_("you share %(thing)s")))
    text = sentence % {"thing": thing}
    share = factor.get("prevalence")
    if isinstance(share, float) and share < 0.25 and factor["kind"] == "interest":
        text += " " + _("(only %(pct)s%% of members do)") % {"pct": max(1, round(share * 100))}
    return text


def explanation(label: str, breakdown: dict[str, float], factors: list[dict[str, Any]]) -> str:
    """One or two short sentences: the strongest component, then the rarest shared traits."""
    parts = [factor_sentence(f) for f in factors[:2]]
    strongest = max(breakdown.items(), key=lambda kv: kv[1])[0] if breakdown else None
    lead = _(QUALITY_LABELS.get(label, label))
    if strongest:
        lead = _("%(label)s: strongest on %(component)s") % {
            "label": lead,
            "component": _(COMPONENT_LABELS.get(strongest, strongest)).lower(),
        }
    if not parts:
        return lead + "."
    joined = parts[0] if len(parts) == 1 else _("%(a)s and %(b)s") % {"a": parts[0], "b": parts[1]}
    return f"{lead}. {joined[0].upper()}{joined[1:]}."


def distance_label(bucket: str) -> str:
    for _upper, key, label in DISTANCE_BUCKETS:
        if key == bucket:
            return _(label)
    return bucket
