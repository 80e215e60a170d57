"""classify(): every label in every language, the benign traps, the policy, the speed."""

from __future__ import annotations

import statistics
import time

import pytest

from dinner1.safety.moderation import Action, Label, classify, warm_up
from dinner1.safety.moderation.policy import EARLY_CONVERSATION_MESSAGES

HARMFUL = [
    # (text, label, action)
    ("you're such a stupid loser", Label.INSULT, Action.WARN),
    ("t'es vraiment débile toi", Label.INSULT, Action.WARN),
    ("يا حمار", Label.INSULT, Action.WARN),
    ("سير تحوا", Label.INSULT, Action.BLOCK),
    ("nta zaml", Label.INSULT, Action.BLOCK),
    ("immigrants are rats and should be deported", Label.HATE, Action.BLOCK),
    ("les arabes sont des parasites", Label.HATE, Action.BLOCK),
    ("اليهود خاصهم يموتو", Label.HATE, Action.BLOCK),
    ("l3azzi ma3ndo blasa hna", Label.HATE, Action.BLOCK),
    ("I'm going to kill you", Label.THREAT, Action.BLOCK),
    ("je vais te buter", Label.THREAT, Action.BLOCK),
    ("والله حتى نقتلك", Label.THREAT, Action.BLOCK),
    ("ghadi n9tlek", Label.THREAT, Action.BLOCK),
    ("send me nudes", Label.SEXUAL_HARASSMENT, Action.BLOCK),
    ("envoie-moi des photos de toi nue", Label.SEXUAL_HARASSMENT, Action.BLOCK),
    ("بغيت ننعس معاك", Label.SEXUAL_HARASSMENT, Action.BLOCK),
    ("bghit n7wik", Label.SEXUAL_HARASSMENT, Action.BLOCK),
    ("send me 300 dollars by western union", Label.SCAM, Action.BLOCK),
    ("prête-moi 500 dh", Label.SCAM, Action.WARN),
    ("سلفني شي فلوس", Label.SCAM, Action.WARN),
    ("sift liya recharge 50dh", Label.SCAM, Action.BLOCK),
    ("add me on whatsapp", Label.OFF_PLATFORM, Action.WARN),
    ("ajoute-moi sur snap", Label.OFF_PLATFORM, Action.WARN),
    ("عطيني رقمك", Label.OFF_PLATFORM, Action.WARN),
    ("3tini nmrtek", Label.OFF_PLATFORM, Action.WARN),
    ("I want to kill myself", Label.SELF_HARM, Action.ESCALATE),
    ("je veux mourir", Label.SELF_HARM, Action.ESCALATE),
    ("بغيت نموت", Label.SELF_HARM, Action.ESCALATE),
    ("bghit nmout", Label.SELF_HARM, Action.ESCALATE),
]

BENIGN_TRAPS = [
    "I'm dying to try that café",
    "that workout destroyed me",
    "a killer view from the terrace",
    "this tajine is sick",
    "je meurs d'envie de goûter",
    "la vue est à tomber",
    "Careful, that knife is sharp, cut the onions thin",
    "In the film the killer stabs the detective, what a plot",
    "you killed it at karaoke",
    "the waiter will kill you with kindness",
    "My phone died, sorry",
    "I'll beat you at chess",
    "Tu as vu le match ?",
    "Désolé pour le retard",
    "الكسكس ديال ماماك بنين",
    "الجوع قتلني",
    "d7k 9tlni",
    "bghit nmout 3la had tajine",
    "My number one rule: always order dessert",
    "Mon patron me tue avec ses réunions",
    "Putain, ce couscous est incroyable",
    "I hate cilantro",
    "Do you want an ice cream cone?",
]


@pytest.mark.parametrize(("text", "label", "action"), HARMFUL)
def test_each_label_in_each_language(text: str, label: Label, action: Action) -> None:
    result = classify(text)
    assert label in result.labels, result
    assert result.action is action, result
    assert 0.5 <= result.score <= 1.0
    assert any(source.startswith(label.value) for source in result.explanation)


