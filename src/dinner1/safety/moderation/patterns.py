"""Turns the rule files' readable patterns into regexes that match the normalized views.

- Latin (English, French): `{macros}` expand to the usual chat spellings ("{you}" is
  "you", "u", "ya"…), then accents and repeated letters are folded like the text.
- Arabizi (Darija in Latin script): every letter stands for its usual spellings, so one
  entry covers many: "9" or "q" is ق (9, q, g, k), "7" or "h" is ح, "3" is ع (3, a, e or
  nothing), "kh"/"5" is خ, "gh"/"8" is غ, "ch"/"sh" is ش, "e" is an optional short vowel,
  "o"/"ou"/"u" are one vowel. "n9etlek" thus also matches "nqtlek" and "n9atlk".
- Arabic script: letter variants and harakat are folded like the text; `{p}` allows a
  glued clitic ("فالانستا", "والافارقه").

A rule file may name its own slots in a `[macros]` table per view (`latin.cant = "..."`,
`arabizi.cant = "..."`): a family of phrasings is then written once as a grammar, for
example "{cant} (?:go on|cope){more}", and every slot filler combines with every other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from dinner1.safety.moderation.normalize import (
    fold_arabic,
    fold_latin_pattern,
    strip_latin_accents,
)

LATIN_MACROS = {
    "you": r"(?:you|u|ya|yu|yo)",
    "your": r"(?:your|ur|yor|yur|you r|yo)",
    "youre": r"(?:you re|youre|you are|u r|u re|u are|ur|your|you r|ure|you)",
    "iwill": (
        r"(?:i ?ll|i ?will|i ?m (?:going to|gonna|gona|goin to|about to|gunna)"
        r"|i am (?:going to|gonna|about to)|imma|ima|i ?d|i would|i shall|i can"
        r"|gonna|going to|will)"
    ),
    "je": r"(?:je|j|moi je)",
    "te": r"(?:te|t)",
    "tu": r"(?:tu|t)",
}
# Clitics that may be glued to an Arabic word: "و", "ف", "ب", "ل", the article, "يا".
# After folding, "ال" before a word starting with "ل" leaves a lone "ا" ("اللوكاسيون"
# becomes "الوكاسيون"), hence the "ا" forms.
ARABIC_MACROS = {"p": "(?:و|ف|ب|ل|ك|ال|وال|فال|بال|لل|يا|ا|وا|فا|با)?"}
# In Arabizi patterns "~" is a gap of up to four words and "#" a number.
_ARABIZI_PLACEHOLDERS = {"~": r"(?:\S+ ){0,4}", "#": r"\d+ ?"}
_MACRO = re.compile(r"\{(\w+)\}")
# Letters and digits only: regex syntax such as "))" must survive folding.
_ALNUM_RUN = re.compile(r"([^\W_])\1+")
# A schwa between two equal consonants ("nen3es") is often not written and the double
# consonant then folds to one ("nn3es" → "n3es"), so "XeX" also accepts a single "X".
_SCHWA_BETWEEN_TWINS = re.compile(r"([b-df-hj-np-tv-z])e\1")
_ARABIZI_CLASSES = {
    "9": "(?:9|q|g|k)",
    "q": "(?:9|q|g|k)",
    "7": "(?:7|h)",
    "h": "(?:7|h)",
    "3": "(?:3|a|e)?",
    "2": "(?:2|a)?",
    "5": "(?:5|kh|x)",
    "8": "(?:8|gh)",
    "\x01": "(?:ch|sh|x)",
    "e": "(?:a|e|i|o)?",
    "a": "(?:a|e)",
    "o": "(?:o|u|ou)",
    "u": "(?:o|u|ou)",
    "i": "(?:i|y|e)",
    "y": "(?:i|y)",
}
_ARABIZI_DIGRAPHS = (("kh", "5"), ("gh", "8"), ("ch", "\x01"), ("sh", "\x01"), ("ou", "o"))
_FORBIDDEN_IN_ARABIZI = frozenset("[]\\{}")
LATIN_BOUNDARY = r"(?<![\w*])(?:{})(?![\w*])"
WORD_BOUNDARY = r"(?<!\w)(?:{})(?!\w)"
_MACRO_DEPTH = 4
NO_MACROS: Mapping[str, str] = {}


def expand_file_macros(pattern: str, macros: Mapping[str, str]) -> str:
    """Replace a rule file's own `{slot}` names, which may use each other; others stay."""
    for _ in range(_MACRO_DEPTH):
        expanded = _MACRO.sub(lambda m: macros.get(m.group(1), m.group(0)), pattern)
        if expanded == pattern:
            return expanded
        pattern = expanded
    raise ValueError(f"macros nest deeper than {_MACRO_DEPTH} levels: {pattern[:80]}")


def expand_latin(pattern: str, macros: Mapping[str, str] = NO_MACROS) -> str:
    """Expand macros, drop accents and fold repeats so the regex meets the latin view.

    Patterns are written in lower case and never case-folded here: folding would turn
    the regex classes `\\S` and `\\W` into `\\s` and `\\w`.
    """
    expanded = _MACRO.sub(lambda m: LATIN_MACROS[m.group(1)], expand_file_macros(pattern, macros))
    return fold_latin_pattern(strip_latin_accents(expanded).replace("'", " "))


def latin_word(word: str) -> str:
    """A literal word or phrase as a latin-view regex."""
    return expand_latin(re.escape(word.casefold()).replace("\\ ", " "))


def expand_arabizi(pattern: str, macros: Mapping[str, str] = NO_MACROS) -> str:
    """Turn an Arabizi pattern into a regex accepting its common spelling variants."""
    pattern = expand_file_macros(pattern, macros)
    if _FORBIDDEN_IN_ARABIZI.intersection(pattern):
        raise ValueError(f"Arabizi patterns use only letters, digits and ( ) ? | : {pattern}")
    text = _ALNUM_RUN.sub(r"\1", pattern.casefold())
    for digraph, stand_in in _ARABIZI_DIGRAPHS:
        text = text.replace(digraph, stand_in)
    text = _SCHWA_BETWEEN_TWINS.sub(r"\1(?:e\1)?", text)
    classes = _ARABIZI_CLASSES | _ARABIZI_PLACEHOLDERS
    return "".join(classes.get(char, char) for char in text)


def arabizi_words(words: Sequence[str]) -> str:
    """Arabizi words, also with the article glued on ("l9a7ba", "el7mar")."""
    return "(?:l|el|al)?(?:{})".format("|".join(expand_arabizi(word) for word in words))


def expand_arabic(pattern: str, macros: Mapping[str, str] = NO_MACROS) -> str:
    """Expand `{p}`, fold Arabic letter variants and repeated letters, like the text."""
    pattern = expand_file_macros(pattern, macros)
    expanded = _MACRO.sub(lambda m: ARABIC_MACROS[m.group(1)], pattern)
    return fold_latin_pattern(fold_arabic(expanded))
