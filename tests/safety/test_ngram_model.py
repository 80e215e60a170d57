"""The character n-gram model: shipped weights, scoring, and how the policy trusts it."""

from __future__ import annotations

from pathlib import Path

from dinner1.safety.moderation import Action, Label, classify
from dinner1.safety.moderation.ngram_model import (
    CRISIS_MARGIN,
    NgramModel,
    char_ngrams,
    load_ngram_model,
    model_hits,
)
from dinner1.safety.moderation.normalize import build_views
from dinner1.safety.moderation.policy import decide, explain_away_model_crisis
from dinner1.safety.moderation.result import Hit, Severity
from dinner1.safety.moderation.train import dataset_digest

DEV = Path(__file__).parent / "data" / "moderation_dev.jsonl"
WEIGHTS = Path(__file__).parents[2] / "src/dinner1/safety/moderation/model/ngram_weights.json"


def test_char_ngrams_stay_inside_words() -> None:
    grams = char_ngrams("ab cd")
    assert " ab" in grams and "ab " in grams and " ab " in grams
    assert "b c" not in grams


def test_shipped_weights_match_their_vocabulary_and_labels() -> None:
    model = load_ngram_model()
    assert model.outputs == tuple(label.value for label in Label)
    assert model.weights.shape == (len(model.vocabulary), len(Label))
    assert model.idf.shape == (len(model.vocabulary),)


def test_shipped_weights_were_fitted_on_the_current_dev_set() -> None:
    # After editing the dev set: python -m dinner1.safety.moderation.train <dev set>
    import json

    assert json.loads(WEIGHTS.read_text())["trained_on"] == dataset_digest(DEV)


def test_probabilities_are_probabilities() -> None:
    probabilities = load_ngram_model().probabilities("i want to disappear forever")
    assert set(probabilities) == {label.value for label in Label}
    assert all(0.0 <= p <= 1.0 for p in probabilities.values())
    assert max(probabilities, key=lambda k: probabilities[k]) == "self_harm"


def test_text_with_no_known_ngram_scores_the_bias() -> None:
    assert load_ngram_model().probabilities("") == load_ngram_model().probabilities("qqqqqqq")


def _model_scoring(**probabilities: float) -> NgramModel:
    class Fixed(NgramModel):
        def probabilities(self, text: str) -> dict[str, float]:
            return {label.value: probabilities.get(label.value, 0.0) for label in Label}

    base = load_ngram_model()
    return Fixed(base.vocabulary, base.idf, base.weights, base.bias, base.outputs)


def test_a_model_crisis_needs_a_margin_over_other_labels() -> None:
    views = build_views("anything")
    clear = model_hits(views, _model_scoring(self_harm=0.9, sexual_harassment=0.1))
    assert [(h.label, h.corroborates_only) for h in clear] == [(Label.SELF_HARM, False)]
    close = model_hits(
        views, _model_scoring(self_harm=0.8, sexual_harassment=0.8 - CRISIS_MARGIN / 2)
    )
    crisis = [h for h in close if h.label is Label.SELF_HARM]
    assert crisis and all(h.corroborates_only for h in crisis)


def test_the_model_alone_warns_but_never_blocks() -> None:
    decision = decide([Hit(Label.THREAT, Severity.MILD, "model:threat")])
    assert decision.action is Action.WARN
    decision = decide([Hit(Label.SELF_HARM, Severity.MILD, "model:self_harm")])
    assert decision.action is Action.ESCALATE


def test_a_model_crisis_is_explained_away_by_a_rule_reading() -> None:
    hits = [
        Hit(Label.SELF_HARM, Severity.MILD, "model:self_harm"),
        Hit(Label.SEXUAL_HARASSMENT, Severity.SERIOUS, "sexual_harassment.en.innuendo"),
    ]
    assert [h.label for h in explain_away_model_crisis(hits)] == [Label.SEXUAL_HARASSMENT]
    ruled_crisis = [*hits, Hit(Label.SELF_HARM, Severity.SEVERE, "self_harm.en.desire")]
    assert len(explain_away_model_crisis(ruled_crisis)) == 3


def test_the_model_does_not_corroborate_a_scam_request_into_a_block() -> None:
    hits = [
        Hit(Label.SCAM, Severity.MILD, "scam.en.money_request"),
        Hit(Label.SCAM, Severity.MILD, "model:scam"),
    ]
    assert decide(hits).action is Action.WARN


def test_a_model_crisis_hint_pairs_with_a_rule_hint() -> None:
    hint = Hit(Label.SELF_HARM, Severity.SEVERE, "self_harm.en.despair", corroborates_only=True)
    model = Hit(Label.SELF_HARM, Severity.MILD, "model:self_harm", corroborates_only=True)
    assert decide([hint]).action is Action.ALLOW
    assert decide([hint, model]).action is Action.ESCALATE


def test_paraphrases_no_rule_names_still_reach_the_model() -> None:
    result = classify("I don't see myself making it to next spring")
    assert any(source.startswith("model:") for source in result.explanation) or (
        result.action is Action.ESCALATE
    )
