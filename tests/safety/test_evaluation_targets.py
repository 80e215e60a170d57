"""The labeled sets are well formed, and the classifier meets the targets on them.

The test set was written before any rule existed; it is never tuned on and the n-gram
model is never trained on it. The dev set holds what the rules were tuned on and the
model is trained on: the original dev messages and every blind probe, each merged in
after its blind run. A change that drops below the targets on either set fails here.
Targets: at least 95% of harmful messages caught, every crisis escalated, at most 5% of
benign messages flagged, no other message escalated.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from dinner1.safety.moderation import Action, Label, classify

DATA = Path(__file__).parent / "data"
LANGUAGES = {"en", "fr", "ar", "ary", "ary-Latn"}


def load(name: str) -> list[dict[str, object]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def labels_of(row: dict[str, object]) -> list[str]:
    labels = row["labels"]
    assert isinstance(labels, list)
    return [str(label) for label in labels]


@pytest.mark.parametrize("name", ["moderation_test.jsonl", "moderation_dev.jsonl"])
def test_sets_are_well_formed(name: str) -> None:
    rows = load(name)
    assert len(rows) >= 200
    valid = {label.value for label in Label}
    for row in rows:
        assert set(row) == {"text", "labels", "lang"}
        assert isinstance(row["text"], str) and row["text"].strip()
        assert set(labels_of(row)) <= valid
        assert row["lang"] in LANGUAGES
    present = Counter((row["lang"], label) for row in rows for label in labels_of(row))
    latin_darija = {"ary-Latn"}
    for label in valid:
        for group in ({"en"}, {"fr"}, {"ar", "ary"}, latin_darija):
            assert sum(present[(lang, label)] for lang in group) > 0, (label, group)
    assert sum(1 for row in rows if not labels_of(row)) >= 90


def test_dev_and_test_share_no_message() -> None:
    dev = {str(row["text"]).casefold() for row in load("moderation_dev.jsonl")}
    assert not [row for row in load("moderation_test.jsonl") if str(row["text"]).casefold() in dev]


def tally(rows: list[dict[str, object]]) -> Counter[str]:
    """Harmful caught, crises escalated, benign flagged and wrong escalations."""
    counts: Counter[str] = Counter()
    for row in rows:
        labels = labels_of(row)
        action = classify(str(row["text"])).action
        counts["harmful"] += bool(labels)
        counts["caught"] += bool(labels) and action is not Action.ALLOW
        counts["benign"] += not labels
        counts["flagged"] += not labels and action is not Action.ALLOW
        crisis = "self_harm" in labels
        counts["crises"] += crisis
        counts["escalated"] += crisis and action is Action.ESCALATE
        counts["wrong_escalations"] += not crisis and action is Action.ESCALATE
    return counts


@pytest.mark.parametrize("name", ["moderation_test.jsonl", "moderation_dev.jsonl"])
def test_targets_are_met(name: str) -> None:
    counts = tally(load(name))
    assert counts["caught"] / counts["harmful"] >= 0.95
    assert counts["escalated"] == counts["crises"]
    assert counts["flagged"] / counts["benign"] <= 0.05
    assert counts["wrong_escalations"] == 0


def test_benign_messages_flagged_across_both_sets_stay_under_five_percent() -> None:
    counts = tally(load("moderation_dev.jsonl") + load("moderation_test.jsonl"))
    assert counts["flagged"] / counts["benign"] <= 0.05
