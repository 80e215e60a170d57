"""The onboarding vocabulary, labelled in the current language, for clients to render."""

from __future__ import annotations

from pydantic import BaseModel

from dinner1.locale.cities import CITIES
from dinner1.locale.service import gettext as _
from dinner1.profiles import taxonomy as tx


class OptionOut(BaseModel):
    key: str
    label: str
    group: str = ""


class OptionsOut(BaseModel):
    genders: list[OptionOut]
    relationship_goals: list[OptionOut]
    values: list[OptionOut]
    interests: list[OptionOut]
    communication_styles: list[OptionOut]
    love_languages: list[OptionOut]
    lifestyle: dict[str, list[OptionOut]]
    life_goals: list[OptionOut]
    diets: list[OptionOut]
    religions: list[OptionOut]
    religion_importance: list[OptionOut]
    smoking: list[OptionOut]
    drinking: list[OptionOut]
    has_children: list[OptionOut]
    wants_children: list[OptionOut]
    languages: list[OptionOut]
    dealbreakers: list[OptionOut]
    prompts: list[OptionOut]
    cities: list[OptionOut]


def _labelled(choices: tuple[tx.Choice, ...]) -> list[OptionOut]:
    return [OptionOut(key=c.key, label=_(c.label), group=c.group) for c in choices]


def options() -> OptionsOut:
    return OptionsOut(
        genders=_labelled(tx.GENDERS),
        relationship_goals=_labelled(tx.RELATIONSHIP_GOALS),
        values=_labelled(tx.VALUES),
        interests=_labelled(tx.INTERESTS),
        communication_styles=_labelled(tx.COMMUNICATION_STYLES),
        love_languages=_labelled(tx.LOVE_LANGUAGES),
        lifestyle={q: _labelled(c) for q, c in tx.LIFESTYLE.items()},
        life_goals=_labelled(tx.LIFE_GOALS),
        diets=_labelled(tx.DIETS),
        religions=_labelled(tx.RELIGIONS),
        religion_importance=_labelled(tx.RELIGION_IMPORTANCE),
        smoking=_labelled(tx.SMOKING),
        drinking=_labelled(tx.DRINKING),
        has_children=_labelled(tx.HAS_CHILDREN),
        wants_children=_labelled(tx.WANTS_CHILDREN),
        languages=_labelled(tx.LANGUAGES),
        dealbreakers=_labelled(tx.DEALBREAKERS),
        prompts=_labelled(tx.PROMPTS),
        cities=[OptionOut(key=c.key, label=_(c.label)) for c in CITIES],
    )
