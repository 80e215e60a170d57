"""How a message frames harmful words: reported quotes, crises overcome, support, jokes."""

from __future__ import annotations

import pytest

from dinner1.safety.moderation import Action, Label, classify
from dinner1.safety.moderation.framing import set_aside_reported_quotes
from dinner1.safety.moderation.rules import load_rule_book


@pytest.mark.parametrize(
    "text",
    [
        "He wrote me 'send nudes or I'll leak your pics', I reported him",
        "Quelqu'un m'a écrit « je vais te tuer », je l'ai signalé",
        "واحد قال ليا 'غادي نقتلك' وبلغت عليه",
        "chi wa7ed sifet liya 'ghadi n9tlek', drt lih report",
        'my friend said "I want to die" when she saw the bill',
    ],
)
def test_reported_quotations_are_set_aside(text: str) -> None:
    result = classify(text)
    assert result.action is Action.ALLOW, result
    assert "framing.reported_quote" in result.explanation


def test_quotes_without_a_reporting_cue_still_count() -> None:
    assert classify("'I'll kill you' is what I'm telling you").action is Action.BLOCK


def test_apostrophes_inside_words_never_open_a_quotation() -> None:
    text, reported = set_aside_reported_quotes("I'll say it: j'ai dit non", load_rule_book())
    assert not reported
    assert text == "I'll say it: j'ai dit non"


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        ("Last year I thought about ending it, therapy helped, I'm doing great now", "recovery"),
        ("Il y a un an j'avais envie de mourir, aujourd'hui je vais beaucoup mieux", "recovery"),
        ("كنت كنفكر فالانتحار، الحمد لله دابا لاباس", "recovery"),
        ("If you ever feel like you can't go on, call me, I'm here for you", "support"),
        ("Monday meetings make me want to jump off the roof lol", "joke"),
        ("mon boulot me donne envie de me jeter par la fenêtre mdr", "joke"),
    ],
)
def test_crisis_words_framed_as_past_support_or_joke_do_not_escalate(text: str, frame: str) -> None:
    result = classify(text)
    assert result.action is Action.ALLOW, result
    assert f"framing.{frame}" in result.explanation


@pytest.mark.parametrize("text", ["lol I want to die", "I want to die, work is fine though"])
def test_laughter_or_an_everyday_word_alone_is_not_a_joke(text: str) -> None:
    result = classify(text)
    assert result.action is Action.ESCALATE
    assert Label.SELF_HARM in result.labels
