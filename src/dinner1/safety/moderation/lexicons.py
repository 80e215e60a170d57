"""Lexicons shipped in installed packages, read locally once.

- glin-profanity's English, French and Arabic word lists (less the entries in
  `rules/lexicon_exclusions.toml`, such as "حمام" hammam, "شعر" poetry, "bosser" to work):
  profanity counts as an insult only when aimed at someone (a target marker nearby, or a
  message of three words or fewer), or in a message that addresses the reader and that
  VADER reads as hostile (compound ≤ -0.4). "Putain, ce couscous est incroyable" and
  "shit, I forgot my umbrella" pass; "shut up you b1tch" does not.
- VADER's valence lexicon: an English word rated -2.0 or worse right after "you're" /
  "you look" ("you're so pathetic", "you look disgusting") is an insult even when no
  rule names it; a few words that are praise or banter in chat ("sick", "bad") are kept
  out in the same exclusions file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from dinner1.safety.moderation.normalize import (
    ARABIC_SCRIPT,
    TextViews,
    build_views,
    fold_repeats,
)
from dinner1.safety.moderation.result import Hit, Label, Severity
from dinner1.safety.moderation.rules import (
    SHORT_MESSAGE_TOKENS,
    RuleBook,
    arabic_stem_candidates,
)

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import (
        SentimentIntensityAnalyzer,
    )

GLIN_LANGUAGES = {"english": "en", "french": "fr", "arabic": "ar"}
HOSTILE_COMPOUND = -0.4
DIRECTED_VALENCE = -2.0
_DIRECTED = re.compile(
    r"(?<!\w)(?:you re|youre|you are|ur|u r|u re|you|u|you look|u look|you sound|you seem)"
    r"((?: (?:so|such|a|an|really|very|fucking|truly|the|most|just|totally|completely"
    r"|pretty|too|kind of|a bit|bit|absolutely|honestly|literally|seriously|clearly"
    r"|obviously|actually|still|always|definitely|genuinely|kinda|kind a|sorta|sort of"
    r"|lowkey|highkey|hella|mad|super|extremely|incredibly|unbelievably|painfully"
    r"|embarrassingly|hopelessly|fr|ngl|deadass|lowkey kinda|such an|bloody))*) (\w+)"
)


@dataclass(frozen=True, slots=True)
class ProfanityLexicon:
    """glin-profanity entries, normalized like the views they are matched against.

    Entries that letter folding would confuse with another word ("ass" and "as") are
    matched on the view that keeps double letters.
    """

    latin_words: dict[str, str]  # folded word → "en" / "fr"
    doubled_words: dict[str, str]
    arabic_stems: dict[str, str]
    arabizi_words: dict[str, str]


def _exclusions() -> dict[str, list[str]]:
    path = resources.files("dinner1.safety.moderation") / "rules" / "lexicon_exclusions.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _keys(word: str) -> tuple[str, str]:
    views = build_views(word)
    return views.latin, views.latin_doubled


@cache
def load_profanity_lexicon() -> ProfanityLexicon:
    """Read glin-profanity's en/fr/ar lists once, minus the ambiguous entries."""
    # Imported here: the package is only needed the first time a message is classified.
    from glin_profanity.data.dictionary import DictionaryLoader

    excluded = {key for word in _exclusions()["glin"] for key in _keys(word)}
    loader = DictionaryLoader()
    found: dict[str, dict[str, str]] = {"latin": {}, "doubled": {}, "arabic": {}, "arabizi": {}}
    for language, code in GLIN_LANGUAGES.items():
        for word in loader.get_words(language):
            folded, doubled = _keys(word)
            if not folded or {folded, doubled} & excluded or " " in folded or "\n" in folded:
                continue
            if ARABIC_SCRIPT.search(folded):
                found["arabic"][folded] = code
            elif code == "ar":
                found["arabizi"][folded] = code
            elif folded == doubled:
                found["latin"][folded] = code
            else:
                found["doubled"][doubled] = code
    return ProfanityLexicon(
        latin_words=found["latin"],
        doubled_words=found["doubled"],
        arabic_stems=found["arabic"],
        arabizi_words=found["arabizi"],
    )


@cache
def _sentiment() -> SentimentIntensityAnalyzer:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@cache
def _directed_lexicon() -> dict[str, float]:
    """VADER's strongly negative words, folded like the latin view."""
    spared = {_keys(w)[0] for w in _exclusions()["vader_spared"]}
    lexicon: dict[str, float] = {}
    for word, valence in _sentiment().lexicon.items():
        key = fold_repeats(word)
        if valence <= DIRECTED_VALENCE and key not in spared and key.isalpha():
            lexicon[key] = min(valence, lexicon.get(key, 0.0))
    return lexicon


def hostile_compound(text: str) -> float:
    """VADER's compound sentiment of the original text (English only, -1 to 1)."""
    return float(_sentiment().polarity_scores(text)["compound"])


def _profane_positions(views: TextViews, lexicon: ProfanityLexicon) -> list[tuple[int, str]]:
    found = []
    latin = zip(views.latin.split(), views.latin_doubled.split(), strict=False)
    for i, (folded, doubled) in enumerate(latin):
        if folded in lexicon.latin_words:
            found.append((i, f"glin.{lexicon.latin_words[folded]}:{folded}"))
        elif doubled in lexicon.doubled_words:
            found.append((i, f"glin.{lexicon.doubled_words[doubled]}:{doubled}"))
    for i, token in enumerate(views.arabizi.split()):
        if token in lexicon.arabizi_words:
            found.append((i, f"glin.ar:{token}"))
        elif ARABIC_SCRIPT.search(token):
            stems = arabic_stem_candidates(token) & lexicon.arabic_stems.keys()
            found += [(i, f"glin.ar:{stem}") for stem in sorted(stems)[:1]]
    return found


def find_profanity_hits(views: TextViews, text: str, book: RuleBook) -> list[Hit]:
    """glin-profanity words aimed at someone, or in a hostile message addressed to them."""
    found = _profane_positions(views, load_profanity_lexicon())
    if not found:
        return []
    if views.token_count <= SHORT_MESSAGE_TOKENS or _hostile_and_addressed(views, text, book):
        return [Hit(Label.INSULT, Severity.MILD, source) for _, source in found]
    latin_tokens, arabizi_tokens = views.latin.split(), views.arabizi.split()
    hits = []
    for position, source in found:
        latin = book.aims_at_reader("latin", latin_tokens, position)
        arabizi = book.aims_at_reader("arabizi", arabizi_tokens, position)
        if latin or arabizi:
            hits.append(Hit(Label.INSULT, Severity.MILD, source))
    return hits


def _hostile_and_addressed(views: TextViews, text: str, book: RuleBook) -> bool:
    """A reader is addressed somewhere and VADER reads the whole message as hostile."""
    addressed = book.targets["latin"].search(views.latin) or book.targets["arabizi"].search(
        views.arabizi
    )
    return bool(addressed) and hostile_compound(text) <= HOSTILE_COMPOUND


def find_directed_negativity(views: TextViews) -> list[Hit]:
    """English words VADER rates strongly negative, said of the reader ("you're vile")."""
    lexicon = _directed_lexicon()
    hits = []
    for match in _DIRECTED.finditer(views.latin):
        word = match.group(2)
        if word in lexicon:
            hits.append(Hit(Label.INSULT, Severity.MILD, f"vader.directed:{word}"))
    return hits
