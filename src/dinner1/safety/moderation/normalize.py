"""Text normalization: the views of one message that the rules and lexicons read.

Disguises are undone before anything is matched, and rule patterns go through the same
folding (`fold_latin_pattern`, `fold_arabic`), so "stuuuupid", "s t u p i d", "$tup1d",
"ﺯﺍﻣﻞ" and "زامـــل" all meet the same entry.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set
from dataclasses import dataclass

from dinner1.safety.moderation.numbers import spoken_digits

# Zero-width and bidi controls are invisible and only ever used here to split words.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# Harakat, Quranic marks and tatweel carry no meaning for moderation.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ک": "ك",
        "ڭ": "ك",  # Moroccan g
        "گ": "ك",
        "ڤ": "ف",
        "ڨ": "ق",
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic digits
        "٫": ".",
        "،": ",",
        "؟": "?",
        "؛": ";",
    }
)
# Cyrillic and Greek look-alikes of Latin letters, a cheap way to dodge word lists.
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a",
        "е": "e",
        "о": "o",
        "р": "p",
        "с": "c",
        "у": "y",
        "х": "x",
        "і": "i",
        "ѕ": "s",
        "ј": "j",
        "к": "k",
        "м": "m",
        "т": "t",
        "в": "b",
        "н": "h",
        "α": "a",
        "ο": "o",
        "ε": "e",
        "ν": "v",
        "ι": "i",
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
    }
)
# Emoji that carry meaning become words the rules can read: laughter ("I'm dead 😂" is
# an idiom), sexual innuendo (🍆 💦 😏), weapons (🔪 🔫).
_EMOJI_WORDS = (
    (re.compile("[\U0001f602\U0001f923\U0001f606\U0001f639\U0001f480\U0001f62d]"), " lol "),
    (re.compile("[\U0001f346\U0001f351\U0001f4a6\U0001f445\U0001f975\U0001f608]"), " sexemoji "),
    (re.compile("\U0001f60f"), " smirk "),
    (re.compile("[\U0001f52a\U0001f52b\U0001f4a3\U0001fa93\u26b0\U0001f5e1]"), " weaponemoji "),
)
_LEET = str.maketrans(
    {"4": "a", "@": "a", "3": "e", "1": "i", "!": "i", "|": "i", "0": "o"}
    | {"$": "s", "5": "s", "7": "t", "+": "t"}
)
_TOKEN = re.compile(r"[\w@$*!|+]+")
# "200dh", "8pm", "30%": numbers with a unit are not leetspeak.
_AMOUNT = re.compile(r"\d+[a-z%]{0,3}")
_ARABIZI_AMOUNT = re.compile(r"\d+(?:dh|dhs|mad|k|eur|euro|euros|usd)?")
_REPEAT = re.compile(r"(\D)\1+")
_ANY_REPEAT = re.compile(r"(.)\1+")
_LONG_REPEAT = re.compile(r"(\D)\1{2,}")
_LETTER_RUN = re.compile(r"([^\W\d_])\1+")
_ARTICLE_LETTERS = frozenset("aiyu")
_EDGE_PUNCTUATION = "!|+*"
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")


@dataclass(frozen=True, slots=True)
class TextViews:
    """One message seen four ways; every view but `raw` has the same words in the same order.

    `token_count` is counted after spaced letters are joined.
    """

    # Case-folded, de-accented; for phone numbers, e-mails and handles. Numbers spelled
    # out ("zero six one two...") follow on a line of their own, as digits.
    raw: str
    latin: str  # leetspeak decoded, repeats folded; for English and French rules
    # Like `latin` but real double letters kept, for words that folding would confuse
    # with another word ("ass" and "as", "conne" and "cone").
    latin_doubled: str
    arabizi: str  # digits kept (3, 7, 9 are letters in Arabizi); Arabic script too
    token_count: int


def fold_arabic(text: str) -> str:
    """Drop harakat and tatweel, unify letter variants, map Arabic digits."""
    return _ARABIC_MARKS.sub("", text.translate(_ARABIC_LETTERS))


def strip_latin_accents(text: str) -> str:
    """Remove combining accents ("é" → "e") while leaving Arabic letters whole."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


