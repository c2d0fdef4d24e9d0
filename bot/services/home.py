"""App Home: published when someone opens it, after their clicks in it, and
(for moderators) again after cases change, at most once a minute per person
(the `refresh_homes` job): views.publish is Tier 4, and nobody needs a
queue fresher than that while a card shows each change at once."""
from __future__ import annotations

import logging
import threading

from bot.runtime import Modbot
from bot.services.base import Service
from bot.services.cases.wiring import Moderation
from bot.services.experts.service import ExpertService
from bot.services.cases.common import Click, as_id
from bot.slack.blocks import home as home_blocks
from bot.slack.gateway import GatewayError
from storage import cases as cases_db
from storage import rule_quality as rq_db

log = logging.getLogger("modbot.home")

QUEUE_LIMIT = home_blocks.QUEUE_SHOWN
# Homes opened this long ago stop being refreshed until opened again.
WATCH_SECONDS = 24 * 3600


class HomeService(Service):
    def __init__(self, *, moderation: Moderation, experts: ExpertService, **base):
        super().__init__(**base)
        self.moderation = moderation
        self.experts = experts
        self._lock = threading.Lock()
        self._shown: dict[str, dict] = {}  # moderator -> the view last published to them
        self._opened: dict[str, float] = {}  # moderator -> when they last opened it

    # -- what is shown -------------------------------------------------------
    def view_for(self, user: str) -> dict:
        if self.people.is_moderator(user):
            return self.moderator_view()
        return home_blocks.member_home(self.experts.activity_report(user))

    def moderator_view(self) -> dict:
        now = self.now()
        m = self.moderation
        entries, total = rq_db.open_queue(self.db, limit=QUEUE_LIMIT)
        labels = m.card.category_labels()
        queue = []
        for e in entries:
            case = cases_db.get(self.db, e.id)
            if case is None:
                continue
            link = None
            if case.card_channel and case.card_ts:
                link = m.card.archive_link(case.card_channel, case.card_ts)
            queue.append(home_blocks.QueueItem(
                number=case.id, severity=case.severity, age_s=now - case.created_at,
                label=labels.get(e.category or "", "Flagged by members"), state=m.clicks.state_of(case), link=link))
        day_start = now - now % 86400
        policies_cfg = self.settings.config.policies
        unmarked = [s for s in rq_db.shadow_findings(self.db, since=now - 7 * 86400) if s.right is None]
        shadows = unmarked[-home_blocks.SHADOW_SHOWN:]
        links = {s.audit_id: m.card.archive_link(s.channel, s.ts) for s in shadows if s.channel and s.ts}
        return home_blocks.moderator_home(
            queue=queue, open_total=total, figures=rq_db.day_figures(self.db, since=day_start),
            reports=m.quality.reports(policies_cfg), shadows=shadows, links=links, now=now,
            min_decisions=m.quality.min_decisions)

    # -- publishing ----------------------------------------------------------
    def publish(self, user: str, view: dict | None = None) -> bool:
        view = view or self.view_for(user)
        try:
            self.gateway.call("views.publish", user_id=user, view=view)
        except GatewayError as exc:
            log.warning("views.publish failed (%s)", exc.error)
            return False
        if self.people.is_moderator(user):
            with self._lock:
                self._shown[user] = view
        return True

    def opened(self, user: str) -> None:
        with self._lock:
            self._opened[user] = self.now()
        self.publish(user)

    def refresh(self) -> int:
        """Republish the homes moderators opened lately whose content changed
        (the job runs once a minute: that is the debounce)."""
        now = self.now()
        with self._lock:
            watched = [u for u in self._shown if now - self._opened.get(u, 0.0) < WATCH_SECONDS]
        published = 0
        view = self.moderator_view() if watched else None  # the same for every moderator
        for user in watched:
            if view != self._shown.get(user) and self.publish(user, view):
                published += 1
        return published

    # -- clicks in App Home --------------------------------------------------
    def case_click(self, action: str, click: Click) -> None:
        """A case button in App Home: the card's own rules and handlers, then
        the clicker's home again."""
        if action in home_blocks.NOT_IN_HOME:
            self.moderation.card.tell(click.user, "Reveal from the case card in the moderator channel: the text is "
                                                  "shown to you there, and nowhere else.")
            return
        self.moderation.clicks.click(action, click)
        self.publish(click.user)

    def apply_suggestion(self, click: Click) -> None:
        if not self.moderation.card.authorise(click.user, action="apply_rule_suggestion", case_id=None):
            return
        applied = self.moderation.quality.apply(click.value or "", by=click.user,
                                                base=self.settings.config.policies)
        if applied is None:
            self.moderation.card.tell(click.user, "That suggestion no longer stands (the figures moved or it was"
                                                  " applied already). Nothing was changed.")
        self.publish(click.user)

    def mark_shadow(self, click: Click, *, right: bool) -> None:
        if not self.moderation.card.authorise(click.user, action="mark_shadow_finding", case_id=None):
            return
        audit_id = as_id(click.value)
        if audit_id is not None:
            self.moderation.quality.mark_shadow(audit_id, right=right, by=click.user)
        self.publish(click.user)


def build_home(rt: Modbot) -> HomeService:
    """App Home, and the job that keeps moderators' open homes current."""
    s = rt.services
    home = HomeService(moderation=s.moderation, experts=s.experts, store=rt.store, clock=rt.clock,
                       gateway=rt.gateway, settings=rt.settings, people=s.people)
    rt.add_job("refresh_homes", home.refresh, "interval", minutes=1, catch_up=False)
    return home
