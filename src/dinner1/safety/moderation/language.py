"""A rough guess of the message's language, reported with the verdict.

The rules of every language run on every message (Moroccans switch languages mid-
sentence), so this guess only tells downstream code which language to answer in, for
example for crisis resources.
"""

from __future__ import annotations

import re

from dinner1.safety.moderation.normalize import ARABIC_SCRIPT

_WORD = re.compile(r"[a-z0-9']+")
# Digits inside words are Arabizi letters (3 ع, 7 ح, 9 ق) rather than leetspeak here.
_ARABIZI_DIGIT = re.compile(r"[a-z][2379]|[2379][a-z]")
_MARKERS = {
    "ary-Latn": frozenset(
        "dyal dyali dyalek wach bghit bghiti nta nti daba chi bzaf lik liya ghadi fin hna "
        "mchi kifach chno achno wa safi walo hadi hada kayn mzyan zwin wla rah rak".split()
    ),
    "fr": frozenset(
        "je tu il elle le la les des est et pas que une un pour avec moi toi c j t ce "
        "on nous vous mais qui dans sur au du mon ma ton ta tes".split()
    ),
    "en": frozenset(
        "the you i is and to a of my your are it that this for me what with be have "
        "we do not but so at on in can will".split()
    ),
}


def guess_language(text: str, fallback: str | None = None) -> str:
    """ "ar" for Arabic script, else "ary-Latn", "fr" or "en" by marker words."""
    arabic = len(ARABIC_SCRIPT.findall(text))
    words = _WORD.findall(text.casefold())
    if arabic and arabic >= sum(len(w) for w in words):
        return "ar"
    if not words:
        return fallback or "und"
    scores = {code: sum(w in markers for w in words) for code, markers in _MARKERS.items()}
    scores["ary-Latn"] += sum(bool(_ARABIZI_DIGIT.search(w)) for w in words)
    best = max(scores, key=lambda code: scores[code])
    return best if scores[best] else (fallback or "und")
