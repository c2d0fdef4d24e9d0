"""Policy checks: a message and its context in, findings out.

    findings = policies.evaluate(Message(text="..."), Context(author_role="member"))

Nothing here acts, calls Slack or touches a database; the caller decides what
to do with each finding (its `action` and `shadow` come from configuration).
"""
from __future__ import annotations

import bisect
import gc
import re
from typing import Iterable

from . import abuse, addresses, community, credentials, encoder, language, links, personal, phones, wordmodel
from .config import CategoryConfig, Limits, PolicyConfig, PolicyConfigError, RuleOverride, load_policy_config
from .model import CATEGORIES, ActivityView, Context, Finding, Message
from .slacktext import normalise, parse

__all__ = [
    "CATEGORIES", "ActivityView", "CategoryConfig", "Context", "Finding", "Limits", "Message", "PolicyConfig",
    "PolicyConfigError", "RuleOverride", "evaluate", "evaluate_many", "load_policy_config", "mask", "mask_personal_data",
    "prepare_batch_process",
]

_DEFAULT_CONFIG = PolicyConfig()
_CLEARER = frozenset({"threat", "hate", "harassment", "vulgar", "malware", "privacy", "confidential"})
_FOUR_DIGITS = re.compile(r"\d(?:\W{0,3}\d){3}")
_DEFAULT_CONTEXT = Context()
# When two sensitive spans overlap, the more specific detector wins.
_PRIORITY = {"secret": 0, "card": 1, "iban": 2, "ssn": 3, "nino": 4, "email": 5, "ip": 6, "phone": 7,
             "password": 8, "address": 9}


def _sensitive(text: str, regions: tuple[str, ...], allowed_domains: frozenset[str],
               *, privacy: bool = True, vocab: frozenset[str] | None = None,
               prose: str | None = None) -> list[Finding]:
    """Secrets and personal data in `text`, overlaps resolved.

    `prose`: `text` with code spans blanked (same length). Secrets count in
    code too; personal data is looked for in prose only, since a number in a
    code block is a version, a port or an id far more often than a phone."""
    found: list[Finding] = list(credentials.find_secrets(text))
    if privacy:
        text = text if prose is None else prose
        # Every number-shaped detector needs four digits close together.
        if _FOUR_DIGITS.search(text):
            found += personal.find_cards(text)
            found += personal.find_ibans(text)
            found += personal.find_ssns(text)
            found += personal.find_ninos(text)
            found += personal.find_ips(text)
            found += phones.find_phones(text, regions)
        found += addresses.find_addresses(text, vocab)
        if "@" in text:
            found += personal.find_emails(text, allowed_domains)
        found += credentials.find_passwords(text)
    return _resolve_overlaps(found)


def _resolve_overlaps(found: list[Finding]) -> list[Finding]:
    """Keep, in priority order, each finding that overlaps none kept before.

    Kept spans are disjoint, so kept in start order a new span is checked
    against one neighbour (bisect): O(n log n) in the findings, where
    comparing with every kept span was quadratic and a log line full of
    e-mail addresses took seconds to mask. Empty spans are points: they
    clash only with a span strictly around them."""
    if len(found) < 2:
        return found
    found = sorted(found, key=lambda f: (_PRIORITY.get(f.extra.get("kind"), 9), -f.score))
    starts: list[int] = []  # kept non-empty spans, by start
    ends: list[int] = []
    points: list[int] = []  # kept empty spans
    kept: list[Finding] = []
    for f in found:
        start, end = f.start, f.end
        if end > start:
            i = bisect.bisect_left(starts, end)  # spans starting before `end`
            if i and ends[i - 1] > start:
                continue
            j = bisect.bisect_right(points, start)
            if j < len(points) and points[j] < end:
                continue
            starts.insert(i, start)
            ends.insert(i, end)
        else:
            i = bisect.bisect_left(starts, start)
            if i and ends[i - 1] > start:
                continue
            bisect.insort(points, start)
        kept.append(f)
    kept.sort(key=lambda f: f.start)
    return kept


def _is_exempt(message: Message, context: Context, config: PolicyConfig) -> bool:
    return (context.exempt or (message.user and message.user in config.exempt_users)
            or bool(config.exempt_groups.intersection(context.user_groups)))


_ABUSIVE = frozenset({"threat", "hate", "harassment", "vulgar"})


class _Row:
    """One message on its way through evaluate_many: parsed once, with its
    channel's categories, and the models' scores once they are known.
    `prose`: the message's prose plus its attachments' text. `abuse`: what
    the abuse rules see in it (None when no abusive category is on or it has
    no words), found once and judged once the probability is known."""
    __slots__ = ("message", "context", "parsed", "prose", "norm", "cats", "on", "abuse", "p_abusive", "p_promo",
                 "sentence", "_reading")

    def __init__(self, message, context, parsed, prose, norm, cats, on, config: PolicyConfig):
        self.message, self.context, self.parsed, self.prose, self.norm = message, context, parsed, prose, norm
        self.cats, self.on = cats, on
        self.abuse = abuse.evidence(norm, mentions_user=bool(parsed.user_mentions),
                                    allowed_words=config.allowed_words, source=prose) if on & _ABUSIVE else None
        self.p_abusive: float | None = None
        self.p_promo: float | None = None
        self.sentence = False  # p_abusive is the sentence reader's
        self._reading: str | None = None

    @property
    def reading(self) -> str:
        """The text the language check and the sentence reader read
        (encoder.text_of), worked out once for both."""
        if self._reading is None:
            self._reading = encoder.text_of(self.prose)
        return self._reading


