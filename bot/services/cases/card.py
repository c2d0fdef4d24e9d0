"""The case card in the moderator channel: gathered from the records (already
masked), posted once, then updated in place after every change, so it
always says who did what and what is still to happen at Slack."""
from __future__ import annotations

import json
import logging
import threading

from cachetools import TTLCache

from bot.services.cases.common import CaseService, short_hash
from bot.slack.blocks import cases as cards
from bot.slack.effects import SEVERE, About, Kind, PostCard, ThreadPost, UpdateCard, UpdateThreadPost
from bot.slack.gateway import MAX_OUTBOX_ATTEMPTS, GatewayError, Outcome, is_transient
from storage import cases as cases_db
from storage import digests as digests_db
from storage import outbox as outbox_db
from storage import sanctions as sanctions_db


log = logging.getLogger("modbot.moderation")

CARD_EVENT = "modbot_case"
# Cases whose permalink Slack could not give lately (during an outage), so
# that each card render does not ask again; bounded, about 100 bytes each.
PERMALINK_MISSES_SIZE = 4_096
# After chat.getPermalink fails for a case, wait this long before asking again.
PERMALINK_RETRY_SECONDS = 600

def _card_digest(text, blocks) -> str:
    return short_hash(json.dumps([text, blocks], sort_keys=True))


