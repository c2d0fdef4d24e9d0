"""Community rules: spam, selling, impersonation, off-topic, confidential
markers, graphic violence. Text rules read the normalised text; rate and
duplicate rules read the author's recent activity through ActivityView.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from .wordmodel import Classifier, features
from .links import _edit1
from .personal import code_like
from .model import Context, Finding
from .slacktext import Normalised, ParsedText, fold, in_identifier, normalise, words

# ------------------------------------------------------------------ selling

# Phrases that only advertising uses.
_PROMO = re.compile(
    r"\b(?:check out my (?:channel|video|page|music|song|new|youtube|instagram|art|shop|store|website|site|blog)|"
    r"subscribe to my|sub to my|follow me on|(?:like|share) my (?:video|channel|page|song|music|photo)|"
    r"like and subscribe|my new (?:channel|video|song|single|album|ebook|course|shop|store)|"
    r"my (?:youtube|instagram|soundcloud|tiktok|etsy|twitch) (?:channel|page|account)?|"
    r"(?:dm|pm|message|inbox) me (?:for|if you(?: re| are)? (?:want|need|interested))|whatsapp me|"
    r"hire me|i can help you (?:grow|rank|make money)|buy now|order now|shop now|limited (?:time )?offer|"
    r"discount code|promo code|coupon code|use my code|use (?:the )?code [a-z]*\d[a-z\d]*|referral (?:link|code)|affiliate link|"
    r"\d{1,2} ?% off|best price|lowest price|selling my|i(?: m| am) selling|"
    r"(?:make|earn) (?:money|cash|\$\d+)(?: online| from home| fast)?|work from home|passive income|"
    r"free (?:money|gift card|iphone|followers|robux|v-?bucks)|giveaway|"
    r"get paid|business opportunity|investment opportunity|crypto signals?|forex|book a (?:call|demo)|"
    r"schedule a demo|seo services)\b")
# Phrases that also occur in ordinary chat ("check my config", "my site
# is down", "the cheap option"): selling only with other signs of it.
_PROMO_WEAK = re.compile(
    r"\b(?:check out my|check my|checkout my|visit my|subscribe|follow me|follow my|watch my|listen to my|"
    r"my (?:channel|website|site|shop|store|blog|page|startup|agency|business|ebook|course|playlist)|"
    r"contact me (?:for|if|at|on)|email me (?:for|if|at)|we offer|our (?:services|agency|product|platform|company) "
    r"(?:can|will|helps)|sign up (?:now|today|here)|register now|join now|free trial|cheap(?:est)?|for sale|on sale|"
    r"click (?:here|the link|this link|on my))\b")
_POLITICAL = re.compile(
    r"\b(?:vote for|vote (?:yes|no) on|re-?elect|elect \w+|support (?:my|our) campaign|donate to (?:my|our|the) campaign|"
    r"sign (?:the|my|our|this) petition|join (?:the|our) (?:march|rally|movement)|volunteer for (?:the )?campaign)\b")
_PRICE = re.compile(r"(?:[$€£]\s?\d[\d,.]*|\b\d[\d,.]*\s?(?:usd|eur|gbp|dollars|bucks)\b)", re.I)


# A phrase pattern only runs when one of its words occurs in the message.
# Distinctive words only: every _PROMO phrase contains at least one of them.
_PROMO_GATE = words(
    "check checkout visit subscribe sub follow share watch listen channel video song app book course product website "
    "site shop store single album blog page startup agency business ebook playlist instagram youtube soundcloud "
    "twitter tiktok etsy dm pm message inbox whatsapp contact hit email hire grow rank offer services platform "
    "company buy order sign register join limited discount promo coupon code referral affiliate off trial price "
    "cheap cheapest sale selling demo money cash home passive free giveaway click paid opportunity crypto signal "
    "signals forex like")
_POLITICAL_GATE = words("vote elect reelect re support donate sign join volunteer")
_SPAM_GATE = words("100 free earn double send guaranteed congratulations selected claim only whatsapp")
_STAFF_GATE = words("moderator mod admin administrator staff employee support security official")
_INTERNAL_GATE = words("internal confidential share distribute external public nda embargo embargoed proprietary")
_GRAPHIC_PROBE = re.compile("gor[ey]|decapitat|dismember|mutilat|disembowel|behead|severed|blood|brain|guts|mangled|"
                            "corpse|bod|execution|torture|snuff|graphic|video")


PROMO_MODEL_PATH = Path(__file__).with_name("data") / "promo_model.json.gz"
# The promotion model speaks alone above this calibrated probability: on
# the first half of the docker chat room (never trained on) 0.08% of
# messages score there; on YouTube files 04-05 (held out) precision 1.00,
# recall 0.70 (bench/train_promo.py, bench/quality.py).
PROMO_SURE = 0.99


@lru_cache(maxsize=1)
def promo_classifier() -> Classifier | None:
    return Classifier.load(PROMO_MODEL_PATH)


_POLITICAL_WORDS = words(
    "election elections candidate candidates campaign ballot president presidential senator senate mayor governor "
    "congress congressman congresswoman parliament mp party democrat democrats republican republicans labour tory "
    "tories conservative liberal primary referendum midterms councillor council")
_VOTE_FOR_NAME = re.compile(r"\b(?:[Vv]ote (?:for )?|(?:[Rr]e-?)?[Ee]lect )[A-Z][a-z]")


# "check out <link>", "try rancher.com": how any chat shares a link. With
# under three words around the link the model cannot tell sharing from
# advertising, unless the author points at their own thing ("subscribe my").
_PROSE_WORD = re.compile(r"(?<![\w./:@<|-])[^\W\d_]{2,}(?![\w./:@>|-])")
_OWN = words("my our me mine")
MIN_PROMO_WORDS = 3


def _says_enough(parsed: ParsedText, norm: Normalised) -> bool:
    if not _OWN.isdisjoint(norm.vocab):
        return True
    prose = parsed.prose
    if parsed.links:
        buf = list(prose)
        for lk in parsed.links:
            buf[lk.start:lk.end] = " " * (lk.end - lk.start)
        prose = "".join(buf)
    n = 0
    for _ in _PROSE_WORD.finditer(prose):
        n += 1
        if n >= MIN_PROMO_WORDS:
            return True
    return False


# Pieces of addresses written as words. The promotion model learnt from
# comments with pasted links, where "http" and "com" mark an advert; outside
# a link they are people talking about protocols and proxies ("change https
# to http", "look at HTTP_PROXY"), and a model-only finding must survive
# their removal. Inside a link (a bare URL) they still count.
_URL_WORDS = words("http https www com ftp tcp udp org net io")
_URL_WORD = re.compile(rf"(?<![^\W_])(?:{'|'.join(sorted(_URL_WORDS, key=len, reverse=True))})(?![^\W_])", re.I)


def _sure_without_url_words(norm: Normalised, parsed: ParsedText) -> bool:
    if _URL_WORDS.isdisjoint(norm.vocab):
        return True
    clf = promo_classifier()
    if clf is None:
        return True
    prose = parsed.prose
    buf = None
    for m in _URL_WORD.finditer(prose):
        if any(lk.start <= m.start() < lk.end for lk in parsed.links):
            continue
        if buf is None:
            buf = list(prose)
        buf[m.start():m.end()] = " " * (m.end() - m.start())
    if buf is None:
        return True
    return clf.score(features(normalise("".join(buf)), len(parsed.links))) >= PROMO_SURE


def _in_code(norm: Normalised, parsed: ParsedText, m: re.Match) -> bool:
    """A phrase in pasted code or inside a name: textContains("BUY NOW"),
    the bundle id "se.forex.mobile"."""
    s, e = norm.span(*m.span())
    return code_like(parsed.prose, s, e) or in_identifier(parsed.prose, s, e)


def check_selling(norm: Normalised, parsed: ParsedText, p_promo: float | None = None) -> list[Finding]:
    out: list[Finding] = []
    text = norm.text
    gated = not _PROMO_GATE.isdisjoint(norm.vocab)
    strong = [m for m in _PROMO.finditer(text) if not _in_code(norm, parsed, m)] if gated else []
    weak = [m for m in _PROMO_WEAK.finditer(text) if not _in_code(norm, parsed, m)] if gated else []
    # A strong phrase routes on its own; weak ones need two more signs
    # (another phrase, a link, a price).
    n = len(strong) + len(weak) + (1 if parsed.links else 0) + (1 if _PRICE.search(parsed.prose) else 0)
    hits = sorted(strong + weak, key=lambda m: m.start()) if strong or n >= 3 else []
    if hits:
        score = min(0.97, (0.6 if strong else 0.3) + 0.12 * n)
        s, e = norm.span(*hits[0].span())
        phrase = hits[0].group()
        out.append(Finding("selling", "selling.promotion", round(score, 3), "low", s, e,
                           f"Promotes a product, service or channel (\"{phrase}\")"))
    elif p_promo is not None and p_promo >= PROMO_SURE and norm.norms and _says_enough(parsed, norm) \
            and _sure_without_url_words(norm, parsed):
        out.append(Finding("selling", "selling.promotion_model", round(p_promo, 3), "low", *norm.whole(),
                           "Reads like advertising or self-promotion"))
    m = _POLITICAL.search(text) if not _POLITICAL_GATE.isdisjoint(norm.vocab) else None
    if m and m.group().startswith(("vote", "elect", "re")) and _POLITICAL_WORDS.isdisjoint(norm.vocab) \
            and not _VOTE_FOR_NAME.search(parsed.prose):
        m = None  # "vote for your favourite feature": a poll; "elect a new leader": a cluster
    if m:
        s, e = norm.span(*m.span())
        out.append(Finding("selling", "selling.political_campaigning", 0.75, "low", s, e,
                           "Campaigns for a political cause or candidate"))
    return out


# --------------------------------------------------------------------- spam

_SPAM_BAIT = re.compile(
    r"\b(?:100% free|free followers|earn \$?\d+ (?:a|per) (?:day|week|hour)|double your (?:money|bitcoin|crypto)|"
    r"send (?:me )?(?:btc|bitcoin|eth)|guaranteed (?:profit|income|returns)|congratulations you|"
    r"you have been selected|claim (?:your|now)|only \d+ (?:spots|left)|whatsapp \+?\d)")


_WORD_RUN = re.compile(r"\w+")

# SMS-style and advertising spam: each sign alone occurs in ordinary talk
# ("I won the quiz", "call me", "reply stop if..."), so a message needs two
# different signs, or one of the few that ordinary people never write.
_PREMIUM_NUMBER = r"0?9\d{2}[ -]?\d{3}[ -]?\d{3,4}|08[47]\d[ -]?\d{3}[ -]?\d{3,4}|1[ -]?900[ -]?\d{3}[ -]?\d{4}"
_PREMIUM = r"(?:" + _PREMIUM_NUMBER + r"|\b\d{5}\b)"  # or a five-digit short code
_SMS_SIGNS: tuple[tuple[str, int, re.Pattern], ...] = (
    # (sign, weight, pattern); weight 2 = enough alone
    ("prize", 1, re.compile(
        r"\b(?:you(?:'ve| have|r)? (?:(?:just |been )?(?:won|awarded|selected|chosen)|are (?:a |our )?(?:lucky )?winners?)|"
        r"ur awarded|(?:a |lucky |our )winner|cash prize|prize (?:draw|waiting|guaranteed)|won (?:a |an )?(?:guaranteed|cash|£|\$|€)|"
        r"guaranteed (?:cash|prize|£|\$|€)|unclaimed (?:bonus|prize|cash|reward)|chances? to win|free entry|"
        r"(?:won|win) (?:a |an )?(?:free |brand new )?(?:iphone|ipad|nokia|samsung|holiday|voucher|gift card|cruise|car)|"
        r"(?:[£$€] ?\d[\d,]*|\d[\d,]* pounds) (?:cash )?(?:prize|award|reward|bonus|jackpot)|prize (?:reward|jackpot)|"
        # the handset offer: "U r due a FREE upgrade", "free polyphonic ringtones"
        r"(?:you are|you're|u r|ur) (?:due|entitled to) (?:a |an )?(?:free|upgrade|update|new (?:phone|mobile))|"
        r"free (?:polyphonic |mobile )?(?:ringtones?|tones|camera phone|colou?r (?:phone|mobile)s?))", re.I)),
    ("claim", 1, re.compile(r"\b(?:to claim|claim (?:now|code|your (?:prize|reward|cash|bonus|gift)|it now)|"
                            r"(?:claim|identifier|quote|reference) code|quoting [A-Z0-9]{3,})", re.I)),
    ("call_now", 1, re.compile(r"\b(?:call|ring|phone|dial) (?:now|free|today|immediately|us now|from (?:a )?landline)|"
                               r"\b(?:call|ring|dial) " + _PREMIUM + r"|\bfree(?:phone| on| call)? 0800 ?\d{3} ?\d{3,4}", re.I)),
    ("premium_number", 1, re.compile(r"(?<![\d+])(?:" + _PREMIUM_NUMBER + r")(?!\d)")),
    ("text_to", 1, re.compile(r"\b(?:text|txt|send|reply|sms)\W{0,3}(?:the word\W{0,3})?(?!stop\b)[A-Z0-9]{2,10}\W{0,3}(?:to|2)\W{0,3}"
                              r"(?:no\W{0,3})?\d{5}\b|\b(?:text|txt|reply) (?!stop\b)[A-Z]{2,10} (?:(?:to|2) |(?:4|for) info)", re.I)),
    ("stop", 1, re.compile(r"\b(?:(?:txt|text|reply|send|sms) stop\b|stop (?:to|2) (?:end|opt out|unsubscribe|cancel|\d{5})|"
                           r"to (?:opt[- ]out|unsubscribe)|stop\? ?txt stop)", re.I)),
    ("charge", 2, re.compile(r"(?:\b\d{1,3}p ?(?:/|per) ?(?:min|msg|txt|wk|day|week|call|sms)|"
                             r"[£$€]\d+(?:\.\d\d)? ?(?:/|per) ?(?:wk|week|msg|min|txt|mo|day|sms)\b|"
                             r"\b\d{2,3}p(?: ?msg| ?/msg)|\b(?:t ?& ?cs?|tcs|ts ?(?:and|&) ?cs) apply|\b1[68]\+ only|\bmsg rate)", re.I)),
    # "Msg charged at £1.50", "2 msgs at £1.50", "3 tones a wk at £3"; also
    # how people talk of an SMS gateway's prices ("sms at $0.0075"), so one sign.
    ("msg_price", 1, re.compile(r"\b(?:msgs?|txts?|texts?|sms|tones?|ringtones?)\b(?: \w+){0,2} (?:at|@|costs?) "
                                r"(?:[£$€]\d+(?:\.\d+)?|\d+p)(?!\w)", re.I)),
    ("adult", 1, re.compile(r"\b(?:hot singles|sexy (?:girls|singles|chat)|adult chat|dirty chat)", re.I)),
    # "We tried to contact you", "you have 1 new voicemail": the call
    # back a premium-rate line wants.
    ("contact_bait", 1, re.compile(
        r"\b(?:we(?:'ve| have)?(?: been)? (?:tried|trying|attempted) to (?:contact|reach) (?:you|u)|"
        r"(?:you|u) have (?:\d+|a|one) new (?:voicemail|message|msg)s?|(?:voicemail|msg|message) (?:is )?waiting for (?:you|u))",
        re.I)),
    ("urgent", 1, re.compile(r"\b(?:urgent!|urgent[: ]|final (?:attempt|notice|reminder)|act now|limited (?:spots|places|time)|"
                             r"expires? (?:today|in \d+ ?h)|valid (?:for )?(?:only )?\d+ ?(?:hrs?|hours)|before midnight|last chance)", re.I)),
    ("money_pitch", 1, re.compile(
        r"\b(?:double your (?:money|bitcoin|btc|eth|crypto|investment)|guaranteed (?:returns?|profits?|income)|"
        r"\d+ ?% (?:profit|returns?|daily|weekly|monthly|a (?:day|week|month))|(?:trading|crypto|forex) (?:bot|signals?)|"
        r"earn (?:up to )?[£$€]?\d[\d,]* (?:a|per|every) (?:day|week|month|hour)|from (?:the comfort of )?(?:your )?home,? no experience|"
        r"no experience (?:needed|required)|bad credit (?:ok|welcome|accepted)|loan of [£$€]|invest [£$€]?\d|"
        r"(?:send|pay) (?:the |a )?[£$€]?\d+ (?:fee|to release|to unlock))", re.I)),
    ("money", 1, re.compile(r"(?:[£$€] ?\d[\d,]{2,}|\b\d[\d,]{2,} ?(?:pounds|dollars|euros|usd|gbp)\b)", re.I)),
)
_REPEATABLE = frozenset(("prize", "money_pitch"))
# Every sign but three needs one of these words; a message needs two signs
# (or one "charge"), so a message with none of the words, or one of them and
# no number or price, cannot be spam by this rule. Checked on the word set.
_SMS_WORDS = words(
    "win won winner winners winning prize prizes claim ring dial txt sms stop free cash guaranteed awarded award "
    "selected chosen urgent attempt notice limited expires midnight chance invest profit profits loan credit earn "
    "double crypto bitcoin btc eth forex trading signals singles sexy adult unclaimed bonus quote quoting "
    "identifier voucher experience unsubscribe opt fee iphone nokia samsung holiday call jackpot reward freephone "
    "voicemail ringtones tones entitled")
_APOSTROPHES = str.maketrans("\u2019\u2018\u02bc", "'''")
_SMS_NUMBER = re.compile(r"[£$€]|\d{5}")
_CHARGE_WORDS = words("min msg wk txt tcs cs mo week rate day sms call apply")
_CHARGE_PROBE = re.compile(r"\dp\b|\dp ?/|t ?& ?cs?\b|\btcs\b|ts ?and ?cs|1[68]\+|msg rate|"
                           r"/ ?(?:wk|msg|min|txt|day|sms)\b", re.I)


def sms_spam_signs(text: str, vocab: frozenset[str] | None = None) -> list[tuple[str, int, int, int]]:
    """(sign, weight, start, end) of each SMS-spam sign found in `text`.
    `vocab`, the message's normalised words, lets most messages skip the patterns.
    A phone's curly apostrophe ("You’ve won") reads as a straight one."""
    if vocab is not None:  # the gate's patterns hold no apostrophe
        n = len(_SMS_WORDS.intersection(vocab))
        if ((n == 0 or (n == 1 and _SMS_NUMBER.search(text) is None))
                and (_CHARGE_WORDS.isdisjoint(vocab) and "+" not in text or _CHARGE_PROBE.search(text) is None)):
            return []
    text = text.translate(_APOSTROPHES)  # one character for one: the spans still index `text`
    out: list[tuple[str, int, int, int]] = []
    for name, weight, rx in _SMS_SIGNS:
        m = rx.search(text)
        if m:
            if name in _REPEATABLE and rx.search(text, m.end()):
                weight += 1  # two different pitches: "double your BTC ... guaranteed returns"
            out.append((name, weight, m.start(), m.end()))
    # One phrase is one sign: "loan of $2,000" is a pitch, not also a sum;
    # "reply STOP to" is an opt-out, not also a keyword to text.
    return [x for x in out if not any(y is not x and y[2] < x[3] and x[2] < y[3]
                                      and (x[0] == "money" or (y[2] <= x[2] and x[3] <= y[3] and y[:2] != x[:2]
                                                               and (y[2], y[3]) != (x[2], x[3])))
                                      for y in out)]


