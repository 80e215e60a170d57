"""Fitting the breakdown weights from outcomes, and measuring how well scores rank them.

A small L2-regularised logistic regression with non-negative weights: every component
may only ever help a pair, so a learned model stays explainable as "what mattered".
Plain numpy: a few features, a few thousand rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def roc_auc(scores: Sequence[float] | FloatArray, labels: Sequence[int] | FloatArray) -> float:
    """Probability that a random positive outranks a random negative (ties count half)."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    positives, negatives = int(y.sum()), int(len(y) - y.sum())
    if positives == 0 or negatives == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s), dtype=np.float64)
    sorted_scores = s[order]
    # Average ranks over ties.
    boundaries = np.flatnonzero(np.diff(sorted_scores)) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [len(s)]))
    for start, end in zip(starts, ends, strict=True):
        ranks[order[start:end]] = (start + end + 1) / 2
    return float((ranks[y == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def fit_nonnegative_logistic(
    features: FloatArray, labels: FloatArray, l2: float = 1.0, iterations: int = 500
) -> tuple[FloatArray, float]:
    """(weights ≥ 0, intercept) by projected gradient descent on the mean log-loss."""
    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / std
    weights = np.zeros(x.shape[1])
    intercept = float(np.log((y.mean() + 1e-9) / (1 - y.mean() + 1e-9)))
    step = 0.5
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(z @ weights + intercept)))
        gradient = z.T @ (p - y) / len(y) + l2 * weights / len(y)
        weights = np.maximum(weights - step * gradient, 0.0)
        intercept -= step * float(np.mean(p - y))
    # Back to the unstandardised scale, so weights apply to raw components.
    raw = weights / std
    return raw, intercept - float(raw @ mean)


def to_mixture_weights(raw: FloatArray, names: Sequence[str]) -> dict[str, float]:
    """Normalise fitted weights into the engine's weighted-mean form (sum to 1)."""
    total = float(raw.sum())
    if total <= 0:
        return {name: 1.0 / len(names) for name in names}
    return {name: round(float(w) / total, 4) for name, w in zip(names, raw, strict=True)}
