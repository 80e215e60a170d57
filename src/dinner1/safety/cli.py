"""`dinner1 safety`: trust-and-safety tools for operators."""

from __future__ import annotations

import sys
from typing import Any

import click
import orjson


@click.group()
def safety() -> None:
    """Trust and safety: moderation tools."""


def _error(message: str, parsed: dict[str, Any] | None = None) -> dict[str, Any]:
    verdict: dict[str, Any] = {"error": message}
    if parsed is not None and "id" in parsed:
        verdict["id"] = parsed["id"]
    return verdict


def _parse_line(raw: bytes) -> dict[str, Any] | str:
    """The JSON object on one input line, or what is wrong with the line."""
    line = raw.rstrip(b"\r\n")
    if not line.strip():
        return "empty line"
    try:
        decoded = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"invalid UTF-8 at byte {exc.start}"
    try:
        parsed = orjson.loads(decoded)
    except orjson.JSONDecodeError:
        return "not JSON"
    if not isinstance(parsed, dict):
        return 'expected a JSON object like {"text": "..."}'
    return parsed


def classify_line(
    raw: bytes, *, locale: str | None, messages_exchanged: int | None
) -> dict[str, Any]:
    """One output object for one input line: a verdict, or an `error` saying why not."""
    from dinner1.safety.moderation import classify

    parsed = _parse_line(raw)
    if isinstance(parsed, str):
        return _error(parsed)
    text = parsed.get("text")
    if text is None:
        return _error('missing "text"', parsed)
    if not isinstance(text, str):
        return _error('"text" must be a string', parsed)
    if not text.strip():
        return _error('"text" is empty', parsed)
    line_locale = parsed.get("locale")
    try:
        result = classify(
            text,
            locale=line_locale if isinstance(line_locale, str) else locale,
            messages_exchanged=messages_exchanged,
        )
    except Exception as exc:  # one bad line must not end a batch of thousands
        return _error(f"classifier failed: {type(exc).__name__}", parsed)
    verdict = result.to_dict()
    if "id" in parsed:
        verdict = {"id": parsed["id"], **verdict}
    return verdict


@safety.command("classify")
@click.option("--locale", default=None, help="Language to assume when a text gives no clue.")
@click.option(
    "--messages-exchanged",
    type=click.IntRange(min=0),
    default=None,
    help="How far into a conversation the texts are (contact sharing passes late on).",
)
def classify_command(locale: str | None, messages_exchanged: int | None) -> None:
    """Classify JSON lines {"text": ...} from stdin: one JSON verdict per line, in order.

    Each output line has `action`, `labels`, `score` and `explanation`, or `error` for a
    line that cannot be classified (invalid UTF-8, not JSON, no text). An input `id` is
    echoed back.
    """
    stdout = sys.stdout.buffer
    for raw in sys.stdin.buffer:
        verdict = classify_line(raw, locale=locale, messages_exchanged=messages_exchanged)
        stdout.write(orjson.dumps(verdict) + b"\n")
        stdout.flush()