# check_spam and record_activity both ask for the same message's fingerprint,
# one right after the other: a small cache saves the second fold.
@lru_cache(maxsize=1024)
def fingerprint(text: str) -> str:
    """Same words in the same order, whatever the case, spacing or punctuation."""
    folded, _ = fold(text)
    core = " ".join(_WORD_RUN.findall(folded))
    return hashlib.blake2b(core.encode(), digest_size=8).hexdigest()


CROSS_POST_MIN_WORDS = 6


def check_spam(message, parsed: ParsedText, norm: Normalised, context: Context, limits) -> list[Finding]:
    out: list[Finding] = []
    role = context.author_role
    staff = role in ("moderator", "admin", "employee")
    specials = parsed.special_mentions
    if specials and not staff:
        m = specials[0]
        out.append(Finding("spam", "spam.mass_mention", 0.9, "medium", m.start, m.end,
                           f"Notifies the whole channel (@{m.target}) without being staff"))
    users = parsed.user_mentions
    if users:
        distinct = {m.target for m in users}
        if len(distinct) >= limits.max_user_mentions:
            out.append(Finding("spam", "spam.mention_spam", 0.85, "medium", users[0].start, users[-1].end,
                               f"Mentions {len(distinct)} people in one message"))
        else:
            repeated = max(sum(1 for m in users if m.target == t) for t in distinct)
            if repeated >= 3:
                out.append(Finding("harassment", "harassment.mention_badgering", 0.75, "medium",
                                   users[0].start, users[-1].end, f"Mentions the same person {repeated} times in one message"))
    n_links = len(parsed.links)
    new_member = context.account_age_days is not None and context.account_age_days < limits.new_member_days
    if new_member and not staff and n_links >= limits.new_member_max_links:
        out.append(Finding("spam", "spam.new_member_links", 0.8, "medium", parsed.links[0].start, parsed.links[-1].end,
                           f"A new member's post with {n_links} links"))
    signs = sms_spam_signs(parsed.prose, norm.vocab)
    weight = sum(w for _, w, _, _ in signs)
    m = _SPAM_BAIT.search(norm.text) if not _SPAM_GATE.isdisjoint(norm.vocab) else None
    if m and (parsed.links or weight >= 2 or _SPAM_BAIT.search(norm.text, m.end())):
        # The bait phrase alone is ordinary talk as often as not ("you have
        # been selected for the speaker slot"); with a link or another sign it is not.
        s, e = norm.span(*m.span())
        out.append(Finding("spam", "spam.scam_bait", 0.85, "medium", s, e, "Reads like a scam or get-rich-quick offer"))
    if weight >= 2 and not (len(signs) == 2 and {n for n, *_ in signs} == {"money", "urgent"}):
        names = ", ".join(n.replace("_", " ") for n, *_ in signs)
        score = min(0.95, 0.7 + 0.08 * weight)
        out.append(Finding("spam", "spam.sms_spam", round(score, 3), "medium", min(x[2] for x in signs),
                           max(x[3] for x in signs), f"Reads like prize, premium-rate or investment spam ({names})"))
    act = context.activity
    if act is not None and message.user and not staff:
        now = context.now
        recent = act.count_since(user=message.user, since=now - limits.flood_window_s)
        if recent + 1 > limits.flood_max_messages:
            out.append(Finding("spam", "spam.flood", 0.85, "medium", 0, 0,
                               f"{recent + 1} messages within {limits.flood_window_s:g} seconds"))
        # Short common phrases ("thanks!", "+1", "same here, thank you") are
        # said in many channels by everyone: never cross-post spam.
        if len(message.text) >= 20 and len(message.text.split()) >= CROSS_POST_MIN_WORDS:
            fp = fingerprint(message.text)
            chans = act.channels_with_fingerprint(user=message.user, fingerprint=fp, since=now - limits.duplicate_window_s)
            chans = set(chans) | {message.channel}
            if len(chans) >= limits.cross_post_channels:
                out.append(Finding("spam", "spam.cross_post", 0.85, "medium", 0, len(message.text),
                                   f"The same message posted in {len(chans)} channels"))
        if new_member and n_links:
            links = act.links_since(user=message.user, since=now - limits.duplicate_window_s) + n_links
            if links > limits.new_member_links_per_hour:
                out.append(Finding("spam", "spam.new_member_link_rate", 0.8, "medium", 0, 0,
                                   f"A new member posted {links} links within the hour"))
    return out


