"""Removing a member's message: snapshot first, then chat.delete with the
admin token through the outbox, and the card says how it went."""
from __future__ import annotations

from bot.faults import crash_point
from bot.services.cases.card import CardService
from bot.services.cases.common import SYSTEM, CaseService
from bot.services.cases.floods import FloodService
from bot.services.messages import SeenMessage
from bot.slack.blocks import member_dms as dms
from bot.slack.effects import About, DeleteMessage
from bot.slack.gateway import Outcome
from storage import cases as cases_db
from storage import messages as messages_db
from storage import outbox as outbox_db


class RemovalService(CaseService):
    def __init__(self, *, card: CardService, floods: FloodService, **base):
        super().__init__(**base)
        self.card = card
        self.floods = floods

    def snapshot(self, case: cases_db.Case, *, channel: str | None = None, ts: str | None = None,
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

    def remove(self, case: cases_db.Case, *, by: str, reason: str) -> str:
        """Snapshot, then queue chat.delete with the admin token.

        Returns "queued", "no_admin_token" or "busy" (already removed, being
        removed, or the case was dismissed).
        """
        self.snapshot(case)
        if not self.gateway.has_admin:
            cases_db.removal_failed(self.db, case.id, error="no_admin_token", by=by, reason=reason, now=self.now())
            self.audit(actor=by, action="remove", case_id=case.id, detail={"reason": reason}, outcome="no_admin_token")
            return "no_admin_token"
        # One transaction from the claim to the deletions being queued: a
        # "pending" removal is refused by a second click and skipped by a
        # replayed event, so a claim on disk without its chat.delete would
        # leave the message up for good. Only database writes in here: the
        # outbox makes the Slack calls once this has committed.
        with self.recording():
            if not cases_db.claim_removal(self.db, case.id, by=by, reason=reason, now=self.now()):
                return "busy"
            crash_point("removal_claimed")
            item, created = self.gateway.perform(DeleteMessage(case_id=case.id, channel=case.channel, ts=case.ts))
            if case.kind != "message":
                self.floods.remove_all(case)  # one Remove for every message of a flood or raid
            if not created and item.status == "failed":
                outbox_db.requeue(self.db, item.id, now=self.now())
            self.audit(actor=by, action="remove", case_id=case.id, detail={"reason": reason}, outcome="queued")
        return "queued"

    def removal_result(self, outcome: Outcome) -> None:
        case_id = outcome.item.case_id
        if case_id is None:
            return
        if outcome.ok:
            cases_db.removal_done(self.db, case_id, now=self.now())
            messages_db.mark_deleted(self.db, channel=outcome.item.args["channel"], ts=outcome.item.args["ts"])
            self.audit_outcome(outcome.item, action="remove_result", outcome="ok")
            if not (outcome.result or {}).get("already"):  # not when the author had deleted it first
                self._tell_author(case_id)
        elif outcome.final:
            cases_db.removal_failed(self.db, case_id, error=outcome.error or "unknown", by=None, reason=None, now=self.now())
            self.audit_outcome(outcome.item, action="remove_result", outcome=outcome.error or "failed")
        elif outcome.item.attempts != 0:
            return  # only the first transient failure shows: Slack is slow, and when the next try is
        self.card.publish(case_id)

    def _tell_author(self, case_id: int) -> None:
        """Every removal is told to its author, with the guideline and an
        Appeal button (keyed: told once, however often this runs)."""
        case = cases_db.get(self.db, case_id)
        if case is None or not case.author or case.removed_reason not in dms.REMOVAL_WHY:
            return
        category = self.main_category(case)
        section = self.guideline(category)
        text, blocks = dms.removal_dm(
            community=self.settings.config.community.name, channel=case.channel, why=case.removed_reason,
            guideline_title=section.title if section else self.category_labels().get(category, category),
            guideline_text=section.text if section else "", appeal_value=f"removal:{case.id}")
        self.dm(case.author, about=About.REMOVAL, ref=case.id, text=text, blocks=blocks, case_id=case.id)

    def message_gone(self, m: SeenMessage) -> None:
        """Deleted in Slack (by its author, by hand, or by our own chat.delete)."""
        case = cases_db.for_message(self.db, channel=m.channel, ts=m.ts)
        if case is None or case.removal == "done":
            return
        if cases_db.removal_done(self.db, case.id, now=self.now()):
            self.audit(actor=SYSTEM, action="message_deleted_in_slack", case_id=case.id)
            self.card.publish(case.id)
