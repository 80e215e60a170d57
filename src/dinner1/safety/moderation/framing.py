"""How a message frames the harmful words in it, read from `rules/framing.toml`.

- Reported speech: words inside quotation marks are set aside when the writer says,
  outside the quotes, that they are reporting or retelling them ("he wrote 'I'll kill
  you', I reported him", "chi wa7ed sifet liya 'ghadi n9tlek'"). Unquoted retelling needs
  no help: the rules want the first person acting on "you".
- A crisis told as overcome ("I thought about ending it, therapy helped, I'm doing great
  now", "الحمد لله دابا لاباس"), or support offered to someone else ("if you ever feel you
  can't go on, call me"), does not escalate.
- A joke: crisis words with laughter and an everyday cause ("Monday meetings make me want
  to jump out the window lol", "mon boulot me donne envie de me jeter par la fenêtre
  mdr") do not escalate. Laughter alone is not enough: "lol I want to die" escalates.
"""

from __future__ import annotations

import re
import unicodedata

from dinner1.safety.moderation.normalize import TextViews, build_views
from dinner1.safety.moderation.result import Hit, Label
from dinner1.safety.moderation.rules import RuleBook, rule_matches

_QUOTE_MARKS = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‹": "«", "›": "»"})
# An opening mark after a space, a colon or the start; a closing mark before a space,
# punctuation or the end. "I'll" and "m'a" never open or close a quotation.
_QUOTED = re.compile(
    r"""(?:(?<=^)|(?<=[\s:(\[,]))(?:"[^"\n]{1,400}?"|«[^»\n]{1,400}?»|'(?=\S)[^\n]{1,400}?(?<=\S)')"""
    r"""(?=[\s.,;:!?)\]…]|$)"""
)


def _has_frame(views: TextViews, book: RuleBook, frame: str) -> bool:
    return any(rule_matches(views, rule) for rule in book.framing.get(frame, ()))


def set_aside_reported_quotes(text: str, book: RuleBook) -> tuple[str, bool]:
    """The text without its quotations when the writer reports or retells them."""
    plain = unicodedata.normalize("NFKC", text).translate(_QUOTE_MARKS)
    if not _QUOTED.search(plain):
        return text, False
    outside = _QUOTED.sub(" ", plain)
    if _has_frame(build_views(outside), book, "report"):
        return outside, True
    return text, False


def discount_framed_crisis(
    views: TextViews, hits: list[Hit], book: RuleBook
) -> tuple[list[Hit], list[str]]:
    """Drop crisis hits told as overcome, offered as support, or joked about work."""
    if not any(hit.label is Label.SELF_HARM for hit in hits):
        return hits, []
    frames = [frame for frame in ("recovery", "support") if _has_frame(views, book, frame)]
    if _has_frame(views, book, "laughter") and _has_frame(views, book, "mundane"):
        frames.append("joke")
    if not frames:
        return hits, []
    kept = [hit for hit in hits if hit.label is not Label.SELF_HARM]
    return kept, [f"framing.{frame}" for frame in frames]
