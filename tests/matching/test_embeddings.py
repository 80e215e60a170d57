"""Sentence embeddings: the ONNX Runtime graph exported from the shipped weights gives
torch's vectors, is cached whole or not at all, and torch serves whenever it cannot."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from dinner1.matching import embedding_export, embeddings

TEXTS = [
    "I feel understood when someone listens without trying to fix me.",
    "Une soirée lente : un thé sur une terrasse, et parler jusqu'à ce que la ville se taise.",
    "أحب الأمسيات الهادئة مع العائلة",
    "sea",
    # Beyond the model's 256-token window.
    " ".join(["honesty travel laugh cooking music mountains"] * 80),
]


@pytest.fixture(scope="module")
def torch_encoder() -> embeddings.TorchEncoder:
    return embeddings.TorchEncoder(embeddings.model_dir())


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model cache holding one export made by `_load_encoder`, as the app makes it."""
    folder = tmp_path_factory.mktemp("models")
    encoder = embeddings._load_encoder(folder)
    assert encoder.backend == "onnxruntime"
    return folder


def no_tracing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(embedding_export, "_trace", refuse)


def test_the_served_encoder_is_onnx_runtime_and_equals_torch(
    torch_encoder: embeddings.TorchEncoder,
) -> None:
    served = embeddings.load_model()
    assert served.backend == "onnxruntime"
    vectors = embeddings.embed(TEXTS)
    expected = torch_encoder.encode(TEXTS, 32)
    assert vectors.shape == (len(TEXTS), embeddings.DIMENSIONS)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(vectors * expected, axis=1)) > 0.9999
    # Different texts stay different: the graph did not freeze on the traced sample.
    assert np.max(vectors[0] @ vectors[1:].T) < 0.95


def test_order_and_batching_do_not_change_a_vector() -> None:
    together = embeddings.embed(TEXTS, batch_size=2)
    alone = np.concatenate([embeddings.embed([text]) for text in TEXTS])
    reversed_order = embeddings.embed(TEXTS[::-1], batch_size=3)[::-1]
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(together, reversed_order, atol=1e-5)
    assert embeddings.embed([]).shape == (0, embeddings.DIMENSIONS)


def test_a_cached_export_is_loaded_without_torch_tracing(
    exported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_tracing(monkeypatch)
    manifest = json.loads(next(exported.glob("*.json")).read_text())
    assert manifest["parity_min_cosine"] >= embedding_export.PARITY_MIN_COSINE
    encoder = embeddings._load_encoder(exported)
    assert encoder.backend == "onnxruntime"
    assert encoder.encode(["sea"], 32).shape == (1, embeddings.DIMENSIONS)


def test_a_damaged_cached_graph_is_exported_again(exported: Path, tmp_path: Path) -> None:
    for path in exported.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    graph = next(tmp_path.glob("*.onnx"))
    whole = graph.read_bytes()
    graph.write_bytes(whole[: len(whole) // 2])
    fingerprint = embedding_export.fingerprint(embeddings.model_dir())
    assert embedding_export.cached_graph(tmp_path, fingerprint) is None
    encoder = embeddings._load_encoder(tmp_path)
    assert encoder.backend == "onnxruntime"
    restored = embedding_export.cached_graph(tmp_path, fingerprint)
    # A whole graph again, whose digest matches its manifest.
    assert restored is not None and restored.stat().st_size > len(whole) // 2


def test_another_model_does_not_use_the_cached_graph(exported: Path) -> None:
    assert embedding_export.cached_graph(exported, "0" * 24) is None


def test_an_export_that_differs_from_torch_is_never_published(
    torch_encoder: embeddings.TorchEncoder, tmp_path: Path
) -> None:
    def skewed(graph: Path) -> embedding_export.Encode:
        def encode(texts: Sequence[str]) -> np.ndarray:
            vectors = torch_encoder.encode(texts, 32)
            vectors[:, 0] += 0.5
            return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

        return encode

    with pytest.raises(embedding_export.ExportFailed, match="differ"):
        embedding_export.export_graph(
            embeddings.model_dir(),
            tmp_path,
            "f" * 24,
            reference=lambda texts: torch_encoder.encode(texts, 32),
            graph_encoder=skewed,
        )
    assert list(tmp_path.iterdir()) == []


def test_torch_serves_when_the_export_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise embedding_export.ExportFailed("tracing failed: no")

    monkeypatch.setattr(embedding_export, "_trace", broken)
    encoder = embeddings._load_encoder(tmp_path)
    assert encoder.backend == "torch"
    assert encoder.encode(["sea"], 32).shape == (1, embeddings.DIMENSIONS)
    assert not list(tmp_path.glob("*.json"))


def test_a_process_that_loaded_usearch_first_embeds_with_torch_and_does_not_crash() -> None:
    script = (
        "import usearch.index\n"
        "from dinner1.matching import embeddings\n"
        "print(embeddings.load_model().backend, embeddings.embed(['sea']).shape)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[0] == "torch"
