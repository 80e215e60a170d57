"""`dinner1 safety classify` as operators run it: a subprocess reading JSON lines."""

from __future__ import annotations

import json
import subprocess
import sys


def run_classify(payload: bytes, *args: str) -> list[dict[str, object]]:
    completed = subprocess.run(
        [sys.executable, "-m", "dinner1", "safety", "classify", *args],
        input=payload,
        capture_output=True,
        timeout=120,
        check=True,
    )
    return [json.loads(line) for line in completed.stdout.decode("utf-8").splitlines()]


def test_one_output_line_per_input_line_in_order_whatever_the_input() -> None:
    big = json.dumps({"text": "nice terrace view " * 6000}).encode()  # ~100 KB
    lines = [
        b'{"text": "ghadi n9tlek", "id": 1}',
        b"",
        b"\xff\xfe\x00 not utf-8",
        b"not json at all",
        b"[1, 2, 3]",
        b'{"message": "no text field"}',
        b'{"text": 42}',
        b'{"text": "   "}',
        big,
        '{"text": "I\'m dying to try that café"}'.encode(),
        b'{"text": "bghit nmout"}',
    ]
    out = run_classify(b"\n".join(lines) + b"\n")
    assert len(out) == len(lines)
    explanation = out[0].pop("explanation")
    assert out[0] == {
        "id": 1,
        "action": "block",
        "labels": ["threat"],
        "score": 0.97,
        "language": "ary-Latn",
    }
    assert isinstance(explanation, list)
    assert explanation[0] == "threat.ary-latn.harm_you"
    errors = [str(row.get("error", "")) for row in out[1:8]]
    assert errors[0] == "empty line"
    assert errors[1].startswith("invalid UTF-8")
    assert errors[2] == "not JSON"
    assert errors[3].startswith("expected a JSON object")
    assert errors[4] == 'missing "text"'
    assert errors[5] == '"text" must be a string'
    assert errors[6] == '"text" is empty'
    assert out[8]["action"] == "allow"
    assert out[9]["action"] == "allow"
    assert out[10]["action"] == "escalate"


def test_last_line_without_newline_and_crlf_endings_are_read() -> None:
    out = run_classify(b'{"text": "send nudes"}\r\n{"text": "see you at 8"}')
    assert [row["action"] for row in out] == ["block", "allow"]


def test_messages_exchanged_option_applies_to_every_line() -> None:
    payload = b'{"text": "add me on whatsapp"}\n'
    assert run_classify(payload)[0]["action"] == "warn"
    assert run_classify(payload, "--messages-exchanged", "50")[0]["action"] == "allow"


def test_empty_stdin_writes_nothing() -> None:
    assert run_classify(b"") == []