def record_activity(message, parsed: ParsedText, context: Context) -> None:
    """Tell the activity store about this message (after it was checked)."""
    if context.activity is not None and message.user:
        context.activity.record(user=message.user, channel=message.channel, ts=context.now,
                                fingerprint=fingerprint(message.text), links=len(parsed.links))


# ------------------------------------------------------------ impersonation

_STAFF_WORDS = re.compile(
    r"\b(?:admin|admins|administrator|moderator|moderators|mod|mods|support|support team|staff|official|"
    r"helpdesk|help desk|customer service|customer care|security team|trust and safety|team lead|employee)\b")
_STAFF_CLAIM = re.compile(
    r"\b(?:i am|i'm|i m|im|we are|we're|we re|this is) (?:a |an |the |your |one of the )?(?:community |official |slack )?"
    r"(?:moderator|mod|admin|administrator|staff member|employee|support team|support agent|security team)\b"
    r"(?! of\b| at\b| for\b| in\b| on\b| elsewhere)"
    r"|\bas (?:a|an|the|your) (?:moderator|admin|administrator|staff member)\b"
    r"|\bofficial (?:support|staff|announcement)\b(?! for\b| of\b)")
# "logged in as an admin", "run it as an administrator": an account or a
# privilege someone uses, not a role they claim.
_AS_ROLE_USED = re.compile(r"\b(?:log(?:ged|s|ging)?|sign(?:ed|s|ing)?) ?in as $|"
                           r"\b(?:run|runs|running|ran|execute[sd]?|executing|connect(?:ed|s|ing)?|access(?:ed)?|"
                           r"authenticated?|start(?:ed)?|open(?:ed)?|it|this|that|user|account) as $")


