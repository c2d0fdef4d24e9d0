"""Suspensions in force: a suspended member's new messages are removed (and
they are told once), and a suspension that ended is lifted on schedule."""
from __future__ import annotations

import logging

from bot.faults import crash_point
from bot.services.cases.card import CardService
from bot.services.cases.common import SYSTEM, CaseService
from bot.services.cases.removal import RemovalService
from bot.services.messages import SeenMessage
from bot.slack.blocks import member_dms as dms
from bot.slack.blocks import cases as cards
from bot.slack.effects import About, DeleteMessage, topic_id
from storage import cases as cases_db
from storage import outbox as outbox_db
from storage import sanctions as sanctions_db
from storage import transaction

log = logging.getLogger("modbot.moderation")


class SuspensionService(CaseService):
    def __init__(self, *, card: CardService, removal: RemovalService, **base):
        super().__init__(**base)
        self.card = card
        self.removal = removal

    def enforce(self, m: SeenMessage, s: sanctions_db.Suspension) -> None:
        # All of it in one transaction: the "member told" mark is what makes a
        # replayed event (or their next message) skip the DM, so the mark on
        # disk without the DM queued would mean they are never told. Only
        # database writes in here; the outbox makes the Slack calls after.
        with self.recording():
            case = cases_db.get(self.db, s.case_id) if s.case_id else None
            if case is not None:
                self.removal.snapshot(case, channel=m.channel, ts=m.ts, author=m.user)
            removes = self.gateway.has_admin
            if removes:
                self.gateway.perform(DeleteMessage(case_id=s.case_id, channel=m.channel, ts=m.ts, suspended=True))
            elif case is not None:
                # The message stays up: the moderators are told, the member is not told otherwise.
                self.thread(case, about=About.SUSPENDED_POST, ref=f"{m.channel}:{m.ts}",
                            text=cards.suspended_post_message(member=m.user, channel=m.channel,
                                                              permalink=self.archive_link(m.channel, m.ts)))
            self.audit(actor=SYSTEM, action="suspension_enforced", case_id=s.case_id,
                       detail={"channel": m.channel, "ts": m.ts, "suspension": s.id},
                       outcome="queued" if removes else "no_admin_token")
            if sanctions_db.mark_notified(self.db, s.id, now=self.now()):
                crash_point("suspension_notified")
                self.dm(m.user, about=About.SUSPENSION_NOTICE, ref=s.id,
                        text=dms.suspension_notice_dm(ends_at=s.ends_at, removed=removes), case_id=s.case_id)

    def drop_obsolete(self, *, suspension_id: int | None = None, warning_id: int | None = None) -> None:
        """A decision that ended takes its unsent side effects with it: a
        kick or a "you are suspended" DM still waiting (or failed, with Retry
        on the card) must not reach the member after the suspension ended or
        the warning was revoked."""
        topic = f"suspension:{suspension_id}" if suspension_id is not None else f"warning:{warning_id}"
        why = "the suspension was lifted" if suspension_id is not None else "the warning was revoked"
        dropped = outbox_db.cancel_unsent(self.db, topic=topic, why=why, now=self.now())
        if dropped:
            log.info("cancelled %d unsent call(s) of a decision that ended", len(dropped))

    def withdraw_if_lifted(self, item: outbox_db.OutboxItem) -> bool:
        """Just before a suspension's call (a kick, the "you are suspended"
        DM) is made: if the suspension was lifted meanwhile, or has ended,
        cancel it instead (True). drop_obsolete leaves a call in flight to
        finish, as it may be at Slack already; but one claimed and never
        made (the process died first) comes back at the restart, and must
        not remove from a channel, or tell "you are suspended", a member who
        no longer is. One transaction with the check, as for a flood's."""
        suspension_id = topic_id(item.topic, "suspension")
        with transaction(self.db):
            s = sanctions_db.get_suspension(self.db, suspension_id) if suspension_id is not None else None
            if s is None or s.active(self.now()):
                return False
            why = "the suspension was lifted before it was made" if s.lifted_at is not None else \
                "the suspension ended before it was made"
            if not outbox_db.cancel_claimed(self.db, item.id, why=why, now=self.now()):
                return False
        if item.case_id is not None:
            self.card.publish(item.case_id)  # no longer pending on the card
        return True

    def lift_expired_suspensions(self) -> int:
        """The scheduled job: lift what has ended and tell the member (once)."""
        lifted = 0
        for s in sanctions_db.expired_unlifted(self.db, now=self.now()):
            # The lift and its clean-up in one transaction: a lifted
            # suspension is not looked at again, so a lift on disk without
            # the rest would leave the member never told, and a queued kick
            # or "you are suspended" DM free to go out after the end.
            with self.recording():
                if not sanctions_db.lift_suspension(self.db, s.id, by=SYSTEM, now=self.now()):
                    continue
                crash_point("suspension_lifted")
                self.drop_obsolete(suspension_id=s.id)
                self.dm(s.user_id, about=About.SUSPENSION_LIFTED, ref=s.id,
                        text=dms.suspension_lifted_dm(community=self.settings.config.community.name),
                        case_id=s.case_id)
                self.audit(actor=SYSTEM, action="suspension_lifted", case_id=s.case_id, detail={"suspension": s.id})
            lifted += 1
            if s.case_id:
                self.card.publish(s.case_id)
        return lifted

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
