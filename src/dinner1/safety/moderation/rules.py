"""The rule files (`rules/*.toml`): loaded and compiled once, then matched per message.

A rule names a label, a severity, the view it reads (`latin`, `arabizi`, `arabic`, `raw`)
and `words` or `patterns`. `needs_target = true` marks words that are only insults when
aimed at someone ("stupid" in "you're stupid", not in "a stupid mistake of mine"): they
count when a target marker (`targets.toml`: "you", "t'es", "nta", "يا"…) is within four
words and no first-person copula ("I'm", "je suis", "ana") comes just before, or when the
message is three words or fewer. `benign.toml` lists idioms ("dying
to try", "je meurs d'envie", "الجوع قتلني") whose spans are blanked before any harmful
rule runs, so the same words outside the idiom still count. `framing.toml` lists how a
message frames what it says (quoting someone to report them, a crisis overcome, a joke
about work); `framing.py` reads those. In patterns `$` is the end of the message.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from dinner1.safety.moderation.normalize import (
    ARABIC_SCRIPT,
    TextViews,
    fold_repeats,
    strip_latin_accents,
)
from dinner1.safety.moderation.patterns import (
    LATIN_BOUNDARY,
    WORD_BOUNDARY,
    arabizi_words,
    expand_arabic,
    expand_arabizi,
    expand_latin,
    latin_word,
)
from dinner1.safety.moderation.result import Hit, Label, Severity

RULE_FILES = (
    "benign",
    "insult",
    "hate",
    "threat",
    "sexual_harassment",
    "scam",
    "off_platform",
    "self_harm",
    "self_harm_hints",
)
FRAMING_FILE = "framing"
VIEWS = frozenset({"latin", "arabizi", "arabic", "raw"})
TARGET_WINDOW = 4
SELF_TALK_WINDOW = 3
SHORT_MESSAGE_TOKENS = 3
# Clitics glued to Arabic words: conjunctions, prepositions, the article, the vocative;
# object and possessive pronouns; feminine and plural endings.
# After folding, the article before "ل" is a lone "ا" ("الليل" → "اليل"), hence "ا".
_ARABIC_PREFIXES = (
    "وال",
    "فال",
    "بال",
    "كال",
    "لل",
    "ال",
    "يا",
    "وا",
    "فا",
    "با",
    "و",
    "ف",
    "ب",
    "ل",
    "ك",
    "ا",
)
_ARABIC_SUFFIXES = ("كم", "كي", "ها", "هم", "ني", "نا", "ات", "ين", "تك", "ك", "ه", "ي", "و")
_MIN_STEM = 2
_LATIN_LETTER = re.compile("[a-z]")


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled rule; no labels means a benign idiom that masks its span.

    `matchers` pairs each regex with the view it reads: a latin rule reads `latin`, and
    `latin_doubled` for words that folding would confuse with another ("ass"); an Arabizi
    rule reads `arabizi` and also `latin`, where leetspeak inside Arabizi is decoded.
    """

    rule_id: str
    labels: tuple[Label, ...]
    severity: Severity
    view: str
    matchers: tuple[tuple[str, re.Pattern[str]], ...]
    arabic_stems: frozenset[str]
    needs_target: bool
    corroborates_only: bool


@dataclass(frozen=True, slots=True)
class RuleBook:
    """Every rule, plus the per-view markers that aim a weak insult at someone or not."""

    benign: tuple[Rule, ...]
    harmful: tuple[Rule, ...]
    framing: dict[str, tuple[Rule, ...]]  # frame name → its cues
    targets: dict[str, re.Pattern[str]]
    self_talk: dict[str, re.Pattern[str]]

    def aims_at_reader(self, view: str, tokens: list[str], position: int) -> bool:
        """Whether the word at `position` is said of someone, not of the writer.

        A target marker ("you", "t'es", "يا") must be within four words, and no
        first-person copula ("I'm", "je suis", "ana") within the three words before.
        """
        before = " ".join(tokens[max(0, position - SELF_TALK_WINDOW) : position])
        if self.self_talk[view].search(before):
            return False
        low = max(0, position - TARGET_WINDOW)
        window = " ".join(tokens[low : position + TARGET_WINDOW + 1])
        return self.targets[view].search(window) is not None


Macros = Mapping[str, str]


def _alternation(parts: Sequence[str], boundary: str) -> re.Pattern[str] | None:
    # Multiline: the extra words after the message's own line must not hide its end.
    return re.compile(boundary.format("|".join(parts)), re.MULTILINE) if parts else None


def _latin_matchers(
    words: Sequence[str], patterns: Sequence[str], macros: Macros
) -> list[tuple[str, Any]]:
    folded = [latin_word(w) for w in words if fold_repeats(w) == w] + [
        expand_latin(p, macros) for p in patterns
    ]
    doubled = [re.escape(w).replace("\\ ", " ") for w in words if fold_repeats(w) != w]
    return [
        ("latin", _alternation(folded, LATIN_BOUNDARY)),
        ("latin_doubled", _alternation(doubled, LATIN_BOUNDARY)),
    ]


