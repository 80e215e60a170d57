"""Each rule family added for generalization catches a phrasing it was written for.

The examples are paraphrases, not the probe sentences that revealed each family, so a
family that only memorized its probe fails here.
"""

from __future__ import annotations

import pytest

from dinner1.safety.moderation import Action, Label, classify
from dinner1.safety.moderation.normalize import build_views
from dinner1.safety.moderation.policy import decide
from dinner1.safety.moderation.rules import find_rule_hits, load_rule_book, mask_benign_idioms

FAMILIES = [
    # (rule id, example)
    # self-harm: desire, inability, weariness, meaning, burden, farewell, plans
    ("self_harm.en.desire", "honestly I just wish I could fall asleep forever"),
    ("self_harm.en.cant_go_on", "i cant keep going like this"),
    ("self_harm.en.weary", "so tired of existing"),
    ("self_harm.en.meaning", "what's the point of waking up"),
    ("self_harm.en.burden", "my parents would be happier if I was gone"),
    ("self_harm.en.farewell", "I've been giving away my books and clothes"),
    ("self_harm.en.plan", "been googling the lethal dose of my pills"),
    ("self_harm.en.end_pain", "tonight I'm going to end the suffering"),
    ("self_harm.en.preparation", "I've been hoarding my sleeping pills"),
    ("self_harm.en.last_acts", "I drafted farewell messages for my friends"),
    ("self_harm.fr.desire", "j'aimerais ne jamais être née"),
    ("self_harm.fr.cant_go_on", "marre de cette vie"),
    ("self_harm.fr.meaning", "à quoi bon continuer"),
    ("self_harm.fr.burden", "mes parents seraient plus tranquilles sans moi"),
    ("self_harm.fr.plan", "si je n'étais plus là tout serait plus simple"),
    ("self_harm.fr.end_pain", "plus envie de me lever le matin"),
    ("self_harm.fr.preparation", "j'accumule mes somnifères depuis un mois"),
    ("self_harm.fr.last_acts", "j'ai failli sauter du pont ce matin"),
    ("self_harm.ar.desire", "كنتمنى نموت"),
    ("self_harm.ar.cant_go_on", "ما بقيتش قادر نكمل"),
    ("self_harm.ar.meaning", "ما عنديش حتى سبب باش نعيش"),
    ("self_harm.ar.burden", "انا غير عبء على عائلتي"),
    ("self_harm.ar.plan", "غادي نمشي وما نرجعش"),
    ("self_harm.ar.end_pain", "بغيت نرتاح من هاد الالم"),
    ("self_harm.ar.preparation", "خبيت الحبوب باش نسالي"),
    ("self_harm.ar.last_acts", "لو ما كنتش فهاد الدنيا"),
    ("self_harm.ary-latn.desire", "bghit nmout"),
    ("self_harm.ary-latn.cant_go_on", "mab9itch 9ader n3ich"),
    ("self_harm.ary-latn.weary", "mlit men had l7ayat"),
    ("self_harm.ary-latn.method", "ghadi nsali m3a rasi"),
    ("self_harm.ary-latn.end_pain", "bghit nrta7 mn lalam"),
    ("self_harm.ary-latn.preparation", "kan7ess rasi t9il 3la kolchi"),
    ("self_harm.ary-latn.last_acts", "kon ma kontch f had denya"),
    # threats: ominous, stalking, blackmail, conditional, veiled, consequences
    ("threat.en.ominous", "don't make me come find you"),
    ("threat.en.harm_others", "next time I'll set fire to their restaurant"),
    ("threat.fr.harm_others", "je vais cramer ce resto avec le patron dedans"),
    ("threat.en.stalking", "I know which office you work in"),
    ("threat.en.blackmail", "I still have your photos, answer or your parents see them"),
    ("threat.en.conditional", "if you unmatch me I'll show up at your door"),
    ("threat.en.veiled", "would be a shame if something happened to your car"),
    ("threat.en.consequence", "I'll make sure you regret this"),
    ("threat.fr.ominous", "tu sais pas à qui tu as affaire"),
    ("threat.fr.stalking", "si tu me bloques je viens chez toi"),
    ("threat.fr.blackmail", "sinon ta famille verra tout"),
    ("threat.fr.veiled", "à ta place je ferais attention"),
    ("threat.fr.consequence", "tu vas finir aux urgences"),
    ("threat.fr.ominous_meeting", "on se reverra et tu verras"),
    ("threat.ar.ominous", "نجيك لدارك ونوريك"),
    ("threat.ar.veiled", "ساجعلك تندم"),
    ("threat.ar.consequence", "غادي تسالي فالسبيطار"),
    ("threat.ary-latn.ominous", "ghadi nwrik chkon ana"),
    ("threat.ary-latn.consequence", "ghadi nkesser lik tomobil"),
    # sexual harassment: coercion, nudity hinted, exposure, innuendo, photos, sizes
    ("sexual_harassment.en.coercion", "I'm not buying you dinner for nothing"),
    ("sexual_harassment.en.nudity_hint", "send me a spicy pic tonight"),
    ("sexual_harassment.en.exposure", "show a little more skin next time"),
    ("sexual_harassment.en.in_bed", "bet you're wild in bed"),
    ("sexual_harassment.en.innuendo", "forget dinner, let's go straight to my place"),
    ("sexual_harassment.en.body_size", "what's your cup size"),
    ("sexual_harassment.fr.coercion", "t'as pas le choix"),
    ("sexual_harassment.fr.nudity_hint", "envoie une photo en nuisette"),
    ("sexual_harassment.fr.exposure", "j'aimerais te voir en lingerie"),
    ("sexual_harassment.fr.innuendo", "on zappe le resto et on va direct à l'hôtel"),
    ("sexual_harassment.ar.intimate_photo", "صيفطي تصويره فالفراش"),
    ("sexual_harassment.ar.exposure", "بغيت نشوف جسمك"),
    ("sexual_harassment.ar.hot_pictures", "عندك فيديوهات ساخنين؟"),
    ("sexual_harassment.ary-latn.exposure", "khasek tbati m3aya"),
    ("sexual_harassment.ary-latn.hot_pictures", "bghit n9ich jesmek"),
    # scams: hinted requests, pitches, advance fees
    ("scam.en.growth_pitch", "my cousin is a forex trader, 2k turned into 9k"),
    ("scam.en.financial_help", "could you help me financially this month"),
    ("scam.en.advance_fee", "pay the customs fee first and the parcel is released"),
    ("scam.en.help_paying", "I need help paying my rent"),
    ("scam.fr.advance_fee", "paye les frais de dossier d'abord"),
    ("scam.fr.help_paying", "envoie-moi les infos de ta carte"),
    ("scam.ar.help_with_money", "تعاوني بشي فلوس"),
    ("scam.ar.financial_help", "محتاج مساعده ماليه"),
    ("scam.ar.advance_fee", "خلص المصاريف قبل"),
    ("scam.ary-latn.growth_pitch", "7et 500 dh o ghatrb7 ddo3f"),
    ("scam.ary-latn.financial_help", "bghit m3awna f lflous"),
    # off-platform: elsewhere, nicknames, spelled numbers, own contact
    ("off_platform.en.elsewhere", "let's continue somewhere more private"),
    ("off_platform.en.app_nicknames", "text me on the green app"),
    ("off_platform.en.come_find_me", "hmu on the gram"),
    ("off_platform.fr.elsewhere", "on peut parler ailleurs ?"),
    ("off_platform.ar.elsewhere", "عطيني حسابك على الانستا"),
    ("off_platform.ar.my_contact", "هادي نمرتي"),
    ("off_platform.ary-latn.elsewhere", "nkemlo temma"),
    ("off_platform.ary-latn.my_contact", "ha whatsapp dyali"),
    ("off_platform.raw.phone_number", "zero six one two three four five six seven eight"),
    # insults: slang, vocative, mockery, comparisons, curses, worthlessness
    ("insult.en.slang", "you absolute numpty"),
    ("insult.en.vocative", "you utter cabbage"),
    ("insult.en.mockery", "imagine being this boring"),
    ("insult.en.comparison", "you talk like a toddler"),
    ("insult.fr.put_downs", "tu sers à rien"),
    ("insult.fr.slang", "t'es un gros blaireau"),
    ("insult.fr.looks", "t'as une tête de rat"),
    ("insult.ar.curses", "الله ياخدك"),
    ("insult.ar.worthless", "ما عندك حتى قيمة"),
    ("insult.ar.comparison", "وجهك بحال شي قرد"),
    ("insult.ary-latn.curses", "lah yn3lk"),
    ("insult.ary-latn.comparison", "nta b7al chi 7mar"),
    # hate: blaming a group, expelling it
    ("hate.en.group_blame", "refugees are ruining this city"),
    ("hate.fr.group_blame", "les migrants n'ont rien à faire ici"),
    ("hate.ar.group_blame", "المهاجرين خاصهم يترحلو"),
    ("hate.ary-latn.group_blame", "lafari9a khrbo lblad"),
]


