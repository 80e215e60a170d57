"""Moderation quality and speed on the labeled sets in tests/safety/data/.

    python bench/moderation.py [--repeat 5] [--probe new_probe.jsonl]

Prints per-label precision, recall and F1, the share of harmful messages caught (any action
but allow), of crises escalated, of benign messages flagged, a per-language breakdown, and
messages per second. The baseline measured in the same run is glin-profanity's own filter
(en, fr, ar lists, leetspeak on) deciding "flag or allow" alone. The last line is one JSON
object.

Which numbers to believe: the test set was written before any rule existed, is never
tuned on and never trained on. The dev set is what the rules were tuned on and what the
character n-gram model (`ngram_model.py`) is trained on, so its figures are training
figures. Generalization is measured only by blind probes: sets of new messages written
before the classifier saw them, run once, then merged into dev. Their first runs:

| round | harmful caught | crises escalated | benign flagged | classifier then |
|---|---|---|---|---|
| 1 | 18/57 (31.6%) | 2/12 | 6/43 (14.0%) | original rules |
| 2 | 26/56 (46.4%) | 1/12 | 4/40 (10.0%) | + rule families, framing |
| 3 | 20/54 (37.0%) | 3/11 | 1/44 (2.3%) | + hint families |
| 4 | 37/56 (66.1%) | 7/12 | 4/42 (9.5%) | + n-gram model |
| 5 | 43/56 (76.8%) | 6/12 | 1/40 (2.5%) | + model margin, explaining away |

Write the next probe before looking at the classifier's output and pass it as `--probe`
for its blind run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from glin_profanity import Filter  # type: ignore[import-untyped]

from dinner1.safety.moderation import Label, classify, warm_up

DATA = Path(__file__).resolve().parent.parent / "tests" / "safety" / "data"
SETS = {"test": DATA / "moderation_test.jsonl", "dev": DATA / "moderation_dev.jsonl"}


@dataclass
class Verdict:
    """What a moderator decided for one message: flagged at all, escalated, which labels."""

    flagged: bool
    escalated: bool
    labels: frozenset[str]


@dataclass
class Tally:
    """Counts for one group of messages."""

    harmful: int = 0
    caught: int = 0
    crises: int = 0
    escalated: int = 0
    benign: int = 0
    benign_flagged: int = 0
    wrongly_escalated: int = 0
    label_counts: dict[str, list[int]] = field(default_factory=dict)  # label → [tp, fp, fn]

    def add(self, gold: frozenset[str], verdict: Verdict) -> None:
        """Count one message."""
        if gold:
            self.harmful += 1
            self.caught += verdict.flagged
        else:
            self.benign += 1
            self.benign_flagged += verdict.flagged
        if "self_harm" in gold:
            self.crises += 1
            self.escalated += verdict.escalated
        elif verdict.escalated:
            self.wrongly_escalated += 1
        for label in Label:
            counts = self.label_counts.setdefault(label.value, [0, 0, 0])
            predicted, actual = label.value in verdict.labels, label.value in gold
            counts[0] += predicted and actual
            counts[1] += predicted and not actual
            counts[2] += actual and not predicted


def rate(part: int, whole: int) -> float:
    """A share rounded for printing; 1.0 for an empty group (nothing to miss)."""
    return round(part / whole, 4) if whole else 1.0


def summary(tally: Tally) -> dict[str, object]:
    """The figures of one tally as plain numbers."""
    return {
        "messages": tally.harmful + tally.benign,
        "harmful_caught": rate(tally.caught, tally.harmful),
        "crisis_escalated": rate(tally.escalated, tally.crises),
        "benign_flagged": round(tally.benign_flagged / tally.benign, 4) if tally.benign else 0.0,
        "wrongly_escalated": tally.wrongly_escalated,
        "harmful": tally.harmful,
        "benign": tally.benign,
    }


def label_scores(tally: Tally) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 per label."""
    scores = {}
    for label, (tp, fp, fn) in tally.label_counts.items():
        precision, recall = rate(tp, tp + fp), rate(tp, tp + fn)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[label] = {
            "precision": precision,
            "recall": recall,
            "f1": round(f1, 4),
            "support": tp + fn,
        }
    return scores


