"""What the classifier returns: an action, labels, a score and what matched."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Action(StrEnum):
    """What the product does with a message, from least to most severe."""

    ALLOW = "allow"
    WARN = "warn"  # ask the sender "Are you sure?"
    BLOCK = "block"  # not delivered
    ESCALATE = "escalate"  # crisis: support the writer, alert moderators

    @property
    def rank(self) -> int:
        """Order used to pick the strongest action."""
        return _ACTION_RANK[self]


_ACTION_RANK = {Action.ALLOW: 0, Action.WARN: 1, Action.BLOCK: 2, Action.ESCALATE: 3}


class Label(StrEnum):
    """Kinds of harm a message can carry."""

    INSULT = "insult"
    HATE = "hate"
    THREAT = "threat"
    SEXUAL_HARASSMENT = "sexual_harassment"
    SCAM = "scam"
    OFF_PLATFORM = "off_platform"
    SELF_HARM = "self_harm"


class Severity(IntEnum):
    """How bad one match is on its own."""

    MILD = 1
    SERIOUS = 2
    SEVERE = 3


@dataclass(frozen=True, slots=True)
class Hit:
    """One piece of evidence: a label, how severe, and the source that matched.

    A `corroborates_only` hit (urgency, "hospital") never raises a label on its own; it
    only strengthens one that another hit raised.
    """

    label: Label
    severity: Severity
    source: str
    corroborates_only: bool = False


@dataclass(frozen=True, slots=True)
class ModerationResult:
    """The verdict on one text."""

    action: Action
    labels: tuple[Label, ...]
    score: float
    explanation: tuple[str, ...]
    language: str

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form (labels and explanation as lists)."""
        return {
            "action": self.action.value,
            "labels": [label.value for label in self.labels],
            "score": self.score,
            "explanation": list(self.explanation),
            "language": self.language,
        }
