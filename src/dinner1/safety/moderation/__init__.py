"""Local, explainable text moderation for English, French, Arabic and Moroccan Darija.

`classify(text)` returns a `ModerationResult`: an action (`allow`, `warn` = ask "Are you
sure?", `block` = not delivered, `escalate` = crisis: support the writer and alert
moderators), labels (insult, hate, threat, sexual_harassment, scam, off_platform,
self_harm), a score in [0, 1] and the sources that matched. Nothing leaves the process
and nothing is downloaded: rules ship in `rules/`, weights in `model/`, lexicons in
installed packages, all loaded once on first use. Texts over 20,000 characters are read
as their first 16,000 and last 4,000 (`classifier.py`); a message takes about 1 ms.

What each part catches:

- `normalize` (with `numbers`): undoes disguises before matching. Leetspeak ("$tup1d",
  "b34t"), spaced letters ("i d i o t", "y o u  a r e  p a t h e t i c" with wider gaps
  between words), repeated letters ("stuuupid"), accents, homoglyphs and invisible
  characters, Arabic harakat, tatweel and letter variants (أ إ آ → ا, ة → ه, ى → ي),
  Arabic-Indic digits, numbers spelled out ("zero six one two…", "sifr stta…", "صفر
  ستة…" → a phone number), emoji that carry meaning (😂 laughter, 🍆 💦 innuendo, 🔪
  weapons). Arabizi keeps its digits (3 ع, 7 ح, 9 ق) in a view of its own.
- `rules/*.toml` (compiled by `patterns` and `rules`): our own patterns per label and
  language, written as families of meaning with named slots rather than sentences
  (crisis: wanting to die, no longer able to go on, weariness, no meaning, being a
  burden, farewells, plans and methods; scams: money-trouble stories, help requests,
  repayment promises, investment pitches, advance fees; threats: ominous, stalking,
  blackmail, conditional, veiled). Weak signals are hints (`corroborates_only`): one
  alone never flags, two families agree ("my card is blocked" + "could you help me just
  this once"). Threats and crisis language are matched as first person acting on "you"
  or on oneself; insults that are only insults when aimed at someone need a target
  marker nearby; Darija in Latin script is written once and matches its spelling
  variants; contact details are matched on the raw text. `rules/benign.toml` blanks
  idioms first ("dying to try", "je meurs d'envie", "الجوع قتلني"), so they never count.
- `framing` (`rules/framing.toml`): quotations the writer reports ("he wrote 'I'll kill
  you', I reported him") are set aside; crisis words told as overcome ("therapy helped,
  I'm doing great now"), offered as support ("if you ever feel you can't go on, call
  me") or joked about everyday life with laughter ("my boss makes me want to jump off
  the roof lol") do not escalate.
- `ngram_model` (trained by `train` on the dev set): one logistic regression per label
  over character n-grams of the same views, for paraphrases no rule names. Alone it
  warns (escalates a clear crisis); its crisis score is also a hint.
- `lexicons`: glin-profanity's English, French and Arabic word lists, counted as insults
  when aimed at someone or said in a hostile tone (VADER compound); VADER's valence
  lexicon, which turns any strongly negative English word said of the reader ("you're
  vile", "you're kinda vile") into an insult even when no rule names it.
- `policy`: evidence to action (self_harm escalates; threat and hate block; insult and
  sexual harassment block when serious, else warn; scam blocks when serious or when two
  scam families agree, else warns; off_platform warns early in a conversation, is
  allowed later, and blocks fishing for ID, bank card or one-time codes; the model alone
  never blocks) and the score.
- `language`: a guess of the writer's language, reported with the verdict.
"""

from dinner1.safety.moderation.classifier import classify, warm_up
from dinner1.safety.moderation.result import Action, Label, ModerationResult

__all__ = ["Action", "Label", "ModerationResult", "classify", "warm_up"]
