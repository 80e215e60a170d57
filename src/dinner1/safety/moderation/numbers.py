"""Numbers written as words, read back as digits, so a phone number spelled out to dodge
the contact rules ("zero six one two...", "zéro six, douze, trente-quatre", "sifr stta
wa7ed", "صفر ستة") is still a phone number.

Only runs of eight digits or more are returned: shorter ones are times, prices and ages.
"""

from __future__ import annotations

import re

_UNITS = {
    0: "zero oh nil sifr sefr صفر",
    1: "one un une wa7ed wahed wa7d wahd واحد",
    2: "two deux jouj zouj jooj zoj اثنين اثنان اتنين جوج زوج",
    3: "three trois tlata tleta tlat ثلاثه تلاته ثلاث تلات",
    4: "four quatre rb3a reb3a rab3a arba3a اربعه ربعه اربع",
    5: "five cinq khamsa 5amsa khmsa خمسه خمس",
    6: "six stta setta sitta sta سته ست",
    7: "seven sept sb3a seb3a sab3a سبعه سبع",
    8: "eight huit tmnya tmenya tmanya tmania ثمانيه تمنيه ثمان تمن",
    9: "nine neuf ts3od tes3a tis3a ts3oud tse3ud تسعه تسعود تسع",
}
_TEENS = {
    10: "ten dix 3achra 3echra عشره",
    11: "eleven onze",
    12: "twelve douze",
    13: "thirteen treize",
    14: "fourteen quatorze",
    15: "fifteen quinze",
    16: "sixteen seize",
    17: "seventeen",
    18: "eighteen",
    19: "nineteen",
}
_TENS = {
    20: "twenty vingt",
    30: "thirty trente",
    40: "forty fourty quarante",
    50: "fifty cinquante",
    60: "sixty soixante",
    70: "seventy",
    80: "eighty",
    90: "ninety",
}
_REPEAT = {"double": 2, "triple": 3}
_FILLERS = frozenset("and et w و".split())
_WORD = re.compile(r"[^\W_]+")
MIN_SPOKEN_DIGITS = 8


def _table(groups: dict[int, str]) -> dict[str, int]:
    return {word: value for value, words in groups.items() for word in words.split()}


_UNIT, _TEEN, _TEN = _table(_UNITS), _table(_TEENS), _table(_TENS)


def _number_at(words: list[str], i: int) -> tuple[str, int] | None:
    """The digits the words from `i` spell, and how many words they take; None if none."""
    word = words[i]
    following = words[i + 1] if i + 1 < len(words) else ""
    after = words[i + 2] if i + 2 < len(words) else ""
    if word.isdigit():
        return word, 1
    if word in _REPEAT and following in _UNIT:
        return str(_UNIT[following]) * _REPEAT[word], 2
    if word == "quatre" and following in ("vingt", "vingts"):  # French 80-99
        rest = _number_at(words, i + 2) if after in _UNIT or after in _TEEN else None
        return (str(80 + int(rest[0])), 2 + rest[1]) if rest else ("80", 2)
    if word in _TEN:
        tens = _TEN[word]
        step = 2 if following in _FILLERS and after else 1
        unit = words[i + step] if i + step < len(words) else ""
        if tens == 60 and unit in _TEEN:  # soixante-dix, soixante-douze, soixante-dix-huit
            teen = _number_at(words, i + step)
            if teen is not None:
                return str(60 + int(teen[0])), step + teen[1]
        if _UNIT.get(unit):
            return str(tens + _UNIT[unit]), step + 1
        return str(tens), 1
    if word == "dix" and following in ("sept", "huit", "neuf"):
        return str(10 + _UNIT[following]), 2
    if word in _TEEN:
        return str(_TEEN[word]), 1
    if word in _UNIT:
        return str(_UNIT[word]), 1
    return None


def spoken_digits(text: str) -> str:
    """Every run of eight or more digits spelled in words (or words and digits), or ""."""
    words = _WORD.findall(text.replace("-", " "))
    runs: list[str] = []
    digits = ""
    spelled = False
    i = 0
    while i < len(words):
        number = _number_at(words, i)
        if number is not None:
            digits += number[0]
            spelled |= not words[i].isdigit()
            i += number[1]
            continue
        if words[i] not in _FILLERS or not digits:
            if spelled and len(digits) >= MIN_SPOKEN_DIGITS:
                runs.append(digits)
            digits, spelled = "", False
        i += 1
    if spelled and len(digits) >= MIN_SPOKEN_DIGITS:
        runs.append(digits)
    return " ".join(runs)