# "I'm an admin" about one's own computer: words about machines and rights,
# and nothing asked of the reader (the scam always asks).
_MACHINE_WORDS = words("sudo root privileges privilege rights permission permissions install installed installing "
                       "machine laptop pc computer windows mac macos linux ubuntu terminal cmd powershell uac npm "
                       "chmod chown")
_ASKS = re.compile(r"\b(?:dm|pm|message|send|give|tell|share|verify|confirm|click|reply)\b(?: \w+){0,3} "
                   r"(?:me|us|your|ur|the code|the link|this link)\b|\byour (?:password|code|login|credentials|token|"
                   r"account|details)\b")
_NOT_NAME_CHAR = re.compile(r"[^a-z0-9]+")
_NAME_SEPARATORS = re.compile(r"[_.\-]+")


# Names repeat on every message an author posts, so what a name looks like
# is worked out once per name (and per staff list), not once per message.
# Bounded: a workspace has at most tens of thousands of members.
@lru_cache(maxsize=32_768)
def _name_key(name: str) -> str:
    folded, _ = fold(name)
    return _NOT_NAME_CHAR.sub("", folded.replace("0", "o").replace("1", "l").replace("3", "e"))


@lru_cache(maxsize=32_768)
def _has_staff_title(name: str) -> bool:
    return _STAFF_WORDS.search(normalise(_NAME_SEPARATORS.sub(" ", name)).text) is not None


