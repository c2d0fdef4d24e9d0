"""The roster: who is an expert, kept in step with the configured Slack
user group both ways (moderators' adds and removals, the six-hourly sync,
subteam_members_changed)."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.services.experts.common import ExpertBase
from bot.slack.gateway import GatewayError
from storage import activity as activity_db
from storage import experts as experts_db
from storage.db import transaction

log = logging.getLogger("modbot.experts")

# A manual expert whose user-group addition may still be in the outbox is
# not removed by a sync that ran before it was made.
SYNC_SETTLE_SECONDS = 300


@dataclass(frozen=True)
class RosterEntry:
    user: str
    certified: bool
    status: str
    answers_this_month: int


class Roster(ExpertBase):
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
        return [u for u in self.gateway.call("usergroups.users.list", usergroup=group).get("users") or [] if isinstance(u, str)]

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
        self.gateway.enqueue(
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
