"""Cases, flags and the moderator's decisions.

What happens, in order, every time: decide (policies, the case's state), record
(storage, one conditional UPDATE per state change so concurrent clicks cannot
both win), then act on Slack through the gateway's outbox (exactly once, keyed
by what is being done). The card in the moderator channel is re-rendered from
the records after every change, so it always says who did what.

Nothing that reaches the moderator channel, its threads or the logs carries a
member's text unmasked: excerpts, flag notes, moderator notes and appeals go
through policies.mask / mask_personal_data first. The unmasked text is shown
only by Reveal, as an ephemeral message to one moderator, and that is audited.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from dataclasses import dataclass

from cachetools import LRUCache, TTLCache

import policies
from bot.runtime import Modbot
from bot.services import guidelines as guidelines_service
from bot.services.messages import SeenMessage
from bot.services.people import PeopleService, policy_role
from bot.slack import blocks as bk
from bot.slack.blocks import cases as cards
from bot.slack.gateway import MAX_OUTBOX_ATTEMPTS, GatewayError, Outcome, is_transient
from storage import audit as audit_db
from storage import cases as cases_db
from storage import messages as messages_db
from storage import outbox as outbox_db
from storage import sanctions as sanctions_db
from storage import transaction
from storage.activity import SqliteActivity

log = logging.getLogger("modbot.moderation")

CARD_EVENT = "modbot_case"
SYSTEM = "modbot"
CASE_GONE = "modbot cannot find this case any more."
# Permalinks of recent cases' messages (they never change, so no expiry).
# Cards are re-rendered for cases in progress, a few hundred at most at once;
# older cases fall out least recently used first, and a card re-rendered
# later asks Slack once more. About 250 bytes an entry: 1 MB at most.
PERMALINK_CACHE_SIZE = 4_096
# After chat.getPermalink fails for a case, wait this long before asking again.
PERMALINK_RETRY_SECONDS = 600


@dataclass(frozen=True)
class Click:
    """Who clicked what, where (from a signed Slack payload)."""

    user: str
    channel: str | None
    message_ts: str | None
    value: str | None = None
    trigger_id: str | None = None


# Seven or more digits, allowing the separators people type between groups.
_DIGIT_RUN = re.compile(r"(?<![\w.])\+?\d(?:[\s\-./()]{0,2}\d){6,}(?![\w])")


def _mask_digits(m: re.Match) -> str:
    digits = [c for c in m.group(0) if c.isdigit()]
    return "\u2022\u2022\u2022" + "".join(digits[-2:])


_WORK_LABELS = {
    "remove": "deleting the message",
    "warn-dm": "the warning DM to the author",
    "suspend-dm": "the suspension DM to the author",
    "suspension-notice": "the DM telling a suspended member their message was removed",
    "suspension-lifted": "the DM telling the member their suspension ended",
    "appeal-outcome": "the DM with the appeal decision",
    "kick": "removing the author from a channel",
    "suspended-delete": "deleting a suspended member's new message",
    "escalate": "the escalation note in this thread",
    "note": "a moderator note in this thread",
    "appeal": "posting the member's appeal in this thread",
    "appeal-decided": "updating the appeal message in this thread",
}


def _work_label(item: outbox_db.OutboxItem) -> str:
    prefix = item.key.split(":", 1)[0]
    return _WORK_LABELS.get(prefix) or _WORK_LABELS.get(item.purpose or "") or f"a Slack call ({item.method})"


def _card_digest(text, blocks) -> str:
    return _sha(json.dumps([text, blocks], sort_keys=True))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _update_view(title: str, text: str) -> dict:
    """A view_submission answer: the modal now shows one message."""
    return {"response_action": "update", "view": cards.notice_view(title, text)}


def _field_error(block: str, text: str) -> dict:
    """A view_submission answer: the modal stays open, `text` under a field."""
    return {"response_action": "errors", "errors": {block: text}}


def _handled_view(case: cases_db.Case) -> dict:
    return _update_view("Already handled", cards.handled_text(case.id, case.handled_action, case.handled_by))


class ModerationService:
    def __init__(self, rt: Modbot, people: PeopleService):
        self.rt = rt
        self.people = people
        self._permalinks: LRUCache[int, str] = LRUCache(maxsize=PERMALINK_CACHE_SIZE)
        self._permalinks_lock = threading.Lock()  # LRUCache is not thread-safe
        self._permalink_misses: TTLCache[int, bool] = TTLCache(maxsize=PERMALINK_CACHE_SIZE, ttl=PERMALINK_RETRY_SECONDS,
                                                               timer=rt.clock.now)
        gw = rt.gateway
        gw.on_result("card_post", self._card_posted)
        gw.on_result("card_update", self._audit_result)
        gw.refresher("card_update", self._fresh_card_args)
        gw.refresher("card_post", self._fresh_card_post_args)
        gw.on_result("remove", self._removal_result)
        gw.on_result("suspended_delete", self._side_effect_result)
        gw.on_result("dm", self._side_effect_result)
        gw.on_result("kick", self._side_effect_result)
        gw.on_result("thread", self._side_effect_result)
        gw.on_result("appeal_post", self._appeal_posted)
        gw.reconciler("card_post", self._find_posted_card)
        rt.services.messages.subscribe("moderation", self.on_message)
        rt.add_job("lift_suspensions", self.lift_expired_suspensions, "interval", minutes=5)
        rt.add_job("revive_cards", self.revive_cards, "interval", minutes=15)

    # ------------------------------------------------------------ helpers
    @property
    def db(self):
        return self.rt.store.db

    @property
    def cfg(self):
        return self.rt.settings.config.moderation

    @property
    def mod_channel(self) -> str | None:
        return self.rt.settings.modbot_mod_channel

    def now(self) -> float:
        return self.rt.clock.now()

    def _audit(self, *, actor: str, action: str, case_id: int | None, detail: dict | None = None,
               outcome: str = "recorded") -> None:
        audit_db.append(self.db, actor=actor, action=action, now=self.now(), case_id=case_id, detail=detail,
                        outcome=outcome)

    def mask(self, text: str) -> str:
        """For anything shown in the moderator channel: the policy engine's
        masking, then any long run of digits it did not recognise (a phone
        number without context, an account number): a moderator can Reveal."""
        masked = policies.mask_personal_data(text or "", config=self.rt.settings.config.policies)
        return _DIGIT_RUN.sub(_mask_digits, masked)

    def tell(self, user: str, text: str, *, channel: str | None = None) -> None:
        """A private answer now: ephemeral where the click happened, else a DM."""
        if channel and not channel.startswith("D"):
            try:
                self.rt.gateway.call("chat.postEphemeral", channel=channel, user=user, text=text)
                return
            except GatewayError as exc:
                log.info("ephemeral reply failed (%s); sending a DM instead", exc.error)
        try:
            self.rt.gateway.call("chat.postMessage", channel=user, text=text)
        except GatewayError as exc:
            log.warning("could not answer a member privately (%s)", exc.error)

    def open_view(self, trigger_id: str | None, view: dict) -> bool:
        if not trigger_id:
            return False
        try:
            self.rt.gateway.call("views.open", trigger_id=trigger_id, view=view)
            return True
        except GatewayError as exc:
            log.warning("views.open failed (%s)", exc.error)
            return False

    def category_labels(self) -> dict[str, str]:
        """Each category's guideline title (rendered on every card update:
        the guideline files are read once here, not once per category)."""
        sections = guidelines_service.sections_by_id(self.rt.settings.config)
        labels = {cat: sections[cat].title if cat in sections else cat.replace("_", " ").capitalize()
                  for cat in policies.CATEGORIES}
        labels[cards.OTHER_REASON] = "Something else"
        return labels

    def guideline(self, category: str):
        try:
            return guidelines_service.section_for(category, self.rt.settings.config)
        except KeyError:
            return None

    # ------------------------------------------------------------ messages
    def on_message(self, m: SeenMessage) -> None:
        if m.kind == "deleted":
            self._message_gone(m)
            return
        if not m.user or m.channel == self.mod_channel or m.channel.startswith("D") or m.channel_type == "im":
            return
        if m.kind in ("new", "thread_broadcast"):
            suspension = sanctions_db.active_suspension(self.db, user_id=m.user, now=self.now())
            if suspension is not None:
                self._enforce_suspension(m, suspension)
                return
        findings = self._evaluate(m)
        acted = [f for f in findings if not f.shadow and f.action in ("route", "remove")]
        for f in findings:
            if f.shadow or f.action == "log":
                self._audit(actor=SYSTEM, action="finding_shadow" if f.shadow else "finding_logged", case_id=None,
                            detail={"channel": m.channel, "ts": m.ts, "rule": f.rule, "score": f.score,
                                    "would": f.action})
        if not acted:
            return
        severity = max((f.severity for f in acted), key=cases_db.SEVERITY_ORDER.index)
        excerpt = self.mask(policies.mask(m.text, findings))
        case, created = cases_db.open_case(self.db, channel=m.channel, ts=m.ts, author=m.user, source="auto",
                                           excerpt_masked=excerpt, severity=severity, now=self.now())
        new = cases_db.add_findings(self.db, case.id, acted, message_version=_sha(m.text), now=self.now())
        if created or new:
            self._audit(actor=SYSTEM, action="case_opened" if created else "findings_added", case_id=case.id,
                        detail={"rules": sorted({f.rule for f in acted}), "max_score": max(f.score for f in acted)})
        # On a replay (the process died after recording) what follows runs
        # again: each step is keyed or conditional, so it happens once.
        # Removed at once: what the config says to remove, scored with high
        # confidence, and severe (a card number, a token, a threat), not a
        # phone number or an email, which moderators review first.
        severe = [f for f in acted if f.action == "remove" and f.score >= self.cfg.auto_remove_min_score
                  and f.severity in ("high", "critical")]
        if severe and case.removal == "none":
            self._remove(case, by=SYSTEM, reason="auto")
        self.publish(case.id)

    def _evaluate(self, m: SeenMessage) -> list:
        person = self.people.person(m.user)
        role = self.people.role_of(m.user)
        channel_cfg = self.rt.settings.config.channels.get(m.channel)
        context = policies.Context(
            channel_topic=channel_cfg.topic if channel_cfg else "",
            author_role=policy_role(role),
            display_name=person.display_name if person else "",
            real_name=person.real_name if person else "",
            account_age_days=self.people.account_age_days(m.user),
            activity=SqliteActivity(self.db),
            now=float(m.ts) if m.ts.replace(".", "", 1).isdigit() else self.now(),
            staff_names=self.people.staff_names() if role not in ("moderator", "admin") else (),
        )
        message = policies.Message(text=m.text, channel=m.channel, user=m.user, ts=m.ts, thread_ts=m.thread_ts,
                                   files=m.files, attachments=m.attachments, edited=m.kind == "edited")
        return policies.evaluate(message, context, config=self.rt.settings.config.policies)

    def _message_gone(self, m: SeenMessage) -> None:
        """Deleted in Slack (by its author, by hand, or by our own chat.delete)."""
        case = cases_db.for_message(self.db, channel=m.channel, ts=m.ts)
        if case is None or case.removal == "done":
            return
        if cases_db.removal_done(self.db, case.id, now=self.now()):
            self._audit(actor=SYSTEM, action="message_deleted_in_slack", case_id=case.id)
            self.publish(case.id)

    # ------------------------------------------------------------ removal
    def _snapshot(self, case: cases_db.Case, *, channel: str | None = None, ts: str | None = None,
                  author: str | None = None) -> None:
        channel, ts = channel or case.channel, ts or case.ts
        if cases_db.snapshot_for(self.db, case_id=case.id, channel=channel, ts=ts) is not None:
            return
        stored = messages_db.get(self.db, channel=channel, ts=ts)
        try:
            posted = float(ts)
        except ValueError:
            posted = None
        cases_db.add_snapshot(
            self.db, case.id, channel=channel, ts=ts, author=author or (stored.author if stored else case.author),
            text=stored.text if stored else None, files=stored.files if stored else [],
            edits=stored.edits if stored else [], posted_at=posted, now=self.now(),
        )

    def _remove(self, case: cases_db.Case, *, by: str, reason: str) -> str:
        """Snapshot, then queue chat.delete with the admin token.

        Returns "queued", "no_admin_token" or "busy" (already removed, being
        removed, or the case was dismissed).
        """
        self._snapshot(case)
        if not self.rt.gateway.has_admin:
            cases_db.removal_failed(self.db, case.id, error="no_admin_token", by=by, reason=reason, now=self.now())
            self._audit(actor=by, action="remove", case_id=case.id, detail={"reason": reason}, outcome="no_admin_token")
            return "no_admin_token"
        if not cases_db.claim_removal(self.db, case.id, by=by, reason=reason, now=self.now()):
            return "busy"
        key = f"remove:{case.channel}:{case.ts}"
        item, created = self.rt.gateway.enqueue(key=key, method="chat.delete", args={"channel": case.channel, "ts": case.ts},
                                                token="admin", case_id=case.id, purpose="remove")
        if not created and item.status == "failed":
            outbox_db.requeue(self.db, item.id, now=self.now())
            self.rt.gateway.wake.set()
        self._audit(actor=by, action="remove", case_id=case.id, detail={"reason": reason}, outcome="queued")
        return "queued"

    def _removal_result(self, outcome: Outcome) -> None:
        case_id = outcome.item.case_id
        if case_id is None:
            return
        if outcome.ok:
            cases_db.removal_done(self.db, case_id, now=self.now())
            messages_db.mark_deleted(self.db, channel=outcome.item.args["channel"], ts=outcome.item.args["ts"])
            self._audit(actor=SYSTEM, action="remove_result", case_id=case_id, outcome="ok")
        elif outcome.final:
            cases_db.removal_failed(self.db, case_id, error=outcome.error or "unknown", by=None, reason=None, now=self.now())
            self._audit(actor=SYSTEM, action="remove_result", case_id=case_id, outcome=outcome.error or "failed")
        elif outcome.item.attempts != 0:
            return  # only the first transient failure shows: Slack is slow, and when the next try is
        self.publish(case_id)

    def _side_effect_result(self, outcome: Outcome) -> None:
        """A DM, kick, deletion or thread post of a case finished, or first
        failed: audit it, and refresh the card, which lists what is pending
        and what failed for good."""
        self._audit_result(outcome)
        item = outcome.item
        if item.case_id is not None and (outcome.final or item.attempts == 0):
            self.publish(item.case_id)

    def _audit_result(self, outcome: Outcome) -> None:
        """The outcome at Slack of each side effect, appended to the audit log."""
        item = outcome.item
        if not outcome.final:
            return
        self._audit(actor=SYSTEM, action=f"{item.purpose}_result", case_id=item.case_id,
                    detail={"method": item.method, "key": item.key}, outcome="ok" if outcome.ok else (outcome.error or "failed"))

    # ------------------------------------------------------------ the card
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
        return cards.CardData(
            number=case.id, author=case.author, channel=case.channel, permalink=self._permalink(case),
            excerpt_masked=case.excerpt_masked, severity=case.severity, status=case.status, findings=findings,
            flags=flags, flag_weight=case.flag_weight, flag_threshold=self.cfg.flag_remove_threshold,
            earlier_cases=history.earlier_cases, earlier_actioned=history.earlier_actioned,
            active_warnings=len(warnings), suspended_until=suspended, removal=case.removal,
            removal_error=case.removal_error, removed_by=case.removed_by, removed_reason=case.removed_reason,
            handled_action=case.handled_action, handled_by=case.handled_by, decision_detail=detail,
            escalated_by=case.escalated_by if case.escalated else None, notes=case.notes,
            has_admin=self.rt.gateway.has_admin, appeal=appeal_line, category_labels=labels,
            work=self._work(case),
        )

    def _work(self, case: cases_db.Case) -> tuple[cards.WorkLine, ...]:
        lines = []
        for item in outbox_db.unfinished_for_case(self.db, case.id):
            if item.purpose == "remove" and (item.status == "failed" or not item.error):
                continue  # the removal line says it (and Remove offers the retry)
            if item.status == "pending" and item.attempts == 0 and not item.error:
                label_status = "pending"
            else:
                label_status = item.status
            error = item.error or ""
            lines.append(cards.WorkLine(
                label=_work_label(item), status=label_status, error=item.error, attempts=item.attempts,
                next_at=item.next_attempt_at if item.status == "pending" and item.error else None,
                transient=is_transient(error), uncertain=error.startswith("interrupted")))
        return tuple(lines)

    def _permalink(self, case: cases_db.Case) -> str | None:
        with self._permalinks_lock:
            known = self._permalinks.get(case.id)
            failed_lately = case.id in self._permalink_misses
        if known:
            return known
        link = None
        if not failed_lately:
            try:
                link = self.rt.gateway.call("chat.getPermalink", channel=case.channel, message_ts=case.ts).get("permalink")
            except GatewayError:
                # During an outage each card render would ask again, on the
                # drainer's thread: ask at most once per PERMALINK_RETRY_SECONDS.
                with self._permalinks_lock:
                    self._permalink_misses[case.id] = True
        if not link:
            base = self.rt.settings.config.community.workspace_url.rstrip("/")
            link = f"{base}/archives/{case.channel}/p{case.ts.replace('.', '')}" if base else None
        if link:
            with self._permalinks_lock:
                self._permalinks[case.id] = link
        return link

    def _render(self, case: cases_db.Case) -> dict:
        """The card's text and blocks, as chat.postMessage/chat.update args."""
        data = self.card_data(case)
        return {"text": cards.card_text(data), "blocks": cards.case_card(data)}

    @staticmethod
    def _card_metadata(case: cases_db.Case) -> dict:
        """Finds a card again after a crash mid-post; the version says whether it is stale."""
        return {"event_type": CARD_EVENT, "event_payload": {"case_id": case.id, "version": case.version}}

    def publish(self, case_id: int) -> bool:
        """Post the card, or update it in place, from the current records.
        Returns whether a call was queued."""
        case = cases_db.get(self.db, case_id)
        if case is None or not self.mod_channel:
            return False
        if not case.card_ts:
            _, created = self.rt.gateway.enqueue(
                key=f"card:{case.id}", method="chat.postMessage", case_id=case.id, purpose="card_post",
                args={"channel": self.mod_channel, **self._render(case), "unfurl_links": False, "unfurl_media": False,
                      "metadata": self._card_metadata(case)},
            )
            return created
        newest = outbox_db.newest_for_case(self.db, case.id, purpose="card_update")
        # An update due and not yet claimed is rendered from the records when
        # it is sent, which is after this change: nothing to add (or render).
        if newest is not None and newest.status == "pending" and newest.next_attempt_at <= self.now():
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
        key = f"card-update:{case.id}:{newest.id if newest else 0}:{digest}"
        _, created = self.rt.gateway.enqueue(
            key=key, method="chat.update", case_id=case.id, purpose="card_update",
            args={"channel": case.card_channel, "ts": case.card_ts, **card})
        cases_db.supersede_card_updates(self.db, case_id=case.id)
        return created

    def _fresh_card_args(self, item: outbox_db.OutboxItem) -> dict | None:
        """The card as the records say now: updates queued by two threads or
        processes in the wrong order cannot leave an old state showing."""
        case = cases_db.get(self.db, item.case_id) if item.case_id is not None else None
        if case is None or not case.card_ts:
            return None
        return {**item.args, **self._render(case)}

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
            self.rt.gateway.wake.set()
        return revived

    def _fresh_card_post_args(self, item: outbox_db.OutboxItem) -> dict | None:
        """A card posted late (after an outage) shows the case as it is then."""
        case = cases_db.get(self.db, item.case_id) if item.case_id is not None else None
        if case is None or case.card_ts:
            return None
        return {**item.args, **self._render(case), "metadata": self._card_metadata(case)}

    def _card_posted(self, outcome: Outcome) -> None:
        item = outcome.item
        if not outcome.ok or item.case_id is None:
            self._audit_result(outcome)
            return
        result = outcome.result or {}
        channel, ts = result.get("channel") or item.args.get("channel"), result.get("ts")
        if not ts:
            return
        cases_db.set_card(self.db, item.case_id, channel=channel, ts=ts)
        case = cases_db.get(self.db, item.case_id)
        posted_version = ((item.args.get("metadata") or {}).get("event_payload") or {}).get("version")
        if case is not None and case.version != posted_version:
            self.publish(case.id)  # it changed while the card was on its way

    def _find_posted_card(self, item: outbox_db.OutboxItem) -> dict | None:
        """After a crash mid-post: is the card already in the channel?"""
        page = self.rt.gateway.call("conversations.history", channel=item.args["channel"], limit=100,
                                    include_all_metadata=True)
        for msg in page.get("messages") or []:
            payload = (msg.get("metadata") or {}).get("event_payload") or {}
            if (msg.get("metadata") or {}).get("event_type") == CARD_EVENT and payload.get("case_id") == item.case_id:
                return {"ok": True, "channel": item.args["channel"], "ts": msg["ts"]}
        return None

    def _thread(self, case: cases_db.Case, *, key: str, text: str, blocks: list | None = None,
                purpose: str = "thread") -> None:
        args = {"channel": case.card_channel or self.mod_channel, "text": text}
        if case.card_ts:
            args["thread_ts"] = case.card_ts
        if blocks:
            args["blocks"] = blocks
        self.rt.gateway.enqueue(key=key, method="chat.postMessage", args=args, case_id=case.id, purpose=purpose)

    def _dm(self, user: str, *, key: str, text: str, blocks: list | None = None, case_id: int | None = None) -> None:
        args = {"channel": user, "text": text}
        if blocks:
            args["blocks"] = blocks
        self.rt.gateway.enqueue(key=key, method="chat.postMessage", args=args, case_id=case_id, purpose="dm")

    # ------------------------------------------------------------ flags
    def _flag_refusal(self, user: str, channel: str, ts: str, author: str | None, is_bot: bool) -> str | None:
        if is_bot:
            return "Messages from apps and bots cannot be flagged. If one is a problem, tell a moderator."
        if author and author == user:
            return "You cannot flag your own message. You can edit or delete it instead."
        if channel == self.mod_channel:
            return "Messages in the moderator channel cannot be flagged."
        if cases_db.has_flagged(self.db, channel=channel, ts=ts, flagger=user):
            return "You have already flagged this message. Thank you; the moderators have it."
        if cases_db.flags_since(self.db, flagger=user, since=self.now() - 86400) >= self.cfg.flag_daily_cap:
            return (f"You have reached today's limit of {self.cfg.flag_daily_cap} flags. "
                    "If something is urgent, message a moderator directly.")
        return None

    def open_flag_dialog(self, *, user: str, channel: str, message: dict, trigger_id: str) -> None:
        ts = str(message.get("ts") or "")
        author = message.get("user") if isinstance(message.get("user"), str) else None
        is_bot = bool(message.get("bot_id") or message.get("subtype") == "bot_message")
        refusal = self._flag_refusal(user, channel, ts, author, is_bot) if ts else "This message cannot be flagged."
        if refusal:
            self.open_view(trigger_id, cards.notice_view("Flag", refusal))
            return
        if messages_db.get(self.db, channel=channel, ts=ts) is None:
            # The payload is signed by Slack: keep the text for the case and its snapshot.
            files = [str(f.get("name") or "") for f in message.get("files") or [] if isinstance(f, dict)]
            messages_db.remember(self.db, channel=channel, ts=ts, author=author or "", thread_ts=message.get("thread_ts"),
                                 text=str(message.get("text") or ""), files=files, edited=False, now=self.now())
        reasons = [(c, label) for c, label in self.category_labels().items() if c != cards.OTHER_REASON]
        meta = json.dumps({"channel": channel, "ts": ts})
        self.open_view(trigger_id, cards.flag_modal(reasons, private_metadata=meta))

    def submit_flag(self, *, user: str, private_metadata: str, reason: str | None, note: str | None) -> dict:
        """Returns what to ack the view_submission with."""
        note = (note or "").strip() or None
        allowed = set(policies.CATEGORIES) | {cards.OTHER_REASON}
        if reason not in allowed:
            return _field_error(cards.B_REASON, "Choose a reason from the list.")
        if reason == cards.OTHER_REASON and not note:
            return _field_error(cards.B_NOTE, "Please tell the moderators what is wrong when you choose \u201cSomething else\u201d.")
        try:
            meta = json.loads(private_metadata or "{}")
            channel, ts = str(meta["channel"]), str(meta["ts"])
        except (ValueError, KeyError, TypeError):
            return _update_view("Flag", "Something went wrong with this form; please flag the message again.")
        stored = messages_db.get(self.db, channel=channel, ts=ts)
        if stored is None:
            return _update_view("Flag", "modbot cannot find this message any more.")
        refusal = self._flag_refusal(user, channel, ts, stored.author, False)
        if refusal:
            return _update_view("Flag", refusal)
        removed = self.flag(user=user, channel=channel, ts=ts, author=stored.author, text=stored.text or "",
                            reason=reason, note=note)
        if removed is None:
            return _update_view("Flag", "You have already flagged this message.")
        return {"response_action": "update", "view": cards.flag_thanks_view(removed)}

    def flag(self, *, user: str, channel: str, ts: str, author: str | None, text: str, reason: str,
             note: str | None) -> bool | None:
        """Record a flag; True if it tipped the message into removal, None if a duplicate."""
        role = self.people.role_of(user)
        weight = float(self.cfg.flag_weights.get(role, self.cfg.flag_weights.get("member", 1.0)))
        case, created = cases_db.open_case(self.db, channel=channel, ts=ts, author=author, source="flag",
                                           excerpt_masked=self.mask(text), severity="low", now=self.now())
        if not cases_db.add_flag(self.db, case.id, flagger=user, reason=reason, note=note, weight=weight, now=self.now()):
            return None
        self._audit(actor=user, action="flag", case_id=case.id, detail={"reason": reason, "weight": weight, "role": role,
                                                                        "new_case": created})
        case = cases_db.get(self.db, case.id)
        removed = False
        if case.flag_weight >= self.cfg.flag_remove_threshold and case.removal == "none" and case.is_open:
            removed = self._remove(case, by=SYSTEM, reason="flags") == "queued"
        self.publish(case.id)
        return removed

    # ------------------------------------------------------------ moderator clicks
    def case_for_click(self, click: Click) -> cases_db.Case | None:
        """The case a card button belongs to: found by where the card is, never
        by the button's value alone."""
        case = None
        if click.channel and click.message_ts:
            case = cases_db.for_card(self.db, channel=click.channel, ts=click.message_ts)
        if case is None and click.value and click.value.isdigit() and click.channel == self.mod_channel:
            candidate = cases_db.get(self.db, int(click.value))
            if candidate is not None and candidate.card_ts in (None, click.message_ts):
                case = candidate
        return case

    def authorise(self, user: str, *, action: str, case_id: int | None, channel: str | None, tell: bool = True) -> bool:
        if self.people.is_moderator(user):
            return True
        self._audit(actor=user, action=f"refused:{action}", case_id=case_id, outcome="not_a_moderator")
        if tell:
            self.tell(user, cards.refusal_text(action.replace("_", " ")), channel=channel)
        return False

    def _reply(self, click: Click, text: str) -> None:
        """A private answer to whoever clicked, where they clicked."""
        self.tell(click.user, text, channel=click.channel)

    def click(self, action: str, click: Click) -> None:
        case = self.case_for_click(click)
        if not self.authorise(click.user, action=action, case_id=case.id if case else None, channel=click.channel):
            return
        if case is None:
            self._reply(click, "modbot cannot find the case for this card.")
            return
        handler = {"remove": self._click_remove, "retry": self._click_retry, "dismiss": self._click_dismiss, "close": self._click_close,
                   "warn": self._click_warn,
                   "suspend": self._click_suspend, "escalate": self._click_escalate, "reveal": self._click_reveal,
                   "note": self._click_note}.get(action)
        if handler is None:
            return
        handler(case, click)

    def _click_remove(self, case: cases_db.Case, click: Click) -> None:
        result = self._remove(case, by=click.user, reason="moderator")
        if result == "busy":
            fresh = cases_db.get(self.db, case.id)
            if fresh.status == "dismissed":
                self._reply(click, cards.handled_text(case.id, "dismiss", fresh.handled_by))
            else:
                self._reply(click, cards.handled_text(case.id, "remove", fresh.removed_by))
            return
        self.publish(case.id)

    def _click_retry(self, case: cases_db.Case, click: Click) -> None:
        """Send the case's failed Slack calls round again (after an outage
        that outlasted the retries). A failed removal has its own button."""
        again = outbox_db.requeue_failed_for_case(self.db, case.id, now=self.now(), skip=("remove",))
        self._audit(actor=click.user, action="retry", case_id=case.id,
                    detail={"calls": [i.key for i in again]}, outcome="queued" if again else "nothing_to_retry")
        if not again:
            self._reply(click, f"Case #{case.id}: nothing is waiting to be retried.")
            return
        self.rt.gateway.wake.set()
        self.publish(case.id)

    def _click_dismiss(self, case: cases_db.Case, click: Click, *, action: str = "dismiss") -> None:
        """Dismiss (no action), or Close after a moderator removed the message."""
        if not cases_db.claim_decision(self.db, case.id, action=action, by=click.user, now=self.now()):
            fresh = cases_db.get(self.db, case.id)
            self._audit(actor=click.user, action=action, case_id=case.id, outcome="already_handled")
            if fresh.status != "open":
                self._reply(click, cards.handled_text(case.id, fresh.handled_action, fresh.handled_by))
            elif fresh.removal == "done" and fresh.removed_reason == "moderator":
                self._reply(click, cards.handled_text(case.id, "remove", fresh.removed_by))
            else:
                self._reply(click, f"Case #{case.id}: the message is being removed; try again once that finishes.")
            return
        self._audit(actor=click.user, action=action, case_id=case.id)
        self.publish(case.id)

    def _click_close(self, case: cases_db.Case, click: Click) -> None:
        self._click_dismiss(case, click, action="close")

    def _still_open(self, case: cases_db.Case, click: Click) -> bool:
        if case.is_open:
            return True
        self._reply(click, cards.handled_text(case.id, case.handled_action, case.handled_by))
        return False

    def _main_category(self, case: cases_db.Case) -> str:
        fs = cases_db.findings(self.db, case.id)
        if fs:
            return fs[0].category
        flags = [f.reason for f in cases_db.flags(self.db, case.id) if f.reason in policies.CATEGORIES]
        if flags:
            return max(set(flags), key=flags.count)
        return policies.CATEGORIES[0]

    def _click_warn(self, case: cases_db.Case, click: Click) -> None:
        if not self._still_open(case, click):
            return
        category = self._main_category(case)
        labels = self.category_labels()  # a category's guideline title, or its name
        title = labels.get(category, category)
        community = self.rt.settings.config.community.name
        message = (f"Hello. Your message in #{self._channel_label(case.channel)} goes against our guideline "
                   f"\u201c{title}\u201d. Please read it below and keep it in mind; "
                   f"another message like this may lead to a suspension from {community}.")
        view = cards.warn_modal(case_number=case.id, guidelines=[(c, l) for c, l in labels.items() if c != cards.OTHER_REASON],
                                guideline=category, message=message, private_metadata=json.dumps({"case": case.id}),
                                offer_remove=case.removal in ("none", "failed"))
        self.open_view(click.trigger_id, view)

    def _channel_label(self, channel: str) -> str:
        try:
            return str(self.rt.gateway.call("conversations.info", channel=channel).get("channel", {}).get("name") or channel)
        except GatewayError:
            return channel

    def suggested_duration(self, user: str) -> tuple[int, str]:
        """Each non-expired warning and each suspension within the warning
        period moves the suggestion one step up the configured ladder."""
        now = self.now()
        warnings = sanctions_db.active_warnings(self.db, user_id=user, now=now)
        since = now - self.cfg.warning_expiry_days * 86400
        suspensions = sanctions_db.recent_suspensions(self.db, user_id=user, since=since)
        steps = list(self.cfg.suspension_steps) or [0]
        level = len(warnings) + len(suspensions)
        why = f"{len(warnings)} active warning{'s' if len(warnings) != 1 else ''}, " \
              f"{len(suspensions)} recent suspension{'s' if len(suspensions) != 1 else ''}"
        return int(steps[min(level, len(steps) - 1)]), why

    def _click_suspend(self, case: cases_db.Case, click: Click) -> None:
        if not self._still_open(case, click):
            return
        suggested, why = self.suggested_duration(case.author or "")
        category = self._main_category(case)
        section = self.guideline(category)
        title = section.title if section else category
        reason = f"Your message broke our guideline \u201c{title}\u201d."
        view = cards.suspend_modal(case_number=case.id, steps=sorted(set(int(s) for s in self.cfg.suspension_steps),
                                                                        key=lambda s: (s == 0, s)),
                                   suggested=suggested, history=why, reason=reason,
                                   private_metadata=json.dumps({"case": case.id}),
                                   offer_remove=case.removal in ("none", "failed"), kick_channels=list(self.cfg.kick_channels))
        self.open_view(click.trigger_id, view)

    def _click_escalate(self, case: cases_db.Case, click: Click) -> None:
        if not cases_db.escalate(self.db, case.id, by=click.user, now=self.now()):
            fresh = cases_db.get(self.db, case.id)
            self._reply(click, f"Case #{case.id} was already escalated by <@{fresh.escalated_by}>.")
            return
        contacts = [str(c) for c in self.cfg.escalation_contacts]
        self._thread(case, key=f"escalate:{case.id}",
                     text=cards.escalation_message(case_number=case.id, by=click.user, contacts=contacts))
        self._audit(actor=click.user, action="escalate", case_id=case.id, detail={"contacts": contacts})
        self.publish(case.id)

    def _click_reveal(self, case: cases_db.Case, click: Click) -> None:
        snap = cases_db.snapshot_for(self.db, case_id=case.id, channel=case.channel, ts=case.ts)
        stored = messages_db.get(self.db, channel=case.channel, ts=case.ts)
        text = snap.text if snap and snap.text is not None else (stored.text if stored else None)
        edits = [e.get("text", "") for e in (snap.edits if snap else stored.edits if stored else [])]
        if text is None:
            self._audit(actor=click.user, action="reveal", case_id=case.id, outcome="text_not_kept")
            self._reply(click, f"Case #{case.id}: the original text is no longer kept (retention period).")
            return
        self._audit(actor=click.user, action="reveal", case_id=case.id)
        try:
            self.rt.gateway.call("chat.postEphemeral", channel=click.channel or self.mod_channel, user=click.user,
                                 text=cards.reveal_text(case.id, text, edits))
        except GatewayError as exc:
            self._audit(actor=click.user, action="reveal_result", case_id=case.id, outcome=exc.error)

    def _click_note(self, case: cases_db.Case, click: Click) -> None:
        self.open_view(click.trigger_id, cards.note_modal(case_number=case.id, private_metadata=json.dumps({"case": case.id})))

    # ------------------------------------------------------------ modal submissions
    def _case_from_meta(self, private_metadata: str) -> cases_db.Case | None:
        try:
            case_id = int(json.loads(private_metadata or "{}")["case"])
        except (ValueError, KeyError, TypeError):
            return None
        return cases_db.get(self.db, case_id)

    def _submit_guard(self, user: str, case: cases_db.Case | None, action: str, block: str) -> dict | None:
        if case is None:
            return _update_view("Case", CASE_GONE)
        if not self.authorise(user, action=action, case_id=case.id, channel=None, tell=False):
            return _field_error(block, cards.refusal_text(action))
        if not case.is_open:
            return _handled_view(case)
        return None

    def _decide(self, case: cases_db.Case, *, action: str, user: str, now: float, record) -> int | None:
        """Claim the case's decision and record the sanction (`record()`, its
        id) in one transaction; None, audited, when another decision won."""
        with transaction(self.db):
            won = record() if cases_db.claim_decision(self.db, case.id, action=action, by=user, now=now) else None
        if won is None:
            self._audit(actor=user, action=action, case_id=case.id, outcome="already_handled")
        return won

    def submit_warn(self, *, user: str, private_metadata: str, guideline: str | None, message: str | None,
                    also_remove: bool) -> dict | None:
        case = self._case_from_meta(private_metadata)
        guard = self._submit_guard(user, case, "warn", cards.B_MESSAGE)
        if guard:
            return guard
        message = (message or "").strip()
        if not message:
            return _field_error(cards.B_MESSAGE, "Write a message to the author.")
        if guideline not in policies.CATEGORIES:
            return _field_error(cards.B_GUIDELINE, "Choose a guideline from the list.")
        now = self.now()
        expires_at = now + self.cfg.warning_expiry_days * 86400
        won = self._decide(case, action="warn", user=user, now=now, record=lambda: sanctions_db.add_warning(
            self.db, user_id=case.author or "", case_id=case.id, guideline=guideline, message=message, issued_by=user,
            now=now, expires_at=expires_at))
        if won is None:
            return _handled_view(cases_db.get(self.db, case.id))
        section = self.guideline(guideline)
        text, blocks = cards.warning_dm(
            community=self.rt.settings.config.community.name, channel=case.channel,
            guideline_title=section.title if section else guideline, guideline_text=section.text if section else "",
            message=message, expires_at=expires_at, appeal_value=f"warning:{won}")
        self._dm(case.author or "", key=f"warn-dm:{won}", text=text, blocks=blocks, case_id=case.id)
        self._audit(actor=user, action="warn", case_id=case.id, detail={"warning": won, "guideline": guideline})
        if also_remove and case.removal in ("none", "failed"):
            self._remove(cases_db.get(self.db, case.id), by=user, reason="moderator")
        self.publish(case.id)
        return None

    def submit_suspend(self, *, user: str, private_metadata: str, duration: str | None, reason: str | None,
                       also_remove: bool, kick: bool) -> dict | None:
        case = self._case_from_meta(private_metadata)
        guard = self._submit_guard(user, case, "suspend", cards.B_MESSAGE)
        if guard:
            return guard
        steps = {int(s) for s in self.cfg.suspension_steps}
        try:
            days = int(duration or "")
        except ValueError:
            days = -1
        if days not in steps:
            return _field_error(cards.B_DURATION, "Choose a duration from the list.")
        reason = (reason or "").strip()
        if not reason:
            return _field_error(cards.B_MESSAGE, "Give the member a reason.")
        now = self.now()
        sid = self._decide(case, action="suspend", user=user, now=now, record=lambda: sanctions_db.add_suspension(
            self.db, user_id=case.author or "", case_id=case.id, reason=reason, days=days or None, issued_by=user, now=now))
        if sid is None:
            return _handled_view(cases_db.get(self.db, case.id))
        suspension = sanctions_db.get_suspension(self.db, sid)
        kicked = [c for c in self.cfg.kick_channels if str(c)[:1] in ("C", "G")] if kick else []
        for channel in kicked:
            self.rt.gateway.enqueue(key=f"kick:{sid}:{channel}", method="conversations.kick",
                                    args={"channel": channel, "user": case.author}, case_id=case.id, purpose="kick")
        text, blocks = cards.suspension_dm(community=self.rt.settings.config.community.name, ends_at=suspension.ends_at,
                                           reason=reason, channels_left=kicked, appeal_value=f"suspension:{sid}")
        self._dm(case.author or "", key=f"suspend-dm:{sid}", text=text, blocks=blocks, case_id=case.id)
        self._audit(actor=user, action="suspend", case_id=case.id,
                    detail={"suspension": sid, "days": days or None, "kicked": kicked})
        if also_remove and case.removal in ("none", "failed"):
            self._remove(cases_db.get(self.db, case.id), by=user, reason="moderator")
        self.publish(case.id)
        return None

    def submit_note(self, *, user: str, private_metadata: str, note: str | None, view_id: str) -> dict | None:
        case = self._case_from_meta(private_metadata)
        if case is None:
            return _update_view("Case", CASE_GONE)
        if not self.authorise(user, action="add_note", case_id=case.id, channel=None, tell=False):
            return _field_error(cards.B_NOTE, cards.refusal_text("add notes"))
        note = (note or "").strip()
        if not note:
            return _field_error(cards.B_NOTE, "Write a note.")
        self._thread(case, key=f"note:{case.id}:{view_id}", text=cards.note_message(by=user, text_masked=self.mask(note)))
        cases_db.add_note(self.db, case.id, now=self.now())
        self._audit(actor=user, action="note", case_id=case.id)
        self.publish(case.id)
        return None

    # ------------------------------------------------------------ suspensions
    def _enforce_suspension(self, m: SeenMessage, s: sanctions_db.Suspension) -> None:
        case = cases_db.get(self.db, s.case_id) if s.case_id else None
        if case is not None:
            self._snapshot(case, channel=m.channel, ts=m.ts, author=m.user)
        if self.rt.gateway.has_admin:
            self.rt.gateway.enqueue(key=f"suspended-delete:{m.channel}:{m.ts}", method="chat.delete",
                                    args={"channel": m.channel, "ts": m.ts}, token="admin",
                                    case_id=s.case_id, purpose="suspended_delete")
            outcome = "queued"
        else:
            outcome = "no_admin_token"
        self._audit(actor=SYSTEM, action="suspension_enforced", case_id=s.case_id,
                    detail={"channel": m.channel, "ts": m.ts, "suspension": s.id}, outcome=outcome)
        if sanctions_db.mark_notified(self.db, s.id, now=self.now()):
            self._dm(m.user, key=f"suspension-notice:{s.id}", text=cards.suspension_notice_dm(ends_at=s.ends_at),
                     case_id=s.case_id)

    def _drop_obsolete(self, *, suspension_id: int | None = None, warning_id: int | None = None) -> None:
        """A decision that ended takes its unsent side effects with it: a
        kick or a "you are suspended" DM still waiting (or failed, with Retry
        on the card) must not reach the member after the suspension ended or
        the warning was revoked."""
        keys, prefixes = [], []
        if suspension_id is not None:
            keys.append(f"suspend-dm:{suspension_id}")
            prefixes.append(f"kick:{suspension_id}:")
        if warning_id is not None:
            keys.append(f"warn-dm:{warning_id}")
        dropped = outbox_db.cancel_unsent(self.db, keys=tuple(keys), prefixes=tuple(prefixes))
        if dropped:
            log.info("cancelled %d unsent call(s) of a decision that ended", dropped)

    def lift_expired_suspensions(self) -> int:
        """The scheduled job: lift what has ended and tell the member (once)."""
        lifted = 0
        for s in sanctions_db.expired_unlifted(self.db, now=self.now()):
            if not sanctions_db.lift_suspension(self.db, s.id, by=SYSTEM, now=self.now()):
                continue
            lifted += 1
            self._drop_obsolete(suspension_id=s.id)
            self._dm(s.user_id, key=f"suspension-lifted:{s.id}",
                     text=cards.suspension_lifted_dm(community=self.rt.settings.config.community.name), case_id=s.case_id)
            self._audit(actor=SYSTEM, action="suspension_lifted", case_id=s.case_id, detail={"suspension": s.id})
            if s.case_id:
                self.publish(s.case_id)
        return lifted

    # ------------------------------------------------------------ appeals
    def _decision(self, value: str | None, user: str):
        """(kind, decision, case) for an Appeal button value, only if `user` owns it."""
        kind, _, raw = (value or "").partition(":")
        if not raw.isdigit() or kind not in ("warning", "suspension"):
            return None
        decision = self._get_decision(kind, int(raw))
        if decision is None or decision.user_id != user or decision.case_id is None:
            return None
        case = cases_db.get(self.db, decision.case_id)
        return (kind, decision, case) if case else None

    def _get_decision(self, kind: str, decision_id: int):
        """The warning or suspension an appeal is about."""
        get = sanctions_db.get_warning if kind == "warning" else sanctions_db.get_suspension
        return get(self.db, decision_id)

    @staticmethod
    def _what(kind: str, decision, *, member_view: bool = True) -> str:
        if kind == "warning":
            return "the warning you received" if member_view else "their warning"
        what = "suspension" if decision.days else "permanent suspension"
        return ("your " if member_view else "their ") + what

    def open_appeal(self, *, user: str, value: str | None, trigger_id: str | None) -> None:
        found = self._decision(value, user)
        if found is None:
            self._audit(actor=user, action="refused:appeal", case_id=None, detail={"value": (value or "")[:40]},
                        outcome="not_the_member")
            self.open_view(trigger_id, cards.notice_view("Appeal", "This appeal button is not for you."))
            return
        kind, decision, case = found
        existing = sanctions_db.appeal_for(self.db, decision_kind=kind, decision_id=decision.id)
        if existing is not None:
            state = f"It was {existing.outcome}." if existing.outcome else "A moderator will answer you."
            self.open_view(trigger_id, cards.notice_view("Appeal", f"You have already appealed this decision. {state}"))
            return
        self.open_view(trigger_id, cards.appeal_modal(what=self._what(kind, decision),
                                                      private_metadata=f"{kind}:{decision.id}"))

    def _reviewer(self, decided_by: str, salt: int) -> str | None:
        others = sorted(m for m in self.people.moderators() if m != decided_by)
        return others[salt % len(others)] if others else None

    def submit_appeal(self, *, user: str, private_metadata: str, text: str | None) -> dict:
        found = self._decision(private_metadata, user)
        if found is None:
            return _update_view("Appeal", "This appeal is not yours to make.")
        text = (text or "").strip()
        if len(text) < 10:
            return _field_error(cards.B_APPEAL, "Tell the moderators a little more (10 characters or more).")
        kind, decision, case = found
        decided_by = decision.issued_by
        reviewer = self._reviewer(decided_by, decision.id)
        appeal_id = sanctions_db.add_appeal(self.db, case_id=case.id, user_id=user, decision_kind=kind,
                                            decision_id=decision.id, text=text, reviewer=reviewer, now=self.now())
        if appeal_id is None:
            return _update_view("Appeal", "You have already appealed this decision.")
        msg_text, blocks = cards.appeal_thread_message(case_number=case.id, member=user, what=self._what(kind, decision, member_view=False),
                                                       decided_by=decided_by, reviewer=reviewer, text_masked=self.mask(text),
                                                       appeal_id=appeal_id)
        self._thread(case, key=f"appeal:{appeal_id}", text=msg_text, blocks=blocks, purpose="appeal_post")
        self._audit(actor=user, action="appeal", case_id=case.id, detail={"appeal": appeal_id, "kind": kind,
                                                                          "reviewer": reviewer})
        self.publish(case.id)
        return _update_view("Appeal sent", "Your appeal is with the moderators. A moderator who did not make the decision "
                                           "will review it, and modbot will tell you the outcome here.")

    def _appeal_posted(self, outcome: Outcome) -> None:
        self._side_effect_result(outcome)
        if not outcome.ok:
            return
        appeal_id = int(outcome.item.key.rpartition(":")[2])
        result = outcome.result or {}
        if result.get("ts"):
            sanctions_db.set_appeal_message(self.db, appeal_id, channel=result.get("channel") or outcome.item.args["channel"],
                                            ts=result["ts"])

    def decide_appeal(self, *, outcome: str, click: Click) -> None:
        appeal = None
        if click.value and click.value.isdigit():
            candidate = sanctions_db.get_appeal(self.db, int(click.value))
            # The button must sit on the message the appeal was posted as.
            if candidate and candidate.message_channel == click.channel and candidate.message_ts == click.message_ts:
                appeal = candidate
        if not self.authorise(click.user, action=f"appeal_{outcome}", case_id=appeal.case_id if appeal else None,
                              channel=click.channel):
            return
        if appeal is None:
            self._reply(click, "modbot cannot find this appeal.")
            return
        kind = appeal.decision_kind
        decision = self._get_decision(kind, appeal.decision_id)
        others = [m for m in self.people.moderators() if m != decision.issued_by]
        if click.user == decision.issued_by and others:
            self._audit(actor=click.user, action=f"refused:appeal_{outcome}", case_id=appeal.case_id, outcome="own_decision")
            self._reply(click, "You made this decision, so another moderator should review the appeal.")
            return
        now = self.now()
        with transaction(self.db):
            won = sanctions_db.decide_appeal(self.db, appeal.id, outcome=outcome, by=click.user, now=now)
            if won and outcome == "reversed":
                if kind == "warning":
                    sanctions_db.revoke_warning(self.db, decision.id, by=click.user, now=now)
                    self._drop_obsolete(warning_id=decision.id)
                else:
                    sanctions_db.lift_suspension(self.db, decision.id, by=f"appeal:{appeal.id}", now=now)
                    self._drop_obsolete(suspension_id=decision.id)
        if not won:
            fresh = sanctions_db.get_appeal(self.db, appeal.id)
            self._reply(click, f"This appeal was already {fresh.outcome} by <@{fresh.decided_by}>.")
            return
        what = self._what(kind, decision)
        self._dm(appeal.user_id, key=f"appeal-outcome:{appeal.id}", text=cards.appeal_outcome_dm(what=what, outcome=outcome),
                 case_id=appeal.case_id)
        text, blocks = cards.appeal_decided_message(case_number=appeal.case_id, member=appeal.user_id,
                                                    what=self._what(kind, decision, member_view=False),
                                                    outcome=outcome, by=click.user, text_masked=self.mask(appeal.text))
        self.rt.gateway.enqueue(key=f"appeal-decided:{appeal.id}", method="chat.update", case_id=appeal.case_id,
                                purpose="thread", args={"channel": appeal.message_channel, "ts": appeal.message_ts,
                                                        "text": text, "blocks": blocks})
        self._audit(actor=click.user, action=f"appeal_{outcome}", case_id=appeal.case_id, detail={"appeal": appeal.id})
        cases_db.touch(self.db, appeal.case_id, now=now)
        self.publish(appeal.case_id)

    # ------------------------------------------------------------ profiles
    def on_profile_change(self, user: dict) -> None:
        """A member renamed themselves like a staff member: tell the moderators."""
        person = self.people.remember_profile(user)
        if not person.user_id or person.is_bot or person.deleted:
            return
        role = self.people.role_of(person.user_id)
        if role in ("moderator", "admin", "employee"):
            return
        context = policies.Context(author_role=policy_role(role), display_name=person.display_name,
                                   real_name=person.real_name, staff_names=self.people.staff_names(), now=self.now())
        findings = [f for f in policies.evaluate(policies.Message(text="", user=person.user_id), context,
                                                 config=self.rt.settings.config.policies)
                    if f.category == "impersonation" and not f.shadow and f.action != "ignore"]
        if not findings or not self.mod_channel:
            return
        names = f"{person.display_name}|{person.real_name}"
        lines = "\n".join(f"\u2022 `{f.rule}` score {f.score:.2f}: {bk.escape(f.explanation)}" for f in findings)
        self.rt.gateway.enqueue(
            key=f"impersonation:{person.user_id}:{_sha(names)}", method="chat.postMessage", purpose="thread",
            args={"channel": self.mod_channel,
                  "text": f":bust_in_silhouette: Profile check: <@{person.user_id}> changed their name.\n{lines}\n"
                          "Ask them to change it, or act from their next message's card."},
        )
        self._audit(actor=SYSTEM, action="impersonation_profile", case_id=None,
                    detail={"user": person.user_id, "rules": [f.rule for f in findings]})