def _raw_findings(row: _Row, config: PolicyConfig) -> list[Finding]:
    """Every check that the row's active categories ask for, before thresholds."""
    message, context, on, parsed, prose, norm = row.message, row.context, row.on, row.parsed, row.prose, row.norm
    p_abusive, p_promo = row.p_abusive, row.p_promo
    text = message.text
    out: list[Finding] = []
    scan = parsed.plain if not message.attachments else parsed.plain + "\n" + "\n".join(message.attachments)
    sensitive = _sensitive(scan, config.phone_regions, config.allowed_domains,
                           privacy="privacy" in on or "confidential" in on, vocab=norm.vocab, prose=prose)
    has_personal = any(f.category == "privacy" for f in sensitive)
    out += [f for f in sensitive if not f.extra.get("stand_in")]  # masked, but no case
    if row.abuse is not None:
        out += abuse.judge(row.abuse, p_abusive, sentence=row.sentence)
    if "malware" in on:
        out += links.check_links(parsed.links, message.files, parsed.plain, config.allowed_domains, norm.vocab)
    if "spam" in on or "harassment" in on:
        out += community.check_spam(message, parsed, norm, context, config.limits)
    if "selling" in on:
        out += community.check_selling(norm, parsed, p_promo)
    if "impersonation" in on:
        out += community.check_impersonation(norm, context)
    if "off_topic" in on:
        out += community.check_off_topic(norm, context)
    if "confidential" in on:
        out += community.check_confidential(norm, context, has_personal)
    if "violent_content" in on:
        out += community.check_violent_content(norm, parsed)
    if p_promo is not None and any(f.category in _CLEARER for f in out):
        # The promotion model reacts to any short post with a link; when a
        # clearer finding explains the message, its guess adds only noise.
        out = [f for f in out if f.rule != "selling.promotion_model"]
    n = len(text)
    for i, f in enumerate(out):
        if f.end > n:  # found in an attachment: no span in the message text
            out[i] = Finding(f.category, f.rule, f.score, f.severity, 0, 0, f.explanation + " (in an attachment)",
                             f.sensitive, f.action, f.shadow, {**f.extra, "attachment": True})
    return out


def _active(cats: dict[str, CategoryConfig]) -> set[str]:
    return {c for c, cc in cats.items() if cc.enabled and cc.action != "ignore"}


def _threshold(cc: CategoryConfig, over: RuleOverride | None) -> float:
    """The score a finding needs: its rule's override, else its category's."""
    return cc.threshold if over is None or over.threshold is None else over.threshold


def _finish(raw: list[Finding], cats: dict[str, CategoryConfig], exempt: bool,
            rules: dict[str, RuleOverride]) -> list[Finding]:
    out = []
    for f in raw:
        cc = cats.get(f.category)
        if cc is None or not cc.enabled or cc.action == "ignore":
            continue
        over = rules.get(f.rule)
        if f.score < _threshold(cc, over):
            continue
        if exempt and f.extra.get("kind") != "secret":
            continue
        action = "remove" if over is not None and over.auto_remove and cc.action != "log" else cc.action
        out.append(Finding(f.category, f.rule, f.score, f.severity, f.start, f.end, f.explanation,
                           f.sensitive, action, cc.shadow, f.extra))
    out.sort(key=lambda f: (f.start, CATEGORIES.index(f.category)))
    return out


def _prepare(message: Message):
    parsed = parse(message.text)
    prose = parsed.prose
    if message.attachments:
        prose = prose + "\n" + "\n".join(message.attachments)
    return parsed, prose, normalise(prose)


def evaluate(message: Message, context: Context | None = None, *, config: PolicyConfig | None = None) -> list[Finding]:
    """Check one message. Also records it in context.activity, if given."""
    return evaluate_many([(message, context)], config=config)[0]


