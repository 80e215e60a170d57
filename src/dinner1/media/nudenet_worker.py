"""The child side of `NudeNetProcess`: pixels in on stdin, detections out on stdout.

Run as a script by path (not as part of the package) so the child imports nothing but
onnxruntime, NumPy and NudeNet. Frames: a request is a 12-byte header (height, width,
channels as big-endian uint32) and the BGR bytes; a reply is a 4-byte length and a JSON
object, `{"detections": [[label, score], ...]}` or `{"error": message}`.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import struct
import sys
from pathlib import Path
from typing import IO, Any

import numpy as np

REQUEST_HEADER = struct.Struct(">III")
REPLY_HEADER = struct.Struct(">I")


def forbid_network() -> None:
    """Make any attempt to open a connection fail, so the check provably runs offline."""

    def refuse(*_args: object, **_kwargs: object) -> Any:
        raise OSError("the nudity detector has no network access")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse
    socket.getaddrinfo = refuse


def nudenet_model_path() -> Path:
    """The ONNX file inside the installed `nudenet` package."""
    spec = importlib.util.find_spec("nudenet")
    if spec is None or spec.origin is None:
        raise RuntimeError("The nudenet package is not installed.")
    return Path(spec.origin).parent / "320n.onnx"


def load_detector() -> Any:
    """NudeNet's detector on the model file it ships, never a downloaded one."""
    from nudenet import NudeDetector

    model_path = nudenet_model_path()
    if not model_path.is_file():
        raise RuntimeError(f"NudeNet's model is missing at {model_path}.")
    return NudeDetector(model_path=str(model_path))


def read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    """`size` bytes, or None when the parent has closed the pipe."""
    data = stream.read(size)
    return data if len(data) == size else None


def answer(detector: Any, header: bytes, stream: IO[bytes]) -> dict[str, Any]:
    """Run the detector on one frame of pixels."""
    height, width, channels = REQUEST_HEADER.unpack(header)
    pixels = read_exactly(stream, height * width * channels)
    if pixels is None:
        raise EOFError
    try:
        array = np.frombuffer(pixels, dtype=np.uint8).reshape(height, width, channels)
        boxes = detector.detect(array)
    except Exception as error:
        return {"error": f"{type(error).__name__}: {error}"}
    return {"detections": [[str(box["class"]), float(box["score"])] for box in boxes]}


def serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    """Answer frames until the parent closes stdin."""
    forbid_network()
    detector = load_detector()
    while (header := read_exactly(requests, REQUEST_HEADER.size)) is not None:
        try:
            reply = json.dumps(answer(detector, header, requests)).encode()
        except EOFError:
            return
        replies.write(REPLY_HEADER.pack(len(reply)) + reply)
        replies.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
