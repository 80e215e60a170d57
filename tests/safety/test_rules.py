"""The rule files load, compile, and behave as their comments promise."""

from __future__ import annotations

import pytest

from dinner1.safety.moderation.normalize import build_views
from dinner1.safety.moderation.result import Label
from dinner1.safety.moderation.rules import (
    RULE_FILES,
    compile_rule,
    find_rule_hits,
    load_rule_book,
    mask_benign_idioms,
)


def test_every_label_has_rules_in_every_script() -> None:
    book = load_rule_book()
    views_per_label: dict[Label, set[str]] = {}
    for rule in book.harmful:
        for label in rule.labels:
            views_per_label.setdefault(label, set()).add(rule.view)
    for label in Label:
        assert {"latin", "arabizi", "arabic"} <= views_per_label[label], label


def test_rule_ids_are_unique_and_name_their_file() -> None:
    book = load_rule_book()
    ids = [rule.rule_id for rule in (*book.benign, *book.harmful)]
    assert len(ids) == len(set(ids))
    assert {rule_id.split(".")[0] for rule_id in ids} == set(RULE_FILES)


def test_unknown_view_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown view"):
        compile_rule(Label.INSULT, "insult", {"id": "x", "view": "klingon", "words": ["x"]})


def test_arabizi_patterns_refuse_character_classes() -> None:
    spec = {"id": "x", "view": "arabizi", "patterns": ["[ae]"]}
    with pytest.raises(ValueError, match="Arabizi patterns"):
        compile_rule(Label.INSULT, "insult", spec)


def test_benign_idiom_is_blanked_word_by_word() -> None:
    book = load_rule_book()
    views, matched = mask_benign_idioms(build_views("I'm dying to try it"), book.benign)
    assert matched == ["benign.en.dying_for"]
    assert views.latin == "i m ~ ~ try it"
    assert views.token_count == 6


def _labels(text: str) -> set[Label]:
    book = load_rule_book()
    views, _ = mask_benign_idioms(build_views(text), book.benign)
    return {hit.label for hit in find_rule_hits(views, book) if not hit.corroborates_only}


def test_weak_insult_needs_a_target() -> None:
    assert Label.INSULT in _labels("honestly you are so stupid sometimes")
    assert Label.INSULT not in _labels("that was a stupid mistake of mine sorry")


def test_self_talk_is_not_an_insult() -> None:
    assert Label.INSULT not in _labels("I'm so stupid, you were right about the time")
    assert Label.INSULT not in _labels("je suis nulle en orientation, tu viendras ?")


def test_short_message_needs_no_target() -> None:
    assert Label.INSULT in _labels("stupid")


def test_identity_fishing_is_labelled_scam_too() -> None:
    labels = _labels("send me a photo of your passport please")
    assert {Label.OFF_PLATFORM, Label.SCAM} <= labels


def test_urgency_alone_never_raises_scam() -> None:
    assert Label.SCAM not in _labels("it's urgent, the table is booked for 8")