@pytest.mark.parametrize(("rule_id", "text"), FAMILIES)
def test_family_catches_a_paraphrase(rule_id: str, text: str) -> None:
    result = classify(text)
    assert rule_id in result.explanation, result
    assert result.action is not Action.ALLOW
    assert Label(rule_id.split(".")[0]) in result.labels


def test_crisis_families_escalate() -> None:
    crises = [text for rule_id, text in FAMILIES if rule_id.startswith("self_harm.")]
    assert all(classify(text).action is Action.ESCALATE for text in crises)


HINT_PAIRS = [
    # Two hint families agree; either alone raises nothing (rules and policy, no model).
    (Label.SCAM, "my card got blocked", "could you help me out just this once"),
    (Label.SCAM, "ma mère est à l'hôpital", "tu pourrais m'aider ?"),
    (Label.SELF_HARM, "I feel so hopeless", "I will leave and never come back"),
    (Label.THREAT, "you think you can ignore me?", "I'll be waiting outside"),
    (Label.SEXUAL_HARASSMENT, "what are you wearing right now", "describe it slowly"),
    (Label.SEXUAL_HARASSMENT, "on finit chez moi", "je t'ai payé le resto quand même"),
]


def _rule_labels(text: str) -> tuple[Label, ...]:
    book = load_rule_book()
    views, _ = mask_benign_idioms(build_views(text), book.benign)
    return decide(find_rule_hits(views, book)).labels


@pytest.mark.parametrize(("label", "first", "second"), HINT_PAIRS)
def test_two_hint_families_agree_where_one_raises_nothing(
    label: Label, first: str, second: str
) -> None:
    assert label not in _rule_labels(first)
    assert label not in _rule_labels(second)
    assert label in _rule_labels(f"{first}, {second}")
    assert label in classify(f"{first}, {second}").labels


@pytest.mark.parametrize(
    "text",
    [
        "I'll pay you back for the cinema tickets",  # a repayment promise is only a hint
        "Je te rends ton livre samedi",
        "my grandma is in hospital so I'll miss dinner",  # a trouble story alone
        "can you help me choose a wine?",  # a help request alone
        "The film ends with the hero jumping off a bridge",  # not the writer
        "الفيلم فيه مشهد انتحار",  # suicide talked about, not chosen
        "3afak sift lia l'adresse dial resto",  # the restaurant's address, not yours
        "I'll be waiting outside the café at 8",  # presence alone is not a threat
        "tu pourrais m'aider à réserver ?",
    ],
)
def test_near_misses_stay_allowed(text: str) -> None:
    assert classify(text).action is Action.ALLOW, classify(text)
