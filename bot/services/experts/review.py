"""The monthly review and its grace period.

The review on the 1st looks at the month just ended, for experts who were
already experts when that month began (someone added mid-month, or synced
on the day modbot was installed, is not judged on a month they never had).
Below the minimum, an expert gets one notice and a grace period of
`grace_days` from the notice. They keep the role if they give `minimum`
answers counted from the end of the reviewed month until the grace period
ends (checked as each answer arrives and by the daily 'expert_grace' job);
otherwise the daily job removes them from the user group and tells them and
the moderators."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.services.experts.months import month_start, next_month, previous_month
from bot.services.experts.roster import Roster
from bot.slack.blocks import experts as expert_blocks
from bot.slack.gateway import GatewayError
from storage import activity as activity_db
from storage import experts as experts_db
from storage.db import transaction

log = logging.getLogger("modbot.experts")


@dataclass(frozen=True)
class GraceStatus:
    month: str  # the month reviewed
    grace_until: float
    days_left: int
    answers_since: int
    minimum: int


class Review(Roster):
    """Revoking reads the user group the roster keeps."""

    def run_review(self) -> list[experts_db.Review]:
        """Review the month just ended (safe to run any number of times)."""
        self.run_grace()  # settle grace periods that ended first
        now = self.now()
        month = previous_month(self.current_month())
        db = self.db
        if not experts_db.claim_run(db, job="expert_review", period=month, now=now):
            return []
        began = month_start(month, self.tz)
        minimum, grace_days = self.config.minimum, self.config.grace_days
        reviewed = []
        for expert in experts_db.list_experts(db):
            if expert.added_at >= began:
                continue  # not an expert for the whole month
            if expert.status == "grace" and experts_db.get_review(db, user=expert.user_id, month=month) is None:
                continue  # still in grace from an earlier month
            answers = activity_db.answers_in_month(db, user=expert.user_id, month=month)
            with transaction(db):
                review, _ = experts_db.record_review(
                    db,
                    user=expert.user_id,
                    month=month,
                    answers=answers,
                    minimum=minimum,
                    grace_until=now + grace_days * 86400,
                    now=now,
                )
                if review.outcome == "notified":
                    text, blocks = expert_blocks.notice_message(review, tz=self.tz)
                    self._dm(review.user_id, key=f"expert-notice:{review.user_id}:{month}", text=text, blocks=blocks)
            reviewed.append(review)
        reviews = experts_db.reviews_for_month(db, month)
        if reviews and self.mod_channel:
            text, blocks = expert_blocks.review_summary(month, reviews, tz=self.tz)
            self.gateway.enqueue(
                key=f"expert-review-summary:{month}",
                method="chat.postMessage",
                args={"channel": self.mod_channel, "text": text, "blocks": blocks},
                purpose="expert_review",
            )
        experts_db.finish_run(db, job="expert_review", period=month, now=self.now())
        log.info("expert review for %s: %d reviewed", month, len(reviewed))
        return reviewed

    def grace_status(self, user: str) -> GraceStatus | None:
        review = experts_db.open_review(self.db, user)
        if review is None or review.grace_until is None:
            return None
        now = self.now()
        since = month_start(next_month(review.month), self.tz)
        got = activity_db.answers_between(self.db, user=user, start=since, end=review.grace_until)
        left = max(0, int((review.grace_until - now + 86399) // 86400))
        return GraceStatus(review.month, review.grace_until, left, got, review.minimum)

    def check_recovery(self, user: str) -> bool:
        status = self.grace_status(user)
        if status is None or status.answers_since < status.minimum:
            return False
        with transaction(self.db):
            if not experts_db.resolve_review(self.db, user=user, month=status.month, outcome="recovered", now=self.now()):
                return False
            text, blocks = expert_blocks.recovered_message(status)
            self._dm(user, key=f"expert-recovered:{user}:{status.month}", text=text, blocks=blocks)
        return True

    def run_grace(self) -> None:
        """Daily: keep the role for those who re-engaged, remove it from those
        whose grace period ended without it."""
        now = self.now()
        for review in experts_db.pending_reviews(self.db):
            expert = experts_db.get_expert(self.db, review.user_id)
            if expert is None or expert.status != "grace":
                continue
            if self.check_recovery(review.user_id):
                continue
            if review.grace_until is not None and now >= review.grace_until:
                self._revoke(review)

    def _revoke(self, review: experts_db.Review) -> None:
        db = self.db
        user, month = review.user_id, review.month
        group = self.config.usergroup
        current: list[str] | None = None
        if group:
            try:
                current = self._group_members()
            except GatewayError as exc:
                # Nothing recorded yet: tomorrow's run (or a restart) tries again.
                log.warning("revocation of an expert postponed: cannot read the user group (%s)", exc.error)
                return
        with transaction(db):
            if not experts_db.resolve_review(db, user=user, month=month, outcome="revoked", now=self.now()):
                return
            problem = None
            if group and current is not None:
                taken = self._role_taken()
                remaining = [u for u in current if u not in taken and u != user]
                if user not in current:
                    pass  # already out of the group
                elif not remaining:
                    problem = "the user group would be empty, so they are still in it: remove them by hand"
                else:
                    self.gateway.enqueue(
                        key=f"expert-usergroup-revoke:{user}:{month}",
                        method="usergroups.users.update",
                        args={"usergroup": group, "users": ",".join(remaining)},
                        purpose="expert_usergroup",
                    )
            text, blocks = expert_blocks.revoked_message(review)
            self._dm(user, key=f"expert-revoked:{user}:{month}", text=text, blocks=blocks)
            if self.mod_channel:
                text, blocks = expert_blocks.revoked_moderator_note(review, problem=problem)
                self.gateway.enqueue(
                    key=f"expert-revoked-mods:{user}:{month}",
                    method="chat.postMessage",
                    args={"channel": self.mod_channel, "text": text, "blocks": blocks},
                    purpose="expert_review",
                )
        log.info("expert role removed after the grace period for the %s review", month)