class CardService(CaseService):
    def __init__(self, **base):
        super().__init__(**base)
        self._misses_lock = threading.Lock()  # TTLCache is not thread-safe
        self._permalink_misses: TTLCache[int, bool] = TTLCache(maxsize=PERMALINK_MISSES_SIZE,
                                                               ttl=PERMALINK_RETRY_SECONDS, timer=self.clock.now)

    def side_effect_result(self, outcome: Outcome) -> None:
        """A DM, kick, deletion or thread post of a case finished, or first
        failed: audit it, and refresh the card, which lists what is pending
        and what failed for good."""
        self.audit_result(outcome)
        item = outcome.item
        if item.case_id is not None and (outcome.final or item.attempts == 0):
            self.publish(item.case_id)

    def audit_result(self, outcome: Outcome) -> None:
        """The outcome at Slack of each side effect, appended to the audit log (once)."""
        item = outcome.item
        if not outcome.final:
            return
        self.audit_outcome(item, action=f"{item.purpose}_result", detail={"method": item.method, "key": item.key},
                           outcome="ok" if outcome.ok else (outcome.error or "failed"))

    def card_data(self, case: cases_db.Case) -> cards.CardData:
        db = self.db
        now = self.now()
        labels = self.category_labels()
        findings = tuple(
            cards.FindingLine(rule=f.rule, score=f.score, severity=f.severity, explanation=self.mask(f.explanation),
                              action=f.action)
            for f in cases_db.findings(db, case.id)
        )
        flags = tuple(
            cards.FlagLine(reason=f.reason, weight=f.weight, note_masked=self.mask(f.note or ""))
            for f in cases_db.flags(db, case.id)
        )
        history = cases_db.author_history(db, author=case.author or "", before_case=case.id)
        warnings = sanctions_db.active_warnings(db, user_id=case.author, now=now) if case.author else []
        suspension = sanctions_db.active_suspension(db, user_id=case.author, now=now) if case.author else None
        suspended = cards.until_text(suspension.ends_at) if suspension is not None else None
        ws, ss = sanctions_db.for_case(db, case.id)
        detail = ""
        if case.handled_action == "warn" and ws:
            detail = "guideline: " + labels.get(ws[-1].guideline, ws[-1].guideline)
        elif case.handled_action == "suspend" and ss:
            detail = cards.duration_label(ss[-1].days).lower()
        appeal_line = ""
        for a in sanctions_db.appeals_for_case(db, case.id):
            if a.outcome:
                appeal_line = f":scales: Appeal by <@{a.user_id}>: {a.outcome} by <@{a.decided_by}>."
            else:
                who = f"; review asked of <@{a.reviewer}>" if a.reviewer else ""
                appeal_line = f":scales: Appeal by <@{a.user_id}> waiting in the thread{who}."
        removals = outbox_db.case_counts(db, case.id, purpose=Kind.FLOOD_DELETE.value) if case.kind != "message" else {}
        return cards.CardData(
            number=case.id, author=case.author, channel=case.channel, permalink=self._permalink(case),
            excerpt_masked=case.excerpt_masked, severity=case.severity, status=case.status, findings=findings,
            flags=flags, flag_weight=case.flag_weight, flag_threshold=self.cfg.flag_remove_threshold,
            earlier_cases=history.earlier_cases, earlier_actioned=history.earlier_actioned,
            active_warnings=len(warnings), suspended_until=suspended, removal=case.removal,
            removal_error=case.removal_error, removed_by=case.removed_by, removed_reason=case.removed_reason,
            handled_action=case.handled_action, handled_by=case.handled_by, decision_detail=detail,
            escalated_by=case.escalated_by if case.escalated else None, notes=case.notes,
            has_admin=self.gateway.has_admin, appeal=appeal_line, category_labels=labels,
            removal_reversed_by=case.removal_reversed_by,
            work=self._work(case),
            kind=case.kind,
            group_line=cards.group_line(case.kind, cases_db.group_summary(db, case.id)) if case.kind != "message" else "",
            group_removed=removals.get("done", 0), group_cancelled=removals.get("cancelled", 0),
            # Slow mode holds an author while their flood case is open (FloodService.slowed_case).
            slow_mode_ended=case.kind == "flood" and case.status == "dismissed" and self.cfg.flood_response == "slow_mode",
        )

    def _work(self, case: cases_db.Case) -> tuple[cards.WorkLine, ...]:
        lines = []
        for item in outbox_db.unfinished_for_case(self.db, case.id):
            if item.purpose == Kind.REMOVE.value and (item.status == "failed" or not item.error):
                continue  # the removal line says it (and Remove offers the retry)
            if item.status == "pending" and item.attempts == 0 and not item.error:
                label_status = "pending"
            else:
                label_status = item.status
            error = item.error or ""
            lines.append(cards.WorkLine(
                label=item.label or f"a Slack call ({item.method})", status=label_status, error=item.error, attempts=item.attempts,
                next_at=item.next_attempt_at if item.status == "pending" and item.error else None,
                transient=is_transient(error), uncertain=error.startswith("interrupted")))
        return tuple(lines)

    def _permalink(self, case: cases_db.Case) -> str | None:
        """The message's link: asked of Slack once, when the case opens (its
        first card), and stored with the case. While Slack cannot answer, a
        link built from the workspace URL stands in, and Slack is asked again
        at most once per PERMALINK_RETRY_SECONDS."""
        if case.permalink:
            return case.permalink
        with self._misses_lock:
            failed_lately = case.id in self._permalink_misses
        if not failed_lately:
            try:
                link = self.gateway.call("chat.getPermalink", channel=case.channel, message_ts=case.ts).get("permalink")
            except GatewayError:
                link = None
            if isinstance(link, str) and link:
                cases_db.set_permalink(self.db, case.id, permalink=link)
                return link
            with self._misses_lock:
                self._permalink_misses[case.id] = True
        return self.archive_link(case.channel, case.ts)

    def _render(self, case: cases_db.Case) -> dict:
        """The card's text and blocks, as chat.postMessage/chat.update args."""
        data = self.card_data(case)
        return {"text": cards.card_text(data), "blocks": cards.case_card(data)}

    @staticmethod
    def _card_metadata(case: cases_db.Case) -> dict:
        """Finds a card again after a crash mid-post; the version says whether it is stale."""
        return {"event_type": CARD_EVENT, "event_payload": {"case_id": case.id, "version": case.version}}

    def publish(self, case_id: int, *, gather_s: float = 0.0) -> bool:
        """Post the card, or update it in place, from the current records.
        `gather_s`: the update waits that long, taking every change until
        then (a flood's card, which changes with each message). Returns
        whether a call was queued."""
        case = cases_db.get(self.db, case_id)
        if case is None or not self.mod_channel:
            return False
        if not case.card_ts:
            post = PostCard(case_id=case.id, channel=self.mod_channel, metadata=self._card_metadata(case),
                            severity=case.severity, grouped=case.kind != "message", **self._render(case))
            _, created = self.gateway.perform(post)
            if created and post.priority < SEVERE:
                self.digest()
            return created
        newest = outbox_db.newest_for_case(self.db, case.id, purpose=Kind.CARD_UPDATE.value)
        # An update due and not yet claimed is rendered from the records when
        # it is sent, which is after this change: nothing to add (or render).
        if newest is not None and newest.status == "pending" and (newest.next_attempt_at <= self.now()
                                                                   or newest.error is None):
            return False
        card = self._render(case)
        digest = _card_digest(card["text"], card["blocks"])
        # The last update sent showed exactly this (a replayed event).
        # The row holds what was sent: the gateway saves refreshed args.
        if newest is not None and newest.status == "done" and \
                _card_digest(newest.args.get("text"), newest.args.get("blocks")) == digest:
            return False
        # The key holds the newest row's id, so a card that goes back to an
        # earlier look (a DM pending, then sent) is still updated, and two
        # threads publishing the same change at once make one row.
        _, created = self.gateway.perform(UpdateCard(case_id=case.id, channel=case.card_channel, ts=case.card_ts,
                                                     after=newest.id if newest else 0, digest=digest, **card),
                                          not_before=self.now() + gather_s if gather_s else None)
        outbox_db.supersede_card_updates(self.db, case_id=case.id)
        return created

    def digest(self) -> None:
        """When more low-severity cards wait to be posted than
        `moderation.digest_after` (the channel is at Slack's posting rate and
        the severe go first), one message says how many wait; it is updated
        as they go out, and closed when none is left."""
        channel = self.mod_channel
        if not channel:
            return
        waiting = outbox_db.waiting_posts(self.db, channel=channel, purpose=Kind.CARD_POST.value, below_priority=SEVERE)
        digest = digests_db.current(self.db, channel=channel)
        if digest is None:
            if waiting <= self.cfg.digest_after:
                return
            digest, created = digests_db.open_digest(self.db, channel=channel, waiting=waiting, now=self.now())
            if created:
                self.gateway.perform(ThreadPost(channel=channel, thread_ts=None, about=About.DIGEST, ref=digest.id,
                                                text=cards.digest_text(waiting)))
            return
        if not digests_db.set_waiting(self.db, digest.id, waiting=waiting, now=self.now(), close=waiting == 0):
            return
        posted = outbox_db.get(self.db, ThreadPost(channel=channel, thread_ts=None, about=About.DIGEST, ref=digest.id,
                                                   text="").key)
        ts = (posted.result or {}).get("ts") if posted is not None and posted.status == "done" else None
        if ts:
            self.gateway.perform(UpdateThreadPost(channel=channel, ts=ts, about=About.DIGEST,
                                                  ref=f"{digest.id}:{waiting}:{self.now():.3f}",
                                                  text=cards.digest_text(waiting)))

    def fresh_update_args(self, item: outbox_db.OutboxItem) -> dict | None:
        """The card as the records say now: updates queued by two threads or
        processes in the wrong order cannot leave an old state showing."""
        case = cases_db.get(self.db, item.case_id) if item.case_id is not None else None
        if case is None or not case.card_ts:
            return None
        return {**item.args, **self._render(case)}

    def fresh_post_args(self, item: outbox_db.OutboxItem) -> dict | None:
        """A card posted late (after an outage) shows the case as it is then."""
        case = cases_db.get(self.db, item.case_id) if item.case_id is not None else None
        if case is None or case.card_ts:
            return None
        return {**item.args, **self._render(case), "metadata": self._card_metadata(case)}

    def revive_cards(self) -> int:
        """A card that could not be posted or updated through a whole outage
        (every retry failed) is sent round again: no case may stay invisible
        or show a stale state. Runs every 15 minutes; returns how many."""
        posts, stale = outbox_db.exhausted_card_work(self.db, min_attempts=MAX_OUTBOX_ATTEMPTS)
        revived = 0
        for item in posts:
            revived += outbox_db.requeue(self.db, item.id, now=self.now())
        for case_id in stale:
            revived += self.publish(case_id)
        if revived:
            log.info("revive_cards: %d card posts or updates sent round again after an outage", revived)
            self.gateway.wake.set()
        return revived

    def card_posted(self, outcome: Outcome) -> None:
        item = outcome.item
        if not outcome.ok or item.case_id is None:
            self.audit_result(outcome)
            return
        result = outcome.result or {}
        channel, ts = result.get("channel") or item.args.get("channel"), result.get("ts")
        if not ts:
            return
        cases_db.set_card(self.db, item.case_id, channel=channel, ts=ts)
        if item.priority < SEVERE:
            self.digest()  # one fewer waiting
        case = cases_db.get(self.db, item.case_id)
        posted_version = ((item.args.get("metadata") or {}).get("event_payload") or {}).get("version")
        if case is not None and case.version != posted_version:
            self.publish(case.id)  # it changed while the card was on its way

    def find_posted_card(self, item: outbox_db.OutboxItem) -> dict | None:
        """After a crash mid-post: is the card already in the channel?"""
        page = self.gateway.call("conversations.history", channel=item.args["channel"], limit=100,
                                    include_all_metadata=True)
        for msg in page.get("messages") or []:
            payload = (msg.get("metadata") or {}).get("event_payload") or {}
            if (msg.get("metadata") or {}).get("event_type") == CARD_EVENT and payload.get("case_id") == item.case_id:
                return {"ok": True, "channel": item.args["channel"], "ts": msg["ts"]}
        return None
