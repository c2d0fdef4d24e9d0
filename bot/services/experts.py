"""The expert programme: counting answers, the roster, the monthly review
with its grace period, the spotlight post and the user-group sync.

How the month is judged (the issue leaves some of this to us):
- A question is a top-level message in a help channel that asks something
  (`looks_like_question`); an answer is a reply in its thread by someone
  other than the asker, counted once per question and member, in the month
  (community time zone) of the message's own Slack timestamp. Deleting the
  reply or the question takes the count back.
- The review on the 1st looks at the month just ended, for experts who were
  already experts when that month began (someone added mid-month, or synced
  on the day modbot was installed, is not judged on a month they never had).
- Below the minimum, an expert gets one notice and a grace period of
  `grace_days` from the notice. They keep the role if they give `minimum`
  answers counted from the end of the reviewed month until the grace period
  ends (checked as each answer arrives and by the daily 'expert_grace' job);
  otherwise the daily job removes them from the user group and tells them
  and the moderators.
- The spotlight names up to five experts with the most answers last month
  and links to each one's best-received answers (storage.activity.best_answers:
  the asker came back to the thread, then the livelier thread).

Every Slack side effect goes through the outbox with a key made of the
member and the month, written in the same transaction as the record that
decided it, so a second run, a restart or a second process sends nothing
twice.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.runtime import Modbot
from bot.services.messages import SeenMessage
from bot.slack.blocks import experts as expert_blocks
from bot.slack.gateway import GatewayError
from storage import activity as activity_db
from storage import experts as experts_db
from storage import reports as reports_db
from storage.db import transaction

log = logging.getLogger("modbot.experts")

SPOTLIGHT_SIZE = 5
BEST_ANSWERS = 3
# A manual expert whose user-group addition may still be in the outbox is
# not removed by a sync that ran before it was made.
SYNC_SETTLE_SECONDS = 300

# -- what counts as a question ------------------------------------------------
_QUESTION_STARTS = {
    "how", "what", "why", "where", "when", "who", "whom", "whose", "which",
    "can", "could", "does", "do", "did", "is", "are", "was", "were", "will", "would",
    "should", "shall", "may", "might", "has", "have", "any", "anyone", "anybody",
    "someone", "somebody", "help", "question",
}
_QUESTION_PHRASES = (
    "i need help", "need help", "i'm trying to", "im trying to", "i am trying to", "trying to figure",
    "i'm looking for", "looking for", "i wonder", "wondering", "not sure how", "i can't", "i cannot",
    "is there a way", "has anyone", "does anyone", "struggling", "stuck on", "i'm stuck", "please advise",
)
_MARKUP = re.compile(r"<[^>]*>|```.*?```|`[^`]*`", re.DOTALL)
_LEAD = re.compile(r"^[\s:>*_~\-•]*(?:(?:hi|hello|hey|hiya|morning|folks|all|everyone|team|there)[\s,!.:-]*)*", re.IGNORECASE)


def looks_like_question(text: str) -> bool:
    """True for a message that asks something: a question mark outside links
    and code, or an opening like "how", "anyone", "I'm trying to"."""
    plain = _MARKUP.sub(" ", text or "").strip()
    if not plain:
        return False
    if "?" in plain:
        return True
    opening = _LEAD.sub("", plain.lower()).strip()
    first = re.split(r"[^a-z']+", opening, maxsplit=1)[0] if opening else ""
    if first in _QUESTION_STARTS:
        return True
    return any(opening.startswith(p) or f" {p}" in f" {opening}"[:80] for p in _QUESTION_PHRASES)


# -- months in the community's time zone --------------------------------------
def month_of(ts: float, tz: ZoneInfo) -> str:
    return datetime.fromtimestamp(ts, tz).strftime("%Y-%m")


def month_start(month: str, tz: ZoneInfo) -> float:
    year, mon = (int(p) for p in month.split("-"))
    return datetime(year, mon, 1, tzinfo=tz).timestamp()


def next_month(month: str) -> str:
    year, mon = (int(p) for p in month.split("-"))
    return f"{year + (mon // 12)}-{mon % 12 + 1:02d}"


def previous_month(month: str) -> str:
    year, mon = (int(p) for p in month.split("-"))
    return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"


def months_before(month: str, n: int) -> list[str]:
    """The n months before `month`, oldest first."""
    out = []
    for _ in range(n):
        month = previous_month(month)
        out.append(month)
    return out[::-1]


# -- reports --------------------------------------------------------------------
@dataclass(frozen=True)
class GraceStatus:
    month: str  # the month reviewed
    grace_until: float
    days_left: int
    answers_since: int
    minimum: int


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


@dataclass(frozen=True)
class RosterEntry:
    user: str
    certified: bool
    status: str
    answers_this_month: int


@dataclass(frozen=True)
class SpotlightEntry:
    user: str
    certified: bool
    answers: int
    links: list[str] = field(default_factory=list)


class ExpertService:
    def __init__(self, rt: Modbot):
        self.rt = rt

    # -- wiring ---------------------------------------------------------------
    def register(self) -> None:
        self.rt.services.messages.subscribe("activity", self.on_message)
        self.rt.add_job("expert_sync", self.sync_usergroup, "interval", hours=6)
        self.rt.add_job("expert_review", self.run_review, "cron", day=1, hour=9)
        self.rt.add_job("expert_grace", self.run_grace, "cron", hour=9, minute=30)
        self.rt.add_job("expert_spotlight", self.run_spotlight, "cron", day=1, hour=10)

    @property
    def config(self):
        return self.rt.settings.config.experts

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.rt.settings.config.community.timezone)

    @property
    def db(self):
        return self.rt.store.db

    def now(self) -> float:
        return self.rt.clock.now()

    def current_month(self) -> str:
        return month_of(self.now(), self.tz)

    @property
    def people(self):
        return self.rt.services.people

    def is_moderator(self, user: str) -> bool:
        return bool(self.people.is_moderator(user))

    # -- counting ---------------------------------------------------------------
    def is_help_channel(self, message: SeenMessage) -> bool:
        if message.channel == self.rt.settings.modbot_mod_channel:
            return False
        if self.config.help_channels:
            return message.channel in self.config.help_channels
        if message.channel_type:
            return message.channel_type == "channel"  # public channels the bot is in
        return message.channel.startswith("C")

    def on_message(self, message: SeenMessage) -> None:
        if not self.is_help_channel(message):
            return
        db = self.db
        if message.kind == "deleted":
            activity_db.mark_deleted(db, channel=message.channel, ts=message.ts)
            return
        if not message.user:
            return
        try:
            month = month_of(float(message.ts), self.tz)
        except ValueError:
            log.warning("message with an unreadable ts %r not counted", message.ts)
            return
        if message.is_reply:
            created = activity_db.record_reply(
                db, channel=message.channel, ts=message.ts, thread_ts=message.thread_ts or "", user=message.user, month=month
            )
            if created and experts_db.open_review(db, message.user) is not None:
                self.check_recovery(message.user)
        elif message.kind in ("new", "edited") and looks_like_question(message.text):
            # An edit that turns a statement into a question makes it one; an
            # edit the other way keeps it (answers already given stay given).
            activity_db.record_question(db, channel=message.channel, ts=message.ts, user=message.user, month=month)

    # -- the roster -----------------------------------------------------------
    def roster(self) -> list[RosterEntry]:
        month = self.current_month()
        return [
            RosterEntry(e.user_id, e.certified, e.status, activity_db.answers_in_month(self.db, user=e.user_id, month=month))
            for e in experts_db.list_experts(self.db)
        ]

    def most_helpful(self, *, month: str | None = None, limit: int = 5) -> list[tuple[str, int]]:
        return activity_db.top_answerers(self.db, month=month or self.current_month(), limit=limit)

    def add(self, user: str, *, by: str) -> bool:
        added = experts_db.add_expert(self.db, user=user, source="manual", now=self.now(), added_by=by)
        if added:
            self._update_usergroup(add={user}, remove=set(), reason=f"add:{user}")
        return added

    def remove(self, user: str, *, by: str) -> bool:
        removed = experts_db.remove_expert(self.db, user=user, now=self.now(), reason="moderator", removed_by=by)
        if removed:
            self._update_usergroup(add=set(), remove={user}, reason=f"remove:{user}")
        return removed

    def certify(self, user: str, *, by: str, certified: bool = True) -> tuple[bool, bool]:
        """(added as expert, certification changed)."""
        added = self.add(user, by=by) if certified else False
        changed = experts_db.set_certified(self.db, user=user, certified=certified)
        return added, changed

    def _group_members(self) -> list[str] | None:
        group = self.config.usergroup
        if not group:
            return None
        return [u for u in self.rt.gateway.call("usergroups.users.list", usergroup=group).get("users") or [] if isinstance(u, str)]

    def _update_usergroup(self, *, add: set[str], remove: set[str], reason: str) -> str | None:
        """Enqueue the user group's new member list; returns a problem to
        report, or None. Slack replaces the whole list, so the list is built
        from Slack's current one minus everyone modbot took the role from."""
        group = self.config.usergroup
        if not group:
            return None
        try:
            current = self._group_members() or []
        except GatewayError as exc:
            log.warning("could not read the expert user group (%s)", exc.error)
            return f"I could not read the user group from Slack ({exc.error}); please update it by hand."
        taken = self._role_taken()
        wanted = [u for u in current if u not in taken and u not in remove] + sorted(u for u in add if u not in current)
        if wanted == current:
            return None
        if not wanted:
            return "The expert user group would be empty, and Slack keeps at least one member: please remove them by hand."
        self.rt.gateway.enqueue(
            key=f"expert-usergroup:{reason}:{self.now():.0f}",
            method="usergroups.users.update",
            args={"usergroup": group, "users": ",".join(wanted)},
            purpose="expert_usergroup",
        )
        return None

    def _role_taken(self) -> set[str]:
        """Whom modbot or a moderator took the role from: kept out of the
        user group even while Slack's list still has them."""
        return {e.user_id for e in experts_db.list_experts(self.db, statuses=("revoked",))
                if e.removed_reason in ("inactive", "moderator")}

    def sync_usergroup(self) -> None:
        """Make the roster match the configured user group (start-up, every
        six hours); subteam_members_changed keeps it current in between."""
        try:
            members = self._group_members()
        except GatewayError as exc:
            log.warning("expert user group sync skipped (%s)", exc.error)
            return
        if members is None:
            return
        now = self.now()
        in_group = set(members)
        with transaction(self.db):
            for user in members:
                experts_db.add_expert(self.db, user=user, source="usergroup", now=now)
            for expert in experts_db.list_experts(self.db):
                if expert.user_id not in in_group and expert.added_at < now - SYNC_SETTLE_SECONDS:
                    experts_db.remove_expert(self.db, user=expert.user_id, now=now, reason="usergroup")

    def on_usergroup_change(self, *, subteam: str, added: list[str], removed: list[str]) -> None:
        if not subteam or subteam != self.config.usergroup:
            return
        now = self.now()
        with transaction(self.db):
            for user in added:
                experts_db.add_expert(self.db, user=user, source="usergroup", now=now)
            for user in removed:
                experts_db.remove_expert(self.db, user=user, now=now, reason="usergroup")

    # -- the monthly review ---------------------------------------------------
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
        if reviews and self.rt.settings.modbot_mod_channel:
            text, blocks = expert_blocks.review_summary(month, reviews, tz=self.tz)
            self.rt.gateway.enqueue(
                key=f"expert-review-summary:{month}",
                method="chat.postMessage",
                args={"channel": self.rt.settings.modbot_mod_channel, "text": text, "blocks": blocks},
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
                    self.rt.gateway.enqueue(
                        key=f"expert-usergroup-revoke:{user}:{month}",
                        method="usergroups.users.update",
                        args={"usergroup": group, "users": ",".join(remaining)},
                        purpose="expert_usergroup",
                    )
            text, blocks = expert_blocks.revoked_message(review)
            self._dm(user, key=f"expert-revoked:{user}:{month}", text=text, blocks=blocks)
            if self.rt.settings.modbot_mod_channel:
                text, blocks = expert_blocks.revoked_moderator_note(review, problem=problem)
                self.rt.gateway.enqueue(
                    key=f"expert-revoked-mods:{user}:{month}",
                    method="chat.postMessage",
                    args={"channel": self.rt.settings.modbot_mod_channel, "text": text, "blocks": blocks},
                    purpose="expert_review",
                )
        log.info("expert role removed after the grace period for the %s review", month)

    # -- the spotlight ----------------------------------------------------------
    def spotlight_entries(self, month: str) -> list[SpotlightEntry]:
        experts = {e.user_id: e for e in experts_db.list_experts(self.db)}
        top = [(u, n) for u, n in activity_db.top_answerers(self.db, month=month, limit=200) if u in experts]
        entries = []
        for user, answers in top[:SPOTLIGHT_SIZE]:
            links = []
            for best in activity_db.best_answers(self.db, user=user, month=month, limit=BEST_ANSWERS):
                link = self._permalink(best.channel, best.answer_ts, best.thread_ts)
                if link:
                    links.append(link)
            entries.append(SpotlightEntry(user, experts[user].certified, answers, links))
        return entries

    def _permalink(self, channel: str, ts: str, thread_ts: str) -> str | None:
        try:
            link = self.rt.gateway.call("chat.getPermalink", channel=channel, message_ts=ts).get("permalink")
            if isinstance(link, str) and link:
                return link
        except GatewayError as exc:
            log.info("no permalink for an answer (%s)", exc.error)
        base = self.rt.settings.config.community.workspace_url.rstrip("/")
        if base:
            return f"{base}/archives/{channel}/p{ts.replace('.', '')}?thread_ts={thread_ts}&cid={channel}"
        return None

    def run_spotlight(self) -> None:
        channel = self.config.spotlight_channel
        if not channel:
            return
        month = previous_month(self.current_month())
        db = self.db
        if not experts_db.claim_run(db, job="expert_spotlight", period=month, now=self.now()):
            return
        entries = self.spotlight_entries(month)
        if entries:
            text, blocks = expert_blocks.spotlight_message(month, entries)
            self.rt.gateway.enqueue(
                key=f"expert-spotlight:{month}",
                method="chat.postMessage",
                args={"channel": channel, "text": text, "blocks": blocks, "unfurl_links": False},
                purpose="expert_spotlight",
            )
        experts_db.finish_run(db, job="expert_spotlight", period=month, now=self.now())

    # -- /myactivity --------------------------------------------------------------
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
            timezone=self.rt.settings.config.community.timezone,
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

    # -- helpers ------------------------------------------------------------------
    def _dm(self, user: str, *, key: str, text: str, blocks: list[dict]) -> None:
        # chat.postMessage to a user ID posts in the app's DM with them.
        self.rt.gateway.enqueue(
            key=key,
            method="chat.postMessage",
            args={"channel": user, "text": text, "blocks": blocks},
            purpose="expert_dm",
        )
