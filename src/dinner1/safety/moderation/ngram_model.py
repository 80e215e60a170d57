"""A small linear model over character n-grams: the part that generalizes past the rules.

Rules name phrasings; paraphrases the rules never saw ("I feel like I'm drowning and I
don't want to come up anymore", "ma b9it baghi walo") still share pieces of words with
messages in the labelled dev set ("anymore", "drown", "walo", "nmout"). One logistic
regression per label reads character 2- to 5-grams of
the same normalized, idiom-masked views the rules read (so leetspeak, spacing and
Arabic letter variants are already undone). `train.py` fits it on
`tests/safety/data/moderation_dev.jsonl` only (the held-out test set is never trained
on) and writes `model/ngram_weights.json`; inference here needs only numpy.

How its scores are used (`model_hits`):

- at `PRIMARY` or above a label stands on the model alone: a crisis escalates, any other
  label only warns (policy.py never blocks on the model alone, and drops a model-only
  crisis when the rules read the message as something else);
- a crisis must also lead every other label by `CRISIS_MARGIN` to stand alone: "ce soir
  je veux te goûter" scores as high for sexual harassment as for a crisis;
- a crisis score at `CRISIS_HINT` or above is a hint (family "model", like every model
  hit) that needs a rule hint of another family to stand ("I'm so hopeless" + the
  model's crisis score). Other labels get no model hints: the model mostly echoes the
  phrase a rule hint already saw ("I'll be waiting outside"), so the pair would count
  one piece of evidence twice.

The thresholds come from 5-fold out-of-fold predictions on the dev set (`python -m
dinner1.safety.moderation.train` prints the table): at 0.8 the model alone flagged 1.1%
of benign messages; at 0.75 it escalated 46 of 106 crises and 4 of 978 other messages,
before the margin and the rules' reading remove most of those.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from dinner1.safety.moderation.normalize import TextViews
from dinner1.safety.moderation.result import Hit, Label, Severity

NGRAM_SIZES = range(2, 6)
SOURCE = "model"  # hits read "model:self_harm"; every model hit is one family
PRIMARY = dict.fromkeys(Label, 0.8) | {Label.SELF_HARM: 0.75}
CRISIS_MARGIN = 0.2
CRISIS_HINT = 0.5
WEIGHTS_FILE = ("model", "ngram_weights.json")


def ngram_text(views: TextViews) -> str:
    """The text the model reads: the Arabizi view (digits kept) and the latin view."""
    return f"{views.arabizi} {views.latin}"


def char_ngrams(text: str) -> list[str]:
    """Character 2- to 5-grams inside each word, the word padded with a space each side."""
    grams = []
    for word in text.split():
        padded = f" {word} "
        for size in NGRAM_SIZES:
            grams += [padded[i : i + size] for i in range(len(padded) - size + 1)]
    return grams


@dataclass(frozen=True, slots=True)
class NgramModel:
    """Vocabulary, inverse document frequencies and one weight column per output."""

    vocabulary: dict[str, int]
    idf: np.ndarray[Any, np.dtype[np.float64]]
    weights: np.ndarray[Any, np.dtype[np.float64]]  # (features, outputs)
    bias: np.ndarray[Any, np.dtype[np.float64]]
    outputs: tuple[str, ...]  # label values

    def probabilities(self, text: str) -> dict[str, float]:
        """Each output's probability for one text (TF-IDF, sublinear tf, L2-normalized)."""
        counts = Counter(g for g in char_ngrams(text) if g in self.vocabulary)
        if not counts:
            scores = self.bias
        else:
            index = np.fromiter((self.vocabulary[g] for g in counts), dtype=np.int64)
            tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64)
            values = tf * self.idf[index]
            values /= np.linalg.norm(values)
            scores = values @ self.weights[index] + self.bias
        return {
            name: 1.0 / (1.0 + math.exp(-s)) for name, s in zip(self.outputs, scores, strict=True)
        }


def model_from_dict(data: dict[str, Any]) -> NgramModel:
    """Build the model from its JSON form (as `train.py` writes it)."""
    return NgramModel(
        vocabulary={gram: i for i, gram in enumerate(data["vocabulary"])},
        idf=np.asarray(data["idf"], dtype=np.float64),
        weights=np.asarray(data["weights"], dtype=np.float64),
        bias=np.asarray(data["bias"], dtype=np.float64),
        outputs=tuple(data["outputs"]),
    )


@cache
def load_ngram_model() -> NgramModel:
    """Read the shipped weights once per process."""
    path = resources.files("dinner1.safety.moderation").joinpath(*WEIGHTS_FILE)
    return model_from_dict(json.loads(path.read_text(encoding="utf-8")))


def _stands_alone(label: Label, probabilities: dict[str, float]) -> bool:
    p = probabilities[label.value]
    if p < PRIMARY[label]:
        return False
    if label is not Label.SELF_HARM:
        return True
    others = (probabilities[other.value] for other in Label if other is not label)
    return p - max(others) >= CRISIS_MARGIN


def model_hits(views: TextViews, model: NgramModel | None = None) -> list[Hit]:
    """The model's evidence for one message, as primary hits and hints."""
    probabilities = (model or load_ngram_model()).probabilities(ngram_text(views))
    hits = []
    for label in Label:
        if _stands_alone(label, probabilities):
            hits.append(Hit(label, Severity.MILD, f"{SOURCE}:{label.value}"))
        elif label is Label.SELF_HARM and probabilities[label.value] >= CRISIS_HINT:
            hint = Hit(label, Severity.MILD, f"{SOURCE}:{label.value}", corroborates_only=True)
            hits.append(hint)
    return hits
