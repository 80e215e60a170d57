"""`classify`: one message in, one explained verdict out. Resources load on first use.

Texts longer than `MAX_CLASSIFIED_CHARS` are read as their first `HEAD_CHARS` and last
`TAIL_CHARS` characters (the explanation then says "truncated"): every message the
product carries is far shorter, and the cap keeps one pasted book under a quarter second
while a threat appended after padding is still seen.
"""

from __future__ import annotations

from dataclasses import dataclass

from dinner1.safety.moderation.framing import discount_framed_crisis, set_aside_reported_quotes
from dinner1.safety.moderation.language import guess_language
from dinner1.safety.moderation.lexicons import (
    find_directed_negativity,
    find_profanity_hits,
    load_profanity_lexicon,
)
from dinner1.safety.moderation.ngram_model import load_ngram_model, model_hits
from dinner1.safety.moderation.normalize import TextViews, build_views
from dinner1.safety.moderation.policy import decide
from dinner1.safety.moderation.result import Action, ModerationResult
from dinner1.safety.moderation.rules import (
    RuleBook,
    find_rule_hits,
    load_rule_book,
    mask_benign_idioms,
)

HEAD_CHARS = 16_000
TAIL_CHARS = 4_000
MAX_CLASSIFIED_CHARS = HEAD_CHARS + TAIL_CHARS


@dataclass(frozen=True, slots=True)
class Reading:
    """A message as the matchers read it."""

    text: str  # capped, quotations set aside when the writer reports them
    unmasked: TextViews  # for framing cues, which may sit inside idioms ("mdr")
    views: TextViews  # benign idioms blanked: what rules, lexicons and the model read
    notes: tuple[str, ...]  # benign idioms matched, "framing.reported_quote", "truncated"


def capped(text: str) -> tuple[str, bool]:
    """The part of a text that is classified, and whether anything was left out."""
    if len(text) <= MAX_CLASSIFIED_CHARS:
        return text, False
    return f"{text[:HEAD_CHARS]}\n{text[-TAIL_CHARS:]}", True


def read_message(text: str, book: RuleBook) -> Reading:
    """Cap, set reported quotations aside, normalize and mask benign idioms."""
    text, truncated = capped(text)
    text, reported = set_aside_reported_quotes(text, book)
    unmasked = build_views(text)
    views, benign = mask_benign_idioms(unmasked, book.benign)
    notes = [*benign, *["framing.reported_quote"] * reported, *["truncated"] * truncated]
    return Reading(text, unmasked, views, tuple(notes))


def classify(
    text: str, *, locale: str | None = None, messages_exchanged: int | None = None
) -> ModerationResult:
    """Classify one message.

    `locale` is the writer's interface language, used when the text itself gives no
    clue; `messages_exchanged` (how far into the conversation this message is) lets
    sharing contact details pass once two people have talked for a while.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    language = guess_language(capped(text)[0], fallback=locale)
    if not text.strip():
        return ModerationResult(Action.ALLOW, (), 0.0, (), language)
    book = load_rule_book()
    reading = read_message(text, book)
    hits = find_rule_hits(reading.views, book)
    hits += find_profanity_hits(reading.views, reading.text, book)
    hits += find_directed_negativity(reading.views)
    hits += model_hits(reading.views)
    hits, frames = discount_framed_crisis(reading.unmasked, hits, book)
    decision = decide(hits, messages_exchanged=messages_exchanged)
    explanation = [*dict.fromkeys(hit.source for hit in hits), *reading.notes, *frames]
    return ModerationResult(
        action=decision.action,
        labels=decision.labels,
        score=decision.score,
        explanation=tuple(explanation),
        language=language,
    )


def warm_up() -> None:
    """Load every rule file, lexicon and model now rather than on the first message."""
    load_rule_book()
    load_profanity_lexicon()
    load_ngram_model()
    classify("warm up")
