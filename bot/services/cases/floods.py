"""Floods and raids as one case each. Floods: one author's flood, duplicate and cross-post findings
within `moderation.flood_case_window_s` join one case, whose card says
"flood: 212 messages in 3 min in #general and #help" and is updated in
place. Until a moderator decides, the excess is answered as
`moderation.flood_response` says: its repeats removed, or the author slowed
(messages beyond `flood_slow_mode_per_minute` a minute removed).

A moderator's Dismiss says the flood is not a problem: what was queued to
answer it and not yet made (removals, the DM saying why) is cancelled, slow
mode ends with the case, and the flood's posts no longer count against the
author, so their next messages are not taken for its continuation (a new
flood after the dismissal is a new case). What was already removed stays
removed: Slack cannot restore a deleted message.

Raids: when `moderation.raid_min_accounts` new members post links, or the
same text, within `raid_window_s`, their posts make one case listing the
accounts; Remove on its card removes every post, Suspend suspends every
account."""
from __future__ import annotations

import re

import policies
from bot.faults import crash_point
from bot.services.cases.card import CardService
from bot.services.cases.common import SYSTEM, CaseService, short_hash
from bot.services.messages import SeenMessage
from bot.slack.blocks import member_dms as dms
from bot.slack.effects import About, DeleteGroupMessage, group_topic
from policies.community import CROSS_POST_MIN_WORDS, fingerprint
from storage import cases as cases_db
from storage import outbox as outbox_db
from storage import raids as raids_db
from storage import transaction

FLOOD = "flood"
# Findings that say "too much of the same author", not "this message is
# harmful": they join the author's flood case instead of opening their own.
FLOOD_RULES = frozenset({"spam.flood", "spam.cross_post", "spam.new_member_link_rate"})
SLOW_MODE_WINDOW_S = 60.0
# A growing flood's or raid's card is updated at most this often (each update
# shows every message until it is sent).
CARD_GATHER_S = 2.0
RAID = "raid"
# A raid's posts are promotion and spam; anything else (a threat, a card number) is a case of its own.
RAID_CATEGORIES = frozenset({"spam", "selling"})
_LINK = re.compile(r"<https?://|https?://", re.IGNORECASE)