def ours(text: str) -> Verdict:
    """Dinner1's classifier."""
    result = classify(text)
    labels = frozenset(label.value for label in result.labels)
    return Verdict(result.action != "allow", result.action == "escalate", labels)


def glin_baseline() -> Callable[[str], Verdict]:
    """glin-profanity's filter alone: profane means flagged, with no label and no crisis."""
    profanity = Filter({"languages": ["english", "french", "arabic"], "detect_leetspeak": True})

    def judge(text: str) -> Verdict:
        return Verdict(bool(profanity.is_profane(text)), False, frozenset())

    return judge


def evaluate(rows: list[dict[str, object]], judge: Callable[[str], Verdict]) -> dict[str, Tally]:
    """Tally every message overall ("all") and per language."""
    tallies: dict[str, Tally] = {"all": Tally()}
    for row in rows:
        gold = frozenset(str(label) for label in row["labels"])  # type: ignore[attr-defined]
        verdict = judge(str(row["text"]))
        tallies["all"].add(gold, verdict)
        tallies.setdefault(str(row["lang"]), Tally()).add(gold, verdict)
    return tallies


def messages_per_second(texts: list[str], judge: Callable[[str], Verdict], repeat: int) -> float:
    """Median throughput over `repeat` passes of all texts."""
    speeds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            judge(text)
        speeds.append(len(texts) / (time.perf_counter() - start))
    return round(statistics.median(speeds), 1)


def print_set(name: str, tallies: dict[str, Tally], baseline: dict[str, Tally]) -> None:
    """One set's tables: per label, overall against the baseline, per language."""
    print(f"\n== {name} ({summary(tallies['all'])['messages']} messages) ==")
    print(f"{'label':<18} {'prec':>6} {'recall':>6} {'f1':>6} {'support':>7}")
    for label, score in label_scores(tallies["all"]).items():
        print(
            f"{label:<18} {score['precision']:>6.3f} {score['recall']:>6.3f} "
            f"{score['f1']:>6.3f} {score['support']:>7}"
        )
    mine, theirs = summary(tallies["all"]), summary(baseline["all"])
    print(f"{'':<22} {'dinner1':>8} {'glin alone':>11}")
    for key in ("harmful_caught", "crisis_escalated", "benign_flagged", "wrongly_escalated"):
        print(f"{key:<22} {mine[key]:>8} {theirs[key]:>11}")
    print(f"{'language':<10} {'msgs':>5} {'caught':>7} {'crisis':>7} {'benign fp':>9}")
    for lang, tally in sorted(tallies.items()):
        if lang != "all":
            figures = summary(tally)
            print(
                f"{lang:<10} {figures['messages']:>5} {figures['harmful_caught']:>7} "
                f"{figures['crisis_escalated']:>7} {figures['benign_flagged']:>9}"
            )


def load(path: Path) -> list[dict[str, object]]:
    """The JSON lines of one labeled set."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def main() -> None:
    """Run both sets, print the tables, then the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed passes over the texts")
    parser.add_argument("--probe", type=Path, help="a new labeled set, for its blind run")
    args = parser.parse_args()
    warm_up()
    baseline_judge = glin_baseline()
    report: dict[str, object] = {}
    sets = SETS | ({"probe": args.probe} if args.probe else {})
    for name, path in sets.items():
        rows = load(path)
        tallies, baseline = evaluate(rows, ours), evaluate(rows, baseline_judge)
        print_set(name, tallies, baseline)
        report[name] = {
            **summary(tallies["all"]),
            "labels": label_scores(tallies["all"]),
            "languages": {k: summary(v) for k, v in tallies.items() if k != "all"},
            "baseline_glin": summary(baseline["all"]),
        }
    texts = [str(row["text"]) for path in SETS.values() for row in load(path)]
    speed = messages_per_second(texts, ours, args.repeat)
    baseline_speed = messages_per_second(texts, baseline_judge, args.repeat)
    print(f"\nthroughput: {speed} msg/s ({1000 / speed:.3f} ms/msg); glin alone {baseline_speed}")
    print(f"speed ratio dinner1 / glin alone: {speed / baseline_speed:.2f}")
    report["throughput_msgs_per_s"] = speed
    report["baseline_glin_msgs_per_s"] = baseline_speed
    print(json.dumps(report, ensure_ascii=False, separators=(",", ":")))


if __name__ == "__main__":
    main()
