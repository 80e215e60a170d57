"""Sentence embeddings: the ONNX Runtime graph exported from the shipped weights gives
torch's vectors, is cached whole or not at all, and torch serves whenever it cannot."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
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

    monkeypatch.setattr(embedding_export, "export_in_child", refuse)


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


@pytest.mark.parametrize("threads", [1, 2])
def test_order_and_batching_do_not_change_a_vector(exported: Path, threads: int) -> None:
    fingerprint = embedding_export.fingerprint(embeddings.model_dir())
    graph = embedding_export.cached_graph(exported, fingerprint)
    assert graph is not None
    encoder = embeddings.OnnxEncoder(embeddings.model_dir(), graph, threads=threads)
    together = encoder.encode(TEXTS, batch_size=2)
    alone = np.concatenate([encoder.encode([text], 32) for text in TEXTS])
    reversed_order = encoder.encode(TEXTS[::-1], batch_size=3)[::-1]
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


def test_the_cache_is_keyed_by_the_model_files(exported: Path, tmp_path: Path) -> None:
    shipped = embeddings.model_dir()
    fingerprint = embedding_export.fingerprint(shipped)
    # Another model: the same files but one, linked rather than copied.
    other_model = tmp_path / "model"
    for name in embedding_export.MODEL_FILES:
        (other_model / name).parent.mkdir(parents=True, exist_ok=True)
        (other_model / name).symlink_to(shipped / name)
    assert embedding_export.fingerprint(other_model) == fingerprint
    (other_model / "config.json").unlink()
    config = json.loads((shipped / "config.json").read_text())
    (other_model / "config.json").write_text(json.dumps({**config, "hidden_dropout_prob": 0.2}))
    other = embedding_export.fingerprint(other_model)
    assert other != fingerprint
    # Its manifest would have to name it: a copy of ours under its name is not used.
    manifest = json.loads((exported / f"{fingerprint}.json").read_text())
    (tmp_path / f"{other}.json").write_text(json.dumps(manifest))
    (tmp_path / manifest["graph"]).symlink_to(exported / manifest["graph"])
    assert embedding_export.cached_graph(tmp_path, other) is None
    # Nor is a graph outside the cache folder.
    (tmp_path / f"{other}.json").write_text(
        json.dumps({**manifest, "fingerprint": other, "graph": f"../{exported.name}/x.onnx"})
    )
    assert embedding_export.cached_graph(tmp_path, other) is None


def test_parity_refuses_vectors_that_are_not_the_references() -> None:
    rng = np.random.default_rng(3)
    unit = rng.normal(size=(len(embedding_export.PROBES), 8)).astype(np.float32)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)

    def reference(texts: Sequence[str]) -> np.ndarray:
        return unit[[embedding_export.PROBES.index(text) for text in texts]]

    assert embedding_export.parity(reference, reference) == pytest.approx(1.0)
    assert embedding_export.parity(reference, lambda texts: reference(texts) * 3) == 0.0
    assert embedding_export.parity(reference, lambda texts: reference(texts) * np.nan) == 0.0
    assert embedding_export.parity(reference, lambda texts: -reference(texts)) < 0


def test_one_process_exports_at_a_time_and_a_waiting_one_reuses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, torch_encoder: embeddings.TorchEncoder
) -> None:
    (tmp_path / ".export-killed.onnx").write_bytes(b"left by a killed export")
    (tmp_path / "0123.json").write_text("{}")
    traced = []
    trace = embedding_export._trace

    def counted(model_dir: Path, target: Path) -> None:
        traced.append(target)
        trace(model_dir, target)

    monkeypatch.setattr(embedding_export, "_trace", counted)
    fingerprint = embedding_export.fingerprint(embeddings.model_dir())

    def export() -> Path:
        return embedding_export.export_graph(
            embeddings.model_dir(),
            tmp_path,
            fingerprint,
            reference=lambda: lambda texts: torch_encoder.encode(texts, 32),
            graph_encoder=lambda graph: (
                lambda texts: embeddings.OnnxEncoder(embeddings.model_dir(), graph).encode(
                    texts, 32
                )
            ),
        )

    with ThreadPoolExecutor(2) as pool:
        graphs = list(pool.map(lambda _: export(), range(2)))
    assert len(traced) == 1 and graphs[0] == graphs[1]
    names = {path.name for path in tmp_path.iterdir()}
    assert names == {graphs[0].name, f"{fingerprint}.json", embedding_export.LOCK}
    mode = graphs[0].stat().st_mode & 0o777
    assert mode & 0o044, f"owner-only graph: {oct(mode)}"


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
            reference=lambda: lambda texts: torch_encoder.encode(texts, 32),
            graph_encoder=skewed,
        )
    assert [path.name for path in tmp_path.iterdir()] == [embedding_export.LOCK]


def test_torch_serves_when_the_export_fails(tmp_path: Path) -> None:
    # The export process cannot create its folder under a file: it fails, for real.
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    encoder = embeddings._load_encoder(blocked / "models")
    assert encoder.backend == "torch"
    assert encoder.encode(["sea"], 32).shape == (1, embeddings.DIMENSIONS)


def test_an_export_process_that_fails_or_leaves_nothing_is_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedding_export, "CHILD", "import sys; sys.exit(0)")
    with pytest.raises(embedding_export.ExportFailed, match="no usable graph"):
        embedding_export.export_in_child(tmp_path, "f" * 24)
    monkeypatch.setattr(embedding_export, "CHILD", "import sys; sys.exit('tracing broke')")
    with pytest.raises(embedding_export.ExportFailed, match="tracing broke"):
        embedding_export.export_in_child(tmp_path, "f" * 24)


def test_a_serving_process_exports_without_ever_loading_torch(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from dinner1.matching import index, embeddings\n"
        "embeddings.use_model_cache(Path(sys.argv[1]))\n"
        "encoder = embeddings.load_model()\n"
        "print(encoder.backend, 'torch' in sys.modules, embeddings.embed(['sea']).shape)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[:2] == ["onnxruntime", "False"]
    assert list(tmp_path.glob("*.onnx")) and list(tmp_path.glob("*.json"))


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
