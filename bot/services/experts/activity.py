"""/myactivity: a member's answers and questions this month and the six
before, their role, and where they stand with the expert programme and the
moderators."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.services.experts.months import months_before
from bot.services.experts.review import GraceStatus, Review
from storage import activity as activity_db
from storage import experts as experts_db
from storage import reports as reports_db

log = logging.getLogger("modbot.experts")


@dataclass(frozen=True)
class ActivityReport:
    user: str
    month: str
    answers: int
    questions: int
    minimum: int
    history: dict[str, int]  # the six months before this one, oldest first
    role: str
    is_employee: bool
    expert: experts_db.Expert | None
    grace: GraceStatus | None
    flags: reports_db.FlagTally
    warnings: list[reports_db.ActiveWarning]
    suspension: reports_db.ActiveSuspension | None
    timezone: str


class Activity(Review):
    """An expert in grace sees how far they are."""

    def activity_report(self, user: str) -> ActivityReport:
        db = self.db
        now = self.now()
        month = self.current_month()
        history_months = months_before(month, 6)
        expert = experts_db.get_expert(db, user)
        role, is_employee = self._role(user)
        return ActivityReport(
            user=user,
            month=month,
            answers=activity_db.answers_in_month(db, user=user, month=month),
            questions=activity_db.questions_in_month(db, user=user, month=month),
            minimum=self.config.minimum,
            history=activity_db.answers_by_month(db, user=user, months=history_months),
            role=role,
            is_employee=is_employee,
            expert=expert,
            grace=self.grace_status(user) if expert is not None and expert.status == "grace" else None,
            flags=reports_db.flag_tally(db, user),
            warnings=reports_db.active_warnings(db, user, now=now),
            suspension=reports_db.active_suspension(db, user, now=now),
            timezone=self.settings.config.community.timezone,
        )

    def _role(self, user: str) -> tuple[str, bool]:
        """(role, is an employee). Slack being slow or down must not break
        /myactivity: the role is then left out as 'member'."""
        try:
            role = str(self.people.role_of(user))
        except Exception:  # a broken lookup must not cost the member their answer
            log.exception("role lookup failed")
            return "member", False
        employee = role == "employee" or (role in ("moderator", "admin") and self.people.is_employee(user))
        return role, employee
