"""From evidence to a decision: which labels stand, what action, what score.

| label | action |
|---|---|
| self_harm | escalate, always (the writer gets support, moderators are alerted) |
| threat, hate | block |
| sexual_harassment, insult | block when serious (severity ≥ 2), otherwise warn |
| scam | block when serious or when a scam rule and another scam family agree, else warn |
| off_platform | block when fishing for ID, bank card or codes; else warn early on |

Hints (`corroborates_only` rules) never flag alone; two families of hints for one label
agree on it (mild), three make it serious: a money-trouble story, "could you help me
just this once" and "I'll give it back Monday" are a scam; "I'm so tired" and "I won't be
around much longer" a crisis; "you think you can ghost me?" and "I'll be waiting outside"
a threat. Families are counted, not rules, so "urgent" matched by the English and the
French rule is one hint.

Sharing contact details is allowed once `EARLY_CONVERSATION_MESSAGES` messages have been
exchanged (callers pass `messages_exchanged`; without it every message counts as early).

A label the rules do not raise on their own (only the n-gram model, `ngram_model.py`, or
the model with a single rule hint) warns, or escalates for a crisis: the model
generalizes past the rules but is not trusted to block. Such a crisis is dropped when
the rules raise another label instead ("send me something I can enjoy alone tonight 😈"
is innuendo, not despair).

The strongest action wins (escalate > block > warn > allow).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dinner1.safety.moderation.result import Action, Hit, Label, Severity

EARLY_CONVERSATION_MESSAGES = 20
# How likely a message is harmful given one label at each severity; labels combine as
# independent evidence: 1 - Π(1 - p).
SEVERITY_SCORE = {Severity.MILD: 0.6, Severity.SERIOUS: 0.85, Severity.SEVERE: 0.97}
ALWAYS_BLOCKED = frozenset({Label.THREAT, Label.HATE})
CORROBORATED = frozenset({Label.SCAM})


@dataclass(frozen=True, slots=True)
class Decision:
    """The labels that stand, with their severity, the action and the score."""

    action: Action
    labels: tuple[Label, ...]
    score: float


MODEL_FAMILY = "model"
HINTS_FOR_MILD = 2
HINTS_FOR_SERIOUS = 3


def rule_family(source: str) -> str:
    """The family of a hit's source: "scam.en.pressure" and "scam.fr.pressure" are one,
    and every "model:<label>" hit is the family "model"."""
    return source.split(":")[0].rsplit(".", 1)[-1]


def label_severities(hits: Sequence[Hit]) -> dict[Label, Severity]:
    """Each label's worst severity; agreeing hint families raise or strengthen a label."""
    severities: dict[Label, Severity] = {}
    families: dict[Label, set[str]] = {}
    hints: dict[Label, set[str]] = {}
    for hit in hits:
        if rule_family(hit.source) != MODEL_FAMILY:  # the model restates, never corroborates
            families.setdefault(hit.label, set()).add(rule_family(hit.source))
        if hit.corroborates_only:
            hints.setdefault(hit.label, set()).add(rule_family(hit.source))
        else:
            severities[hit.label] = max(severities.get(hit.label, hit.severity), hit.severity)
    for label in CORROBORATED & severities.keys():
        if len(families.get(label, ())) >= 2:
            severities[label] = max(severities[label], Severity.SERIOUS)
    for label, agreeing in hints.items():
        if label in severities:
            continue
        if len(agreeing) >= HINTS_FOR_SERIOUS:
            severities[label] = Severity.SERIOUS
        elif len(agreeing) >= HINTS_FOR_MILD:
            severities[label] = Severity.MILD
    return severities


def action_for(
    label: Label, severity: Severity, messages_exchanged: int | None, *, model_only: bool = False
) -> Action:
    """The action one label calls for on its own."""
    if label is Label.SELF_HARM:
        return Action.ESCALATE
    if model_only:
        return Action.WARN
    if label in ALWAYS_BLOCKED or severity >= Severity.SERIOUS:
        return Action.BLOCK
    if label is Label.OFF_PLATFORM and messages_exchanged is not None:
        early = messages_exchanged < EARLY_CONVERSATION_MESSAGES
        return Action.WARN if early else Action.ALLOW
    return Action.WARN


def raised_by_rules(hits: Sequence[Hit]) -> set[Label]:
    """The labels the rules stand up without the model (a lone hint raises nothing)."""
    return set(label_severities([h for h in hits if rule_family(h.source) != MODEL_FAMILY]))


def explain_away_model_crisis(hits: Sequence[Hit]) -> list[Hit]:
    """Drop a crisis the rules did not raise when they raised another label instead."""
    raised = raised_by_rules(hits)
    if Label.SELF_HARM in raised or not raised:
        return list(hits)
    return [hit for hit in hits if hit.label is not Label.SELF_HARM]


def decide(hits: Sequence[Hit], *, messages_exchanged: int | None = None) -> Decision:
    """Turn the hits of one message into labels, an action and a score."""
    hits = explain_away_model_crisis(hits)
    severities = label_severities(hits)
    if not severities:
        return Decision(Action.ALLOW, (), 0.0)
    ordered = sorted(severities, key=lambda label: (-severities[label], list(Label).index(label)))
    raised = raised_by_rules(hits)
    actions = [
        action_for(label, severities[label], messages_exchanged, model_only=label not in raised)
        for label in ordered
    ]
    clean = 1.0
    for label in ordered:
        clean *= 1.0 - SEVERITY_SCORE[severities[label]]
    action = max(actions, key=lambda a: a.rank)
    return Decision(action, tuple(ordered), round(1.0 - clean, 3))