@lru_cache(maxsize=256)
def _staff_keys(staff_names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    # As a dict first: a later name with the same key replaces the earlier
    # one's original but keeps its place, as the per-message dict did.
    return tuple({_name_key(n): n for n in staff_names if n}.items())


def _imitated_staff(key: str, staff_names: tuple[str, ...]) -> str | None:
    for k, original in _staff_keys(staff_names):
        if k and (key == k or (len(k) >= 5 and (k in key or _edit1(key, k)))):
            return original
    return None


# One table per staff list. The bot and the audit each use one list at a
# time (it changes when a moderator joins, leaves or renames), so a few
# tables suffice; a table is emptied when it reaches IMITATION_TABLE_SIZE
# names. Worst case: 4 x 65,536 names at ~150 bytes, about 40 MB.
IMITATION_TABLES = 4
IMITATION_TABLE_SIZE = 65_536


@lru_cache(maxsize=IMITATION_TABLES)
def _imitation_table(staff_names: tuple[str, ...]) -> dict[str, str | None]:
    """name key -> the staff name it imitates (or None), filled as names come."""
    return {}


_MISSING = object()
# The audit passes the same staff tuple with every message: recognising it
# by identity spares hashing the whole tuple once per message.
_last_table: tuple[tuple[str, ...], dict[str, str | None]] | None = None


def _imitated(key: str, staff_names: tuple[str, ...]) -> str | None:
    global _last_table
    last = _last_table
    if last is not None and last[0] is staff_names:
        table = last[1]
    else:
        table = _imitation_table(staff_names)
        _last_table = (staff_names, table)
    hit = table.get(key, _MISSING)
    if hit is _MISSING:
        if len(table) >= IMITATION_TABLE_SIZE:
            table.clear()
        hit = table[key] = _imitated_staff(key, staff_names)
    return hit


def check_impersonation(norm: Normalised, context: Context) -> list[Finding]:
    out: list[Finding] = []
    if context.author_role != "member" and context.author_role != "expert":
        return out
    staff_names = tuple(context.staff_names)
    for label, name in (("display name", context.display_name), ("real name", context.real_name)):
        if not name:
            continue
        hit = _imitated(_name_key(name), staff_names)
        if hit:
            out.append(Finding("impersonation", "impersonation.staff_name", 0.9, "high", 0, 0,
                               f"The {label} '{name}' imitates staff member '{hit}'", extra={"field": label}))
        elif _has_staff_title(name):
            out.append(Finding("impersonation", "impersonation.staff_title", 0.8, "high", 0, 0,
                               f"The {label} '{name}' suggests a staff role the author does not have",
                               extra={"field": label}))
    m = None
    for hit in (_STAFF_CLAIM.finditer(norm.text) if not _STAFF_GATE.isdisjoint(norm.vocab) else ()):
        if hit.group().startswith("as ") and _AS_ROLE_USED.search(norm.text, max(0, hit.start() - 20), hit.start() + 3):
            continue
        if not _MACHINE_WORDS.isdisjoint(norm.vocab) and _ASKS.search(norm.text) is None:
            continue  # "it asks for admin user, and im an admin. When i use sudo": rights on a computer
        m = hit
        break
    if m:
        s, e = norm.span(*m.span())
        out.append(Finding("impersonation", "impersonation.staff_claim", 0.8, "high", s, e,
                           "Claims to be staff, but the author is not"))
    return out


# --------------------------------------------------------------- off-topic

_STOP = frozenset(
    "a an the and or but if then so to of in on at for with by from about as is are was were be been being it "
    "its this that these those i you he she we they me my your our their them his her us do does did done "
    "have has had not no yes can could would should will just get got how what when where which who why any "
    "all some more most very really also there here than too only out up down over into again hi hello hey "
    "thanks thank please anyone someone know like one way use using used need want try tried does".split())


def _stem(w: str) -> str:
    for suf in ("ing", "ed", "es", "s"):
        if len(w) > len(suf) + 2 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def check_off_topic(norm: Normalised, context: Context) -> list[Finding]:
    topic = context.channel_topic
    if not topic or not norm.norms:
        return []
    topic_words = {_stem(w) for w in re.findall(r"[a-z0-9]+", fold(topic)[0]) if w not in _STOP and len(w) > 2}
    words = [_stem(w) for w in norm.norms if w not in _STOP and len(w) > 2 and w.isalpha()]
    if not topic_words or len(words) < 6:
        return []  # short replies ("thanks!", "+1") are never off-topic
    overlap = sum(1 for w in words if w in topic_words)
    if overlap:
        return []
    return [Finding("off_topic", "off_topic.channel_topic", 0.55, "low", *norm.whole(),
                    f"Shares no subject words with this channel's topic ({topic[:60]})")]


# ------------------------------------------------------------ confidential

_INTERNAL = re.compile(
    r"\b(?:internal only|internal use only|for internal use|company confidential|strictly confidential|"
    r"confidential|do not share|do not distribute|don't share (?:this|outside)|not for (?:external|public) "
    r"(?:use|distribution|sharing)|under nda|under embargo|embargoed|proprietary and confidential)\b")
_QUESTION_ABOUT = re.compile(r"\b(?:is (?:this|it|that) confidential|what is confidential|confidential\?)")
_CUSTOMER = re.compile(r"\b(?:customer|client|account|user|subscriber|invoice|order|ticket) (?:id|no|number|record|records|data|list|details|email|emails|phone)\b")


def check_confidential(norm: Normalised, context: Context, has_personal_data: bool) -> list[Finding]:
    out: list[Finding] = []
    employee = context.author_role in ("employee", "moderator", "admin")
    m = _INTERNAL.search(norm.text) if not _INTERNAL_GATE.isdisjoint(norm.vocab) else None
    if m and not _QUESTION_ABOUT.search(norm.text):
        s, e = norm.span(*m.span())
        score = 0.85 if employee else 0.6
        out.append(Finding("confidential", "confidential.internal_marker", score, "high", s, e,
                           "Marked as internal or confidential material"))
    if context.author_role == "employee":
        c = _CUSTOMER.search(norm.text)
        if has_personal_data and c:
            s, e = norm.span(*c.span())
            out.append(Finding("confidential", "confidential.customer_record", 0.85, "high", s, e,
                               "An employee posting a customer's record or personal details"))
        elif has_personal_data:
            out.append(Finding("confidential", "confidential.customer_record", 0.6, "high", 0, 0,
                               "An employee posting someone's personal details"))
    return out


# ---------------------------------------------------------- violent content

_GRAPHIC = re.compile(
    r"\b(?:gore|gory|decapitat\w*|dismember\w*|mutilat\w*|disembowel\w*|beheading|beheaded|severed (?:head|limbs?|hand)|"
    r"blood (?:everywhere|splatter\w*|pouring|gushing)|brains? (?:splattered|blown out)|guts (?:spilled|hanging)|"
    r"mangled (?:body|bodies|corpse)|corpses?|dead bod(?:y|ies)|execution video|torture video|snuff|"
    r"graphic (?:video|footage|images?|photos?)|(?:video|footage) of (?:the )?(?:killing|shooting|murder|beheading))\b")
_WARNING = re.compile(r"\b(?:cw|tw|content warning|trigger warning|nsfw|nsfl|graphic warning|viewer discretion)\b")


def check_violent_content(norm: Normalised, parsed: ParsedText) -> list[Finding]:
    if _GRAPHIC_PROBE.search(norm.text) is None:
        return []
    hits = list(_GRAPHIC.finditer(norm.text))
    if not hits or _WARNING.search(norm.text):
        return []
    score = min(0.95, 0.45 + 0.2 * len(hits) + (0.15 if parsed.links else 0.0))
    s, e = norm.span(*hits[0].span())
    return [Finding("violent_content", "violent_content.graphic", round(score, 3), "medium", s, e,
                    "Describes or links graphic violence without a content warning")]