def evaluate_many(items: Iterable[tuple[Message, Context | None]], *,
                  config: PolicyConfig | None = None) -> list[list[Finding]]:
    """Check a batch. The word models score the whole batch at once; the
    sentence reader (policies.encoder) then reads again the messages the
    abuse word model is unsure about (_read_sentences); then every check
    runs on each message, in order."""
    config = config or _DEFAULT_CONFIG
    rows: list[_Row] = []
    # A batch meets few distinct channel settings: work out once per batch
    # which categories they switch on.
    active: dict[int, set[str]] = {}
    for message, context in items:
        context = context or _DEFAULT_CONTEXT
        parsed, prose, norm = _prepare(message)
        cats = config.for_channel(message.channel, context.channel_name)
        on = active.get(id(cats))
        if on is None:
            on = active[id(cats)] = _active(cats)
        rows.append(_Row(message, context, parsed, prose, norm, cats, on, config))
    # An allowed word must not count against a message in the models either.
    feats = [wordmodel.features(r.norm, len(r.parsed.links), config.allowed_words) for r in rows]
    # Both linear models score the whole batch in one vectorised pass.
    scores, promo_scores = wordmodel.joint_scorer([abuse.classifier(), community.promo_classifier()]).score_many(feats)
    for r, p, pp in zip(rows, scores, promo_scores):
        r.p_abusive, r.p_promo = p, pp
    # Where the abuse model's say could count: at the sentence gate or
    # above, on a message no rule already sends to moderators.
    unsure = [r for r in rows if r.p_abusive is not None and r.p_abusive >= abuse.SENTENCE_GATE
              and r.abuse is not None and not _stated_by_rules(r, config)]
    _unread_in_other_languages(rows, unsure)
    reader = encoder.encoder() if config.second_stage else None
    if reader is not None:
        _read_sentences([r for r in unsure if r.p_abusive is not None], reader)
    results: list[list[Finding]] = []
    for r in rows:
        results.append(_finish(_raw_findings(r, config), r.cats, _is_exempt(r.message, r.context, config),
                               config.rules))
        # In order: the flood and repeat checks of the next message see this one.
        community.record_activity(r.message, r.parsed, r.context)
    return results


def _unread_in_other_languages(rows: list[_Row], unsure: list[_Row]) -> None:
    """The models learned English (policies.language): a message confidently
    in another language keeps no model score, so the rules alone judge it.
    Asked only where a model's say could count: the `unsure` rows for the
    abuse model, a sure score for the promotion model."""
    promo_sure = [r for r in rows if r.p_promo is not None and r.p_promo >= community.PROMO_SURE]
    for r in dict.fromkeys(unsure + promo_sure):  # each row once
        if language.models_cannot_read(r.reading):
            r.p_abusive = r.p_promo = None


def _read_sentences(ask: list[_Row], reader: encoder.Encoder) -> None:
    """The sentence reader's calibrated probability replaces the word
    model's on the messages it is asked about (where the word model is
    unsure and no rule alone sends the message to moderators: there the
    reader would change only a score)."""
    if not ask:
        return
    for r, q in zip(ask, reader.probabilities([r.reading for r in ask])):
        r.p_abusive, r.sentence = q, True


def _stated_by_rules(r: _Row, config: PolicyConfig) -> bool:
    """Does an abusive rule (strong profanity, a slur, a threat, an insult
    aimed at someone) reach its threshold with no model's help?"""
    for f in abuse.judge(r.abuse, 0.0):
        cc = r.cats.get(f.category)
        if cc is not None and cc.enabled and f.score >= _threshold(cc, config.rules.get(f.rule)):
            return True
    return False


def prepare_batch_process(config: PolicyConfig | None = None, *, one_of_many: bool) -> None:
    """For a process that does nothing but check batches (an export audit's
    worker, `modbot check --jsonl`): load the word models now, then move
    everything alive (their large vocabularies above all) out of the
    garbage collector's sight, and collect young objects less often. The
    checks make almost no reference cycles, and re-scanning the models'
    objects on every collection cost about a tenth of the time.
    `one_of_many`: there is already a process per core, so the sentence
    reader reads one text at a time."""
    if one_of_many:
        encoder.read_in_parallel(1)
    evaluate_many([(Message(text="warm up"), None)], config=config)
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def mask(text: str, findings: list[Finding]) -> str:
    """Replace each sensitive span with a masked hint ("•••• •••• •••• 4242")."""
    spans = sorted({(f.start, f.end, f.extra.get("kind", "")) for f in findings
                    if f.sensitive and f.end > f.start and f.end <= len(text)})
    merged: list[list] = []
    for s, e, kind in spans:
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
            continue
        merged.append([s, e, kind])
    out = []
    pos = 0
    for s, e, kind in merged:
        out.append(text[pos:s])
        out.append(personal.mask_value(kind, text[s:e]))
        pos = e
    out.append(text[pos:])
    return "".join(out)


def mask_personal_data(text: str, *, config: PolicyConfig | None = None, cut: int | None = None) -> str:
    """Mask personal data and secrets only: for logs and the moderator channel.

    `cut`: keep about that many characters of `text`, never ending inside a
    sensitive span (the span is kept whole, masked), so a long text can be
    shortened without showing half of a card number."""
    config = config or _DEFAULT_CONFIG
    found = _sensitive(text, config.phone_regions, frozenset())
    if cut is not None and cut < len(text):
        # The kept spans are disjoint: at most one runs across the cut.
        cut = max([cut] + [f.end for f in found if f.start < cut < f.end])
        text, found = text[:cut], [f for f in found if f.end <= cut]
    return mask(text, found)