def base_form(text: str) -> str:
    """The shared first pass: Unicode-compatible, invisible-free, case-folded, de-accented."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).casefold()
    for emoji, word in _EMOJI_WORDS:
        text = emoji.sub(word, text)
    return strip_latin_accents(fold_arabic(text).translate(_HOMOGLYPHS))


def fold_repeats(text: str) -> str:
    """Collapse runs of one character ("stuuupid" → "stupid"); digit runs stay."""
    return _REPEAT.sub(r"\1", text)


def fold_long_repeats(text: str) -> str:
    """Collapse runs of three or more to two ("asssss" → "ass"), keeping real doubles."""
    return _LONG_REPEAT.sub(r"\1\1", text)


def fold_arabizi_token(token: str) -> str:
    """Collapse every run, digits included ("9a77ba" → "9a7ba"), unless an amount ("1000dh")."""
    return token if _ARABIZI_AMOUNT.fullmatch(token) else _ANY_REPEAT.sub(r"\1", token)


def fold_latin_pattern(pattern: str) -> str:
    """Fold repeated letters in a regex so it matches folded text ("kill" → "kil")."""
    return _LETTER_RUN.sub(r"\1", pattern)


def _decode_leet(token: str) -> str:
    if not any(c.isalpha() for c in token) or _AMOUNT.fullmatch(token):
        return token
    return token.translate(_LEET)


def _split_tokens(base: str) -> tuple[list[str], list[str]]:
    """The tokens, and the separator written before each ("", " ", "  ", ".", ...)."""
    tokens: list[str] = []
    gaps: list[str] = []
    end = 0
    for match in _TOKEN.finditer(base.replace("'", " ")):
        stripped = match.group().strip(_EDGE_PUNCTUATION)
        if stripped:
            tokens.append(stripped)
            gaps.append(base[end : match.start()])
            end = match.end()
    return tokens, gaps


_LEET_LETTERS = frozenset("4@310$5!")
# Short words that start a joined spaced-letter run: "youarepathetic" is read as "you
# are pathetic" too, "jevaistetuer" as "je vais te tuer".
_LEADING_WORDS = sorted(
    (
        "you u ur your youre are r a an so such the i im ill will go to fuck "
        "je vais te tu t es est un une sale ta ton espece de "
        "nta nti ya rak raki ana ghadi bghit"
    ).split(),
    key=len,
    reverse=True,
)
_MIN_SEGMENTED_RUN = 6
_MIN_TAIL = 3


def _is_spaced_letter(token: str) -> bool:
    return len(token) == 1 and (token.isalpha() or token in _LEET_LETTERS)


def segment_run(run: str) -> str | None:
    """Peel leading short words off a joined run ("youarepathetic" → "you are pathetic")."""
    words: list[str] = []
    rest = run
    while True:
        word = next(
            (w for w in _LEADING_WORDS if rest.startswith(w) and len(rest) - len(w) >= _MIN_TAIL),
            None,
        )
        if word is None:
            break
        words.append(word)
        rest = rest[len(word) :]
    return " ".join([*words, rest]) if words else None


def _word_breaks(gaps: list[str]) -> set[int]:
    """Indices of tokens after a word gap inside letter-spaced text ("y o u  a r e").

    When the gaps between single letters are not all alike, the most common one joins
    letters and the others separate words.
    """
    kinds = [gap for gap in gaps[1:] if gap]
    if len(set(kinds)) < 2:
        return set()
    letter_gap = max(set(kinds), key=kinds.count)
    return {i for i, gap in enumerate(gaps) if i and gap and gap != letter_gap}


def _join_region(region: list[tuple[int, str]], breaks: Set[int]) -> tuple[list[str], list[str]]:
    """One region of single letters as words: split at word breaks, each part joined."""
    if len(region) < 3:
        return [letter for _, letter in region], []
    words: list[list[str]] = [[]]
    for i, letter in region:
        if i in breaks and words[-1]:
            words.append([])
        words[-1].append(letter)
    joined = ["".join(word) for word in words]
    extras: list[str] = []
    if len(words) == 1:
        word = joined[0]
        if word[0] in _ARTICLE_LETTERS and len(word) >= 4:
            extras.append(word[1:])
        segmented = segment_run(word) if len(word) >= _MIN_SEGMENTED_RUN else None
        if segmented and len(segmented.split()[0]) > 1:
            extras.append(segmented)
    return joined, extras


def join_spaced_letters(
    tokens: list[str], breaks: Set[int] = frozenset()
) -> tuple[list[str], list[str]]:
    """Join runs of three or more single letters ("i d i o t" → "idiot").

    Inside a run, a word break (`breaks`, token indices) starts a new word ("y o u  a r
    e" → "you are"). Returns the tokens with each run joined in place, and extra words:
    the run without a leading article-like letter ("a s t u p i d" → "stupid"), or with
    leading short words peeled off ("youarepathetic" → "you are pathetic").
    """
    joined: list[str] = []
    extras: list[str] = []
    region: list[tuple[int, str]] = []
    for i, token in enumerate([*tokens, ""]):
        if token and _is_spaced_letter(token):
            region.append((i, token))
            continue
        words, more = _join_region(region, breaks)
        joined += words
        extras += more
        region = []
        if token:
            joined.append(token)
    return joined, extras


def _view(tokens: list[str], extras: list[str]) -> str:
    text = " ".join(tokens)
    return f"{text}\n{' '.join(extras)}" if extras else text


def build_views(text: str) -> TextViews:
    """Normalize one message into the views every matcher reads."""
    base = base_form(text)
    raw_tokens, gaps = _split_tokens(base)
    tokens, extras = join_spaced_letters(raw_tokens, _word_breaks(gaps))
    decoded, decoded_extras = [_decode_leet(t) for t in tokens], [_decode_leet(t) for t in extras]
    latin = [fold_repeats(t) for t in decoded]
    latin_extras = [fold_repeats(t) for t in decoded_extras]
    doubled = [fold_long_repeats(t) for t in decoded]
    doubled_extras = [fold_long_repeats(t) for t in decoded_extras]
    arabizi = [fold_arabizi_token(t.replace("@", "a").replace("$", "s")) for t in tokens]
    arabizi_extras = [fold_arabizi_token(t) for t in extras]
    spoken = spoken_digits(base)
    return TextViews(
        raw=f"{base}\n{spoken}" if spoken else base,
        latin=_view(latin, latin_extras),
        latin_doubled=_view(doubled, doubled_extras),
        arabizi=_view(arabizi, arabizi_extras),
        token_count=len(tokens),
    )