def _arabizi_matchers(
    words: Sequence[str], patterns: Sequence[str], macros: Macros
) -> list[tuple[str, Any]]:
    # One shared optional article in front of all words keeps the regex fast.
    parts = [arabizi_words(words)] if words else []
    parts += [expand_arabizi(p, macros) for p in patterns]
    regex = _alternation(parts, WORD_BOUNDARY)
    return [("arabizi", regex), ("latin", regex)]


def _arabic_parts(
    words: Sequence[str], patterns: Sequence[str], macros: Macros
) -> tuple[Any, frozenset[str]]:
    stems = frozenset(expand_arabic(w) for w in words if " " not in w)
    phrases = [re.escape(expand_arabic(w)).replace("\\ ", " ") for w in words if " " in w]
    parts = phrases + [expand_arabic(pattern, macros) for pattern in patterns]
    return _alternation(parts, WORD_BOUNDARY), stems


def _matchers(
    view: str, words: list[str], patterns: list[str], macros: Macros
) -> tuple[list[Any], frozenset[str]]:
    if view == "latin":
        folded_words = [fold_case_and_accents(w) for w in words]
        return _latin_matchers(folded_words, patterns, macros), frozenset()
    if view == "arabizi":
        return _arabizi_matchers(words, patterns, macros), frozenset()
    if view == "arabic":
        regex, stems = _arabic_parts(words, patterns, macros)
        return [("arabizi", regex)], stems
    return [("raw", _alternation(patterns, "{}"))], frozenset()


def compile_rule(
    label: Label | None,
    prefix: str,
    spec: dict[str, Any],
    macros: Mapping[str, Macros] | None = None,
) -> Rule:
    """Compile one `[[rule]]` table of a rule file; `macros` are the file's, per view."""
    view = spec["view"]
    if view not in VIEWS:
        raise ValueError(f"{prefix}.{spec['id']}: unknown view {view!r}")
    view_macros = (macros or {}).get(view, {})
    words, patterns = spec.get("words", []), spec.get("patterns", [])
    matchers, stems = _matchers(view, words, patterns, view_macros)
    labels = () if label is None else (label, *(Label(x) for x in spec.get("also", [])))
    return Rule(
        rule_id=f"{prefix}.{spec['id']}",
        labels=labels,
        severity=Severity(spec.get("severity", 1)),
        view=view,
        matchers=tuple((name, regex) for name, regex in matchers if regex is not None),
        arabic_stems=stems,
        needs_target=bool(spec.get("needs_target", False)),
        corroborates_only=bool(spec.get("corroborates_only", False)),
    )


def _read_toml(name: str) -> dict[str, Any]:
    path = resources.files("dinner1.safety.moderation") / "rules" / f"{name}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def fold_case_and_accents(word: str) -> str:
    """A rule word as the latin views spell it: lower case, no accents, no apostrophe."""
    return strip_latin_accents(word.casefold()).replace("'", " ")


def _marker_patterns(latin: list[str], arabizi: list[str], arabic: list[str]) -> dict[str, Any]:
    latin_regex = re.compile(LATIN_BOUNDARY.format("|".join(latin_word(w) for w in latin)))
    # Arabic markers may be glued to the next word ("يالحمار"), so no end boundary.
    arabic_part = "(?<!\\w)(?:{})".format("|".join(expand_arabic(w) for w in arabic))
    arabizi_part = WORD_BOUNDARY.format(arabizi_words(arabizi))
    arabizi_regex = re.compile(f"{arabizi_part}|{arabic_part}")
    return {
        "latin": latin_regex,
        "latin_doubled": latin_regex,
        "raw": latin_regex,
        "arabizi": arabizi_regex,
        "arabic": arabizi_regex,
    }


@cache
def load_rule_book() -> RuleBook:
    """Read and compile every rule file once per process."""
    benign: list[Rule] = []
    harmful: list[Rule] = []
    for name in RULE_FILES:
        data = _read_toml(name)
        label = None if name == "benign" else Label(data["label"])
        macros = data.get("macros", {})
        compiled = [compile_rule(label, name, spec, macros) for spec in data["rule"]]
        (benign if label is None else harmful).extend(compiled)
    framing: dict[str, list[Rule]] = {}
    data = _read_toml(FRAMING_FILE)
    for spec in data["rule"]:
        rule = compile_rule(None, FRAMING_FILE, spec, data.get("macros", {}))
        framing.setdefault(spec["frame"], []).append(rule)
    markers = _read_toml("targets")
    return RuleBook(
        benign=tuple(benign),
        harmful=tuple(harmful),
        framing={frame: tuple(rules) for frame, rules in framing.items()},
        targets=_marker_patterns(markers["latin"], markers["arabizi"], markers["arabic"]),
        self_talk=_marker_patterns(
            markers["self_latin"], markers["self_arabizi"], markers["self_arabic"]
        ),
    )