class FloodService(CaseService):
    def __init__(self, *, card: CardService, **base):
        super().__init__(**base)
        self.card = card

    @staticmethod
    def is_flood(findings) -> bool:
        """Only flood-like findings (a threat in the flood still opens its own case)."""
        return bool(findings) and all(f.rule in FLOOD_RULES for f in findings)

    def slowed_case(self, author: str | None) -> cases_db.Case | None:
        """The author's open flood case, while slow mode holds them."""
        if not author or self.cfg.flood_response != "slow_mode":
            return None
        return cases_db.open_group_for(self.db, kind=FLOOD, author=author)

    def _excerpt(self, m: SeenMessage, masking) -> str:
        return self.mask(policies.mask(m.text, masking))

    def _is_new_member(self, user: str) -> bool:
        age = self.people.account_age_days(user)
        return age is not None and age < self.cfg.new_member_days and \
            self.people.role_of(user) not in ("moderator", "admin", "employee")

    def join(self, m: SeenMessage, findings, *, masking) -> None:
        """The message joins its author's flood case (opened on the first)."""
        severity = max((f.severity for f in findings), key=cases_db.SEVERITY_ORDER.index) if findings else "low"
        at = _message_time(m, self.now())
        excerpt = self._excerpt(m, masking)
        # One transaction from the join to the excess's removal being queued.
        # A replayed event finds the message joined and does nothing more, so
        # a join on disk without what follows it would leave a repeat up for
        # good: either all of it is recorded, or none and the replay does it.
        with self.recording():
            case, created, joined = cases_db.open_group(
                self.db, kind=FLOOD, channel=m.channel, ts=m.ts, author=m.user, group_key=m.user,
                excerpt_masked=excerpt, severity=severity, window_s=self.cfg.flood_case_window_s, now=self.now(), at=at)
            if joined:
                crash_point("flood_joined")
                known = {f.rule for f in cases_db.findings(self.db, case.id)}
                fresh = [f for f in findings if f.rule not in known]
                if fresh:  # one line per rule on the card, not one per message
                    cases_db.add_findings(self.db, case.id, fresh, message_version=short_hash(m.text), now=self.now())
                if created:
                    self.audit(actor=SYSTEM, action="case_opened", case_id=case.id,
                               detail={"rules": sorted({f.rule for f in findings}), "kind": FLOOD})
                if not created:
                    cases_db.grew(self.db, case.id, severity=severity, now=self.now())
                self._answer_excess(case, m, at=at, first=created)
        self.card.publish(case.id, gather_s=CARD_GATHER_S)

    def _answer_excess(self, case: cases_db.Case, m: SeenMessage, *, at: float, first: bool) -> None:
        response = self.cfg.flood_response
        if response == "remove":
            excess = not first
        elif response == "slow_mode":
            excess = cases_db.group_messages_since(self.db, case.id, author=m.user, since=at - SLOW_MODE_WINDOW_S) \
                > self.cfg.flood_slow_mode_per_minute
        else:
            excess = False
        if excess and self.gateway.has_admin and self.delete(case.id, m.channel, m.ts):
            # Told once (keyed by the case), so they know why their messages
            # vanish; again if a Dismiss had cancelled it and the case was
            # reopened since (delete checked the case in this transaction).
            self.dm(m.user, about=About.FLOOD, ref=case.id, case_id=case.id, again=True,
                    text=dms.flood_dm(response=response, per_minute=self.cfg.flood_slow_mode_per_minute))

    def raid(self, m: SeenMessage, findings, *, masking) -> bool:
        """A new member's post with a link or a text: recorded, and when it
        makes a raid, the raid's case takes it (and every post of the raid
        so far). True when it joined one."""
        if not m.user or any(f.category not in RAID_CATEGORIES for f in findings):
            return False
        links = len(_LINK.findall(m.text))
        if not links and len(m.text.split()) < CROSS_POST_MIN_WORDS:
            return False  # "hi all!", "thanks": every newcomer says it
        if not self._is_new_member(m.user):
            return False
        at, window = _message_time(m, self.now()), float(self.cfg.raid_window_s)
        fp = fingerprint(m.text)
        raids_db.record_post(self.db, user=m.user, channel=m.channel, ts=m.ts, fingerprint=fp, links=links, at=at,
                             keep_s=window)
        posts = raids_db.raid_posts(self.db, fingerprint=fp, since=at - window, min_accounts=self.cfg.raid_min_accounts)
        if not posts:
            return False
        accounts = len({user for _, _, user, _ in posts})
        finding = policies.Finding("spam", "spam.raid", 0.9, "medium", 0, 0,
                                   f"{accounts} new accounts posted links or the same text within {window / 60:g} min")
        excerpt = self._excerpt(m, masking)
        # One transaction, as for a flood's join: a replay finds this post in
        # the case and takes the case as an old one, so the raid's finding
        # (why the case exists) is recorded with the case or not at all.
        with self.recording():
            case, created, _ = cases_db.open_group(
                self.db, kind=RAID, channel=m.channel, ts=m.ts, author=m.user, group_key=None,
                excerpt_masked=excerpt, severity="medium", window_s=window, now=self.now(), at=at)
            crash_point("raid_joined")
            cases_db.join_group(self.db, case.id, posts)
            # Posts that opened a case of their own before the raid showed (a
            # promotion's finding) are folded into it: one case for the raid.
            # (Their cards' updates are queued with the fold: a replay folds nothing.)
            for merged in cases_db.merge_into_group(self.db, messages=[(c, t) for c, t, _, _ in posts], now=self.now()):
                self.audit(actor=SYSTEM, action="case_merged", case_id=merged, detail={"into": case.id, "kind": RAID})
                self.card.publish(merged)
            if created:
                cases_db.add_findings(self.db, case.id, [finding], message_version=short_hash(m.text), now=self.now())
                self.audit(actor=SYSTEM, action="case_opened", case_id=case.id, detail={"rules": ["spam.raid"], "kind": RAID})
            else:
                cases_db.grew(self.db, case.id, severity="medium", now=self.now())
        self.card.publish(case.id, gather_s=CARD_GATHER_S)
        return True

    def accounts(self, case: cases_db.Case) -> list[str]:
        """Whom a decision on the case is about: a raid's accounts, or the author."""
        if case.kind == RAID:
            return list(cases_db.group_summary(self.db, case.id).authors)
        return [case.author] if case.author else []

    def delete(self, case_id: int, channel: str, ts: str) -> bool:
        """Queue one message's removal; False when it was already queued or
        the case was dismissed. One transaction with the check: a Dismiss
        (cancel_answer, under the same write lock) either comes first, and
        nothing is queued, or after, and cancels what was.

        A removal a Dismiss cancelled keeps its outbox row (and its key): if
        the case was reopened since and the message is to go after all, that
        row is queued again (`again`), else the message would be recorded as
        removed while nothing removes it."""
        with transaction(self.db):
            if not cases_db.group_answer_allowed(self.db, case_id):
                return False
            if not cases_db.mark_group_message_removed(self.db, channel=channel, ts=ts):
                return False
            self.gateway.perform(DeleteGroupMessage(case_id=case_id, channel=channel, ts=ts), again=True)
            return True

    def cancel_answer(self, case: cases_db.Case, *, by: str) -> int:
        """The case was dismissed: its removals not yet made, and the DM
        telling the author their repeats are removed if not yet sent, are
        cancelled (never made, restarts included); the messages are kept
        as the flood's. Call inside the dismissal's transaction. Returns
        how many removals were cancelled."""
        dropped = outbox_db.cancel_unsent(self.db, topic=group_topic(case.id), now=self.now(),
                                          why=f"case #{case.id} dismissed by {by}")
        kept = [(i.args["channel"], i.args["ts"]) for i in dropped if i.method == "chat.delete"]
        cases_db.unmark_group_messages_removed(self.db, kept)
        return len(kept)

    def withdraw_if_dismissed(self, item: outbox_db.OutboxItem) -> bool:
        """Just before one of the case's removals (or its DM) is made: if the
        case was dismissed meanwhile, cancel it instead (True). Dismiss
        leaves a call in flight to finish, as it may be at Slack already;
        but one claimed and never made (the process died first) comes back
        at the restart, and must not be made after the dismissal. One
        transaction with the check, as in delete()."""
        with transaction(self.db):
            if item.case_id is None or cases_db.group_answer_allowed(self.db, item.case_id):
                return False
            case = cases_db.get(self.db, item.case_id)
            why = f"case #{item.case_id} dismissed by {case.handled_by or 'a moderator'} before it was made"
            if not outbox_db.cancel_claimed(self.db, item.id, why=why, now=self.now()):
                return False
            if item.method == "chat.delete":  # the message stays up: kept as the flood's, as in cancel_answer
                cases_db.unmark_group_messages_removed(self.db, [(item.args["channel"], item.args["ts"])])
            self.card.publish(item.case_id, gather_s=CARD_GATHER_S)  # one more removal cancelled
        return True

    def removal_result(self, outcome) -> None:
        """One of the case's removals made or failed for good: audited, and
        the card updated (it lists removals pending or failed, and a
        dismissed case's card counts those made; one that finishes after
        the dismissal, in flight then, counts too). An unchanged card is
        not sent again."""
        self.card.audit_result(outcome)
        if outcome.final and outcome.item.case_id is not None:
            self.card.publish(outcome.item.case_id, gather_s=CARD_GATHER_S)

    def cleared_activity(self, user: str | None) -> dict[str, float]:
        """For the checks: the author's posts up to the dismissal of their
        flood no longer count (SqliteActivity's `cleared`)."""
        through = cases_db.flood_dismissed_through(self.db, author=user) if user else None
        return {user: through} if user and through is not None else {}

    def remove_all(self, case: cases_db.Case) -> int:
        """Remove on a flood or raid card: every message of the case, not only its first."""
        n = 0
        for channel, ts, _ in cases_db.group_messages(self.db, case.id, removed=False):
            if (channel, ts) != (case.channel, case.ts):
                self.delete(case.id, channel, ts)
                n += 1
        return n


def _message_time(m: SeenMessage, fallback: float) -> float:
    try:
        return float(m.ts)
    except ValueError:
        return fallback
