"""Image pipeline latency: Dinner1's upload processing and nudity check against bare baselines.

(a) baseline upload: Pillow decodes the upload, resizes it to 1600 px and encodes one WebP —
    the least any pipeline must do. (b) `process_upload`: container walk, bomb and polyglot
    checks, orientation, sRGB, WebP + AVIF + blurred stand-in, perceptual fingerprint.
(c) baseline nudity: NudeNet's own `detect()` on the normalized bytes, in this process.
(d) `assess_nudity`: Pillow decode, then NudeNet in its child process.
Rounds are interleaved so a slow phase of the machine hits every target; the medians and
p95 are printed with the ratios (b)/(a) and (d)/(c), and the last line is one JSON object.

    python bench/images.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from PIL import Image, ImageDraw, ImageFilter

from dinner1.media import assess_nudity, process_upload
from dinner1.media.nudenet_worker import load_detector


def generated_photo(size: tuple[int, int], seed: int = 7) -> Image.Image:
    """A photo-sized scene of soft shapes and fine strokes (compresses like a photo)."""
    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    width, height = size
    for _ in range(60):
        left, top = rng.randrange(width), rng.randrange(height)
        right, bottom = left + rng.randrange(20, width // 3), top + rng.randrange(20, height // 3)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((left, top, right, bottom), fill=colour)
    for x in range(0, width, 7):
        draw.line((x, 0, x + rng.randrange(-200, 200), height), fill=(30, 30, 30))
    return image.filter(ImageFilter.GaussianBlur(1))


def encoded(image: Image.Image, fmt: str, **params: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def bare_upload(data: bytes) -> bytes:
    """The baseline: decode, resize to 1600 px, encode one WebP."""
    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail((1600, 1600), Image.Resampling.LANCZOS)
        return encoded(image.convert("RGB"), "WEBP", quality=82)


def timed_ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1)}


def measure(targets: dict[str, Callable[[], object]], rounds: int) -> dict[str, dict[str, float]]:
    """Run every target once per round, interleaved, after one warm-up call each."""
    for action in targets.values():
        action()
    samples: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(rounds):
        for name, action in targets.items():
            samples[name].append(timed_ms(action))
    return {name: summary(values) for name, values in samples.items()}


def upload_targets() -> dict[str, Callable[[], object]]:
    uploads = {
        "jpeg_12mp": encoded(generated_photo((4000, 3000)), "JPEG", quality=90),
        "png_3mp": encoded(generated_photo((2000, 1500)), "PNG"),
        "webp_1mp": encoded(generated_photo((1200, 900)), "WEBP", quality=85),
    }
    targets: dict[str, Callable[[], object]] = {}
    for name, data in uploads.items():
        targets[f"{name} (a) baseline"] = lambda data=data: bare_upload(data)
        targets[f"{name} (b) process_upload"] = lambda data=data: process_upload(data)
        targets[f"{name} (b) without AVIF"] = lambda data=data: process_upload(
            data, with_avif=False
        )
    return targets


def nudity_targets() -> tuple[dict[str, Callable[[], object]], int]:
    normalized = process_upload(encoded(generated_photo((4000, 3000)), "JPEG")).normalized.data
    cold_ms = round(timed_ms(lambda: assess_nudity(normalized)))
    detector = load_detector()
    targets: dict[str, Callable[[], object]] = {
        "nudity (c) baseline": lambda: detector.detect(normalized),
        "nudity (d) assess_nudity": lambda: assess_nudity(normalized),
    }
    return targets, cold_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    results = measure(upload_targets(), rounds)
    targets, cold_ms = nudity_targets()
    results |= measure(targets, rounds)
    for name, figures in results.items():
        print(f"{name:38} p50 {figures['p50_ms']:8.1f} ms   p95 {figures['p95_ms']:8.1f} ms")
    ratios = {}
    for prefix in ("jpeg_12mp", "png_3mp", "webp_1mp"):
        pipeline = results[f"{prefix} (b) process_upload"]["p50_ms"]
        baseline = results[f"{prefix} (a) baseline"]["p50_ms"]
        ratios[f"{prefix} (b)/(a)"] = round(pipeline / baseline, 2)
    checked = results["nudity (d) assess_nudity"]["p50_ms"]
    ratios["nudity (d)/(c)"] = round(checked / results["nudity (c) baseline"]["p50_ms"], 2)
    for name, ratio in ratios.items():
        print(f"ratio {name}: {ratio}")
    print(f"nudity first call (starts the child, loads the model): {cold_ms:.0f} ms")
    report = {"rounds": rounds, "results": results, "ratios": ratios, "nudity_cold_ms": cold_ms}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