def _token_span(text: str, start: int, end: int) -> range:
    first = text.count(" ", 0, start) + text.count("\n", 0, start)
    last = text.count(" ", 0, end) + text.count("\n", 0, end)
    return range(first, last + 1)


def _blank_tokens(text: str, masked: set[int]) -> str:
    lines = []
    index = 0
    for line in text.split("\n"):
        tokens = line.split(" ")
        for i in range(len(tokens)):
            if index + i in masked:
                tokens[i] = "~"
        index += len(tokens)
        lines.append(" ".join(tokens))
    return "\n".join(lines)


def rule_matches(views: TextViews, rule: Rule) -> bool:
    """Whether any of the rule's regexes (not its Arabic stems) matches its views."""
    return any(regex.search(views_text(views, name)) for name, regex in rule.matchers)


def mask_benign_idioms(views: TextViews, rules: Iterable[Rule]) -> tuple[TextViews, list[str]]:
    """Blank the words of benign idioms in every word view; say which idioms matched."""
    masked: set[int] = set()
    matched: list[str] = []
    for rule in rules:
        spans = [
            _token_span(text, m.start(), m.end())
            for name, regex in rule.matchers
            for text in (views_text(views, name),)
            for m in regex.finditer(text)
        ]
        if spans:
            matched.append(rule.rule_id)
            masked.update(i for span in spans for i in span)
    if not masked:
        return views, matched
    masked_views = replace(
        views,
        latin=_blank_tokens(views.latin, masked),
        latin_doubled=_blank_tokens(views.latin_doubled, masked),
        arabizi=_blank_tokens(views.arabizi, masked),
    )
    return masked_views, matched


@lru_cache(maxsize=8192)
def arabic_stem_candidates(token: str) -> frozenset[str]:
    """The token with up to two clitic prefixes and one suffix removed, in every way."""
    forms = {token}
    for _ in range(2):
        forms |= {f[len(p) :] for f in forms for p in _ARABIC_PREFIXES if f.startswith(p)}
    forms |= {f[: -len(s)] for f in forms for s in _ARABIC_SUFFIXES if f.endswith(s)}
    return frozenset(f for f in forms if len(f) >= _MIN_STEM)


def views_text(views: TextViews, name: str) -> str:
    """The text of one view by name."""
    text: str = getattr(views, name)
    return text


@dataclass(slots=True)
class _TokenIndex:
    """Where each word of each view starts, built on demand, to map a match to a word."""

    views: TextViews
    starts: dict[str, list[int]]

    def token_at(self, name: str, offset: int) -> int:
        if name not in self.starts:
            text = views_text(self.views, name)
            self.starts[name] = [0] + [i + 1 for i, c in enumerate(text) if c in " \n"]
        return bisect_right(self.starts[name], offset) - 1


def _match_positions(
    rule: Rule, index: _TokenIndex, arabic: dict[int, frozenset[str]]
) -> tuple[str, list[int]]:
    for name, regex in rule.matchers:
        text = views_text(index.views, name)
        if not rule.needs_target:
            match = regex.search(text)
            if match:
                return name, [index.token_at(name, match.start())]
            continue
        positions = [index.token_at(name, m.start()) for m in regex.finditer(text)]
        if positions:
            return name, positions
    stems = [i for i, forms in arabic.items() if forms & rule.arabic_stems]
    return "arabizi", stems


def find_rule_hits(views: TextViews, book: RuleBook) -> list[Hit]:
    """Every harmful rule that matches the (benign-masked) views."""
    arabic = {
        i: arabic_stem_candidates(token)
        for i, token in enumerate(views.arabizi.split())
        if ARABIC_SCRIPT.search(token)
    }
    # A rule written in one script cannot match a message without it: skipping those
    # rules halves the work on the usual one-script message.
    has_latin = _LATIN_LETTER.search(views.latin) is not None
    readable = {"arabic": bool(arabic), "latin": has_latin, "arabizi": has_latin, "raw": True}
    hits = []
    index = _TokenIndex(views, {})
    for rule in book.harmful:
        if not readable[rule.view]:
            continue
        view, positions = _match_positions(rule, index, arabic if rule.arabic_stems else {})
        if not positions:
            continue
        if rule.needs_target and views.token_count > SHORT_MESSAGE_TOKENS:
            tokens = views_text(views, view).split()
            if not any(book.aims_at_reader(rule.view, tokens, p) for p in positions):
                continue
        hits += [
            Hit(label, rule.severity, rule.rule_id, rule.corroborates_only) for label in rule.labels
        ]
    return hits
