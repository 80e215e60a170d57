"""Fit the character n-gram model (`ngram_model.py`) on a labelled set; write its weights.

    python -m dinner1.safety.moderation.train tests/safety/data/moderation_dev.jsonl

Train on the dev set only: the held-out test set must stay unseen. Fitting needs
scikit-learn (installed with sentence-transformers); classifying needs only numpy. The
fit is deterministic, so the same set gives the same weights. The command also prints,
from 5-fold out-of-fold predictions, how many benign messages and crises each threshold
would flag: the numbers the thresholds in `ngram_model.py` were chosen from.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from dinner1.safety.moderation.classifier import read_message
from dinner1.safety.moderation.ngram_model import (
    WEIGHTS_FILE,
    char_ngrams,
    model_from_dict,
    ngram_text,
)
from dinner1.safety.moderation.result import Label
from dinner1.safety.moderation.rules import load_rule_book

OUTPUTS = tuple(label.value for label in Label)
KEPT_FEATURES = 3000
REGULARIZATION_C = 10.0
FOLDS = 5


def load_rows(path: Path) -> list[dict[str, Any]]:
    """The JSON lines of a labelled set."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def targets(rows: Sequence[dict[str, Any]]) -> dict[str, np.ndarray[Any, Any]]:
    """One 0/1 column per label."""
    return {
        label: np.array([label in row["labels"] for row in rows], dtype=int) for label in OUTPUTS
    }


def _fit_outputs(texts: list[str], y: dict[str, Any], vocabulary: list[str] | None) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    vectorizer = TfidfVectorizer(
        analyzer=char_ngrams, sublinear_tf=True, min_df=2, vocabulary=vocabulary
    )
    matrix = vectorizer.fit_transform(texts)
    models = {
        name: LogisticRegression(C=REGULARIZATION_C, class_weight="balanced", max_iter=5000).fit(
            matrix, y[name]
        )
        for name in OUTPUTS
    }
    return vectorizer, models


def dataset_digest(path: Path) -> str:
    """SHA-256 of a labelled set's bytes: the weights name the set they were fitted on."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fit(texts: list[str], rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Fit on all n-grams, keep the strongest `KEPT_FEATURES`, refit on those."""
    y = targets(rows)
    vectorizer, models = _fit_outputs(texts, y, None)
    names = vectorizer.get_feature_names_out()
    strength = np.max(np.abs(np.vstack([models[n].coef_[0] for n in OUTPUTS])), axis=0)
    kept = sorted(names[np.argsort(-strength)[:KEPT_FEATURES]].tolist())
    vectorizer, models = _fit_outputs(texts, y, kept)
    return {
        "outputs": list(OUTPUTS),
        "vocabulary": kept,
        "idf": [round(float(v), 5) for v in vectorizer.idf_],
        "weights": [
            [round(float(models[n].coef_[0][i]), 5) for n in OUTPUTS] for i in range(len(kept))
        ],
        "bias": [round(float(models[n].intercept_[0]), 5) for n in OUTPUTS],
    }


def model_texts(rows: Sequence[dict[str, Any]]) -> list[str]:
    """What the model reads of each message, exactly as `classify` prepares it."""
    book = load_rule_book()
    return [ngram_text(read_message(str(row["text"]), book).views) for row in rows]


def out_of_fold(texts: list[str], rows: Sequence[dict[str, Any]]) -> list[dict[str, float]]:
    """Each message's probabilities from a model fitted without its fold."""
    predictions: list[dict[str, float]] = [{} for _ in rows]
    for fold in range(FOLDS):
        train = [i for i in range(len(rows)) if i % FOLDS != fold]
        model = model_from_dict(fit([texts[i] for i in train], [rows[i] for i in train]))
        for i in range(fold, len(rows), FOLDS):
            predictions[i] = model.probabilities(texts[i])
    return predictions


def _top_label(probabilities: dict[str, float]) -> float:
    return max(probabilities[label.value] for label in Label)


def report_thresholds(rows: Sequence[dict[str, Any]], predictions: list[dict[str, float]]) -> None:
    """Benign flagged and crises caught per threshold, out of fold."""
    pairs = list(zip(rows, predictions, strict=True))
    benign = [p for row, p in pairs if not row["labels"]]
    harmful = [p for row, p in pairs if row["labels"]]
    crises = [p for row, p in pairs if "self_harm" in row["labels"]]
    others = [p for row, p in pairs if "self_harm" not in row["labels"]]
    print(f"{'threshold':>9} {'benign flagged':>15} {'harmful':>8} {'crises':>7} {'wrong esc':>9}")
    for threshold in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9):
        flagged = sum(_top_label(p) >= threshold for p in benign)
        caught = sum(_top_label(p) >= threshold for p in harmful)
        escalated = sum(p["self_harm"] >= threshold for p in crises)
        wrong = sum(p["self_harm"] >= threshold for p in others)
        print(
            f"{threshold:>9} {flagged:>7}/{len(benign):<7} {caught:>4}/{len(harmful):<4}"
            f" {escalated:>3}/{len(crises):<3} {wrong:>9}"
        )


def main() -> None:
    """Fit on the given set, write the weights, print the out-of-fold threshold table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path, help="labelled JSON lines (the dev set)")
    parser.add_argument("--no-report", action="store_true", help="skip the 5-fold table")
    args = parser.parse_args()
    rows = load_rows(args.dataset)
    texts = model_texts(rows)
    weights = {"trained_on": dataset_digest(args.dataset), **fit(texts, rows)}
    out = Path(__file__).parent.joinpath(*WEIGHTS_FILE)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(weights, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {out} ({len(weights['vocabulary'])} n-grams, {len(rows)} messages)")
    if not args.no_report:
        report_thresholds(rows, out_of_fold(texts, rows))


if __name__ == "__main__":
    main()