@pytest.mark.parametrize("text", BENIGN_TRAPS)
def test_benign_traps_are_allowed(text: str) -> None:
    result = classify(text)
    assert result.action is Action.ALLOW, result
    assert result.labels == ()
    assert result.score == 0.0


@pytest.mark.parametrize(
    "text", ["you are an i d i o t", "idiooooot", "$TUP1D", "ur a m0r0n", "z4ml", "زامــــل"]
)
def test_disguised_insults_are_caught(text: str) -> None:
    assert Label.INSULT in classify(text).labels


def test_crisis_escalates_even_alongside_other_labels() -> None:
    result = classify("you stupid idiot, I'm going to kill myself tonight")
    assert result.action is Action.ESCALATE
    assert {Label.SELF_HARM, Label.INSULT} <= set(result.labels)
    assert result.labels[0] is Label.SELF_HARM


def test_contact_sharing_is_warned_early_and_allowed_later() -> None:
    text = "add me on insta, it's easier"
    assert classify(text).action is Action.WARN
    assert classify(text, messages_exchanged=3).action is Action.WARN
    late = classify(text, messages_exchanged=EARLY_CONVERSATION_MESSAGES)
    assert late.action is Action.ALLOW
    assert late.labels == (Label.OFF_PLATFORM,)


def test_fishing_for_codes_is_blocked_however_late() -> None:
    result = classify("tell me the verification code you received", messages_exchanged=500)
    assert result.action is Action.BLOCK
    assert {Label.OFF_PLATFORM, Label.SCAM} <= set(result.labels)


def test_two_scam_signals_block_where_one_warns() -> None:
    assert classify("can you lend me some money?").action is Action.WARN
    assert classify("can you lend me some money? it's urgent").action is Action.BLOCK


def test_profanity_counts_only_when_aimed() -> None:
    assert classify("shit, I forgot my umbrella").action is Action.ALLOW
    aimed = classify("you are a piece of shit")
    assert aimed.action is not Action.ALLOW
    assert Label.INSULT in aimed.labels


def test_vader_catches_negative_words_no_rule_names() -> None:
    result = classify("you are truly vile")
    assert Label.INSULT in result.labels
    assert "vader.directed:vile" in result.explanation


def test_language_is_guessed_with_locale_as_fallback() -> None:
    assert classify("wach bghiti tji m3aya l cafe?").language == "ary-Latn"
    assert classify("واش بغيتي تجي معايا؟").language == "ar"
    assert classify("On se voit au café ?").language == "fr"
    assert classify("123 456", locale="fr").language == "fr"


def test_empty_text_is_allowed_and_non_text_is_refused() -> None:
    assert classify("   ").action is Action.ALLOW
    with pytest.raises(TypeError):
        classify(b"bytes")  # type: ignore[arg-type]


def test_result_serializes_to_plain_json_types() -> None:
    data = classify("ghadi n9tlek").to_dict()
    assert data["action"] == "block"
    assert data["labels"] == ["threat"]
    assert isinstance(data["score"], float)
    assert isinstance(data["explanation"], list)


def test_one_message_is_classified_in_well_under_five_milliseconds() -> None:
    warm_up()
    texts = [text for text, _, _ in HARMFUL] + BENIGN_TRAPS
    timings = []
    for text in texts * 3:
        start = time.perf_counter()
        classify(text)
        timings.append(time.perf_counter() - start)
    assert statistics.median(timings) < 0.005


def test_very_long_texts_are_read_head_and_tail_and_say_so() -> None:
    padding = "nice terrace view " * 3000
    result = classify(padding + "ghadi n9tlek")
    assert result.action is Action.BLOCK
    assert "truncated" in result.explanation
    assert "truncated" not in classify("ghadi n9tlek").explanation
