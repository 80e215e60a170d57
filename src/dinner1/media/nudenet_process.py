"""NudeNet in a child interpreter of its own.

onnxruntime must be imported before usearch (the matching index): usearch carries a
static copy of the C++ runtime whose locale tables clash with the shared one, and
importing onnxruntime afterwards segfaults. The app imports it first (matching.index);
this child imports it first whatever it loads. The child exists for isolation: a crash
of native code on a hostile image costs the child, never the web worker.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dinner1.media.errors import NudityCheckUnavailable
from dinner1.media.nudenet_worker import REPLY_HEADER, REQUEST_HEADER

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

WORKER_SCRIPT = Path(__file__).with_name("nudenet_worker.py")
# onnxruntime first, before anything else can load a conflicting C++ runtime.
BOOTSTRAP = "import onnxruntime, runpy, sys; runpy.run_path(sys.argv[1], run_name='__main__')"
# Covers starting the child and loading the model (about a second) on the first call.
REPLY_TIMEOUT_SECONDS = 30.0


class NudeNetProcess:
    """One child running NudeNet, started on first use and restarted if it dies."""

    def __init__(self, reply_timeout: float = REPLY_TIMEOUT_SECONDS) -> None:
        self.reply_timeout = reply_timeout
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None

    def detect(self, pixels: NDArray[np.uint8]) -> list[tuple[str, float]]:
        """(label, score) for every box NudeNet finds in a BGR uint8 image."""
        with self._lock:
            try:
                reply = self._exchange(pixels)
            except (BrokenPipeError, EOFError):
                # The child died since the last call; one fresh start, then give up.
                self._stop()
                try:
                    reply = self._exchange(pixels)
                except (BrokenPipeError, EOFError) as error:
                    self._stop()
                    raise NudityCheckUnavailable("The nudity detector keeps stopping.") from error
        if "error" in reply:
            raise NudityCheckUnavailable(f"The detector failed: {reply['error']}")
        return [(str(label), float(score)) for label, score in reply["detections"]]

    def close(self) -> None:
        """Stop the child; the next call starts a new one."""
        with self._lock:
            self._stop()

    def _exchange(self, pixels: NDArray[np.uint8]) -> dict[str, Any]:
        requests, replies = self._child_pipes()
        frame = memoryview(REQUEST_HEADER.pack(*pixels.shape) + pixels.tobytes())
        while frame:
            frame = frame[os.write(requests, frame) :]
        deadline = time.monotonic() + self.reply_timeout
        header = self._read(replies, REPLY_HEADER.size, deadline)
        body = self._read(replies, REPLY_HEADER.unpack(header)[0], deadline)
        reply: dict[str, Any] = json.loads(body)
        return reply

    def _read(self, fd: int, size: int, deadline: float) -> bytes:
        # Raw reads on the descriptor: a buffered reader could hold the reply while
        # select() waits for bytes that already arrived.
        chunks: list[bytes] = []
        while size:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                self._stop()
                raise NudityCheckUnavailable("The nudity detector did not answer in time.")
            chunk = os.read(fd, size)
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def _child_pipes(self) -> tuple[int, int]:
        """The running child's stdin and stdout descriptors, starting it if needed."""
        if self._child is None or self._child.poll() is not None:
            self._child = subprocess.Popen(  # noqa: S603 - our interpreter, our script
                [sys.executable, "-c", BOOTSTRAP, str(WORKER_SCRIPT)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        if self._child.stdin is None or self._child.stdout is None:
            raise NudityCheckUnavailable("The nudity detector could not be started.")
        return self._child.stdin.fileno(), self._child.stdout.fileno()

    def _stop(self) -> None:
        if self._child is not None:
            self._child.kill()
            self._child.wait()
            for pipe in (self._child.stdin, self._child.stdout):
                if pipe is not None:
                    pipe.close()
            self._child = None
