"""Who someone is, as far as moderation cares: a moderator (a member of
MODBOT_MOD_CHANNEL), an admin, an employee, an expert, a new member or a
member.

Slack answers are cached for a short time (moderator_cache_seconds for the
moderator list, the same for profiles), measured on the injected clock. When
Slack cannot be asked, the last known list is used; with none, nobody is a
moderator (refusing a click is safer than allowing one). Someone joining or
leaving the moderator channel makes the next check ask Slack again, so their
rights change at once rather than when the cache runs out.

Every cache here is bounded: one moderator list, one employee list, and at
most PROFILE_CACHE_SIZE profiles (least recently used dropped first).
"""
from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass

from cachetools import LRUCache

from bot.runtime import Modbot
from bot.slack.gateway import GatewayError
from storage import people as people_db

log = logging.getLogger("modbot.people")

# Profiles kept in memory, one per member seen. Slack delivers at most 30,000
# events an hour to a workspace, so fewer than 2,500 members can post within
# one PROFILE_MIN_TTL: a profile dropped for room would have expired anyway.
# A profile costs well under 1 KB here (about 540 bytes measured), so the
# cache stays under ~8 MB however many members a workspace has.
PROFILE_CACHE_SIZE = 8_192
# A profile, and the employee user group's list, are asked of Slack again
# after this many seconds at the least (or moderator_cache_seconds, when
# that is longer).
PROFILE_MIN_TTL = 300.0
# Channel names, for settings keyed by name (a workspace has at most a few
# thousand public channels; 50 bytes an entry).
CHANNEL_NAME_CACHE_SIZE = 4_096


@dataclass(frozen=True)
class Person:
    user_id: str
    display_name: str
    real_name: str
    email_domain: str
    is_admin: bool
    is_bot: bool
    deleted: bool


class PeopleService:
    def __init__(self, rt: Modbot):
        self.rt = rt
        self._lock = threading.Lock()  # guards every cache below (LRUCache is not thread-safe)
        self._moderators: tuple[float, frozenset[str]] | None = None
        # Bumped when the moderator channel's membership changes, so that a
        # list fetched from Slack before the change is not stored after it.
        self._moderators_generation = 0
        self._profiles: LRUCache[str, tuple[float, Person]] = LRUCache(maxsize=PROFILE_CACHE_SIZE)
        self._employees: tuple[float, frozenset[str]] | None = None
        self._staff: tuple[float, tuple[str, ...]] | None = None  # names of admins and employees, from users.list
        self._groups: tuple[float, dict[str, tuple[str, ...]]] | None = None  # member -> group ids and handles
        self._channel_names: LRUCache[str, tuple[float, str]] = LRUCache(maxsize=CHANNEL_NAME_CACHE_SIZE)
        self._bot_user: str | None = None

    @property
    def _ttl(self) -> float:
        return float(self.rt.settings.config.moderation.moderator_cache_seconds)

    # -- moderators ---------------------------------------------------------
    def moderators(self) -> frozenset[str]:
        now = self.rt.clock.now()
        with self._lock:
            cached = self._moderators
            generation = self._moderators_generation
        if cached and now - cached[0] < self._ttl:
            return cached[1]
        channel = self.rt.settings.modbot_mod_channel
        if not channel:
            return frozenset()
        members: list[str] = []
        cursor = None
        try:
            while True:
                page = self.rt.gateway.call("conversations.members", channel=channel, limit=200, cursor=cursor)
                members += [m for m in page.get("members") or [] if isinstance(m, str)]
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        except GatewayError as exc:
            log.warning("could not list moderators (%s); using the last known list", exc.error)
            return cached[1] if cached else frozenset()
        found = frozenset(m for m in members if m != self.bot_user_id())
        with self._lock:
            if self._moderators_generation == generation:
                self._moderators = (now, found)
        return found

    def on_membership_change(self, *, user: str, channel: str, joined: bool) -> None:
        """Someone joined or left a channel. For the moderator channel, the
        cached list is marked stale, so the next check asks Slack: a new
        moderator can act at once, and one who left is refused at once. The
        stale list is kept (without a leaver) for when Slack cannot be asked."""
        if not channel or channel != self.rt.settings.modbot_mod_channel:
            return
        with self._lock:
            self._moderators_generation += 1
            cached = self._moderators
            if cached is not None:
                kept = cached[1] if joined else cached[1] - {user}
                self._moderators = (-math.inf, kept)

    def bot_user_id(self) -> str:
        """The app's own user (a member of the moderator channel, not a moderator)."""
        if self._bot_user is None:
            try:
                self._bot_user = str(self.rt.gateway.call("auth.test").get("user_id") or "")
            except GatewayError as exc:
                log.warning("auth.test failed (%s)", exc.error)
                return ""
        return self._bot_user

    def is_moderator(self, user_id: str) -> bool:
        return bool(user_id) and user_id in self.moderators()

    # -- profiles -----------------------------------------------------------
    def person(self, user_id: str) -> Person | None:
        now = self.rt.clock.now()
        with self._lock:
            cached = self._profiles.get(user_id)
        if cached and now - cached[0] < max(self._ttl, PROFILE_MIN_TTL):
            return cached[1]
        try:
            user = self.rt.gateway.call("users.info", user=user_id).get("user") or {}
        except GatewayError as exc:
            log.warning("users.info failed for a member (%s)", exc.error)
            return cached[1] if cached else None
        person = to_person(user)
        with self._lock:
            self._profiles[user_id] = (now, person)
        return person

    def remember_profile(self, user: dict) -> Person:
        """A fresher profile from a user_change or team_join event."""
        person = to_person(user)
        with self._lock:
            self._profiles[person.user_id] = (self.rt.clock.now(), person)
        return person

    def _employee_group(self) -> frozenset[str]:
        group = self.rt.settings.config.experts.employee_usergroup
        if not group:
            return frozenset()
        now = self.rt.clock.now()
        with self._lock:
            cached = self._employees
        if cached and now - cached[0] < max(self._ttl, PROFILE_MIN_TTL):
            return cached[1]
        try:
            users = frozenset(self.rt.gateway.call("usergroups.users.list", usergroup=group).get("users") or [])
        except GatewayError as exc:
            log.warning("could not list the employee group (%s)", exc.error)
            return cached[1] if cached else frozenset()
        with self._lock:
            self._employees = (now, users)
        return users

    def is_employee(self, user_id: str) -> bool:
        """Staff of the company behind the community (whatever their role
        here): by email domain, or a member of the employee user group."""
        return self._is_employee(user_id, self.person(user_id))

    def _is_employee(self, user_id: str, person: Person | None) -> bool:
        domains = self._employee_domains()
        if person is not None and person.email_domain and person.email_domain in domains:
            return True
        return user_id in self._employee_group()

    def account_age_days(self, user_id: str) -> float | None:
        """Days since the member joined, from the members table (team_join);
        None when unknown, which counts as established. Slack's users.info has
        no creation date, so nothing better is available without a scan."""
        joined = people_db.joined_at(self.rt.store.db, user_id)
        if joined is None:
            return None
        return max(0.0, (self.rt.clock.now() - joined) / 86400)

    def role_of(self, user_id: str) -> str:
        """The strongest role: admin > moderator > employee > expert > member
        (new_member when they joined less than new_member_days ago)."""
        person = self.person(user_id)
        if person is not None and person.is_admin:
            return "admin"
        if self.is_moderator(user_id):
            return "moderator"
        if self._is_employee(user_id, person):
            return "employee"
        if people_db.is_expert(self.rt.store.db, user_id):
            return "expert"
        age = self.account_age_days(user_id)
        if age is not None and age < self.rt.settings.config.moderation.new_member_days:
            return "new_member"
        return "member"

    def _fresh(self, cached) -> bool:
        return bool(cached) and self.rt.clock.now() - cached[0] < max(self._ttl, PROFILE_MIN_TTL)

    def channel_name(self, channel_id: str) -> str:
        """The channel's name (without #), "" when Slack cannot say."""
        with self._lock:
            cached = self._channel_names.get(channel_id)
        if self._fresh(cached):
            return cached[1]
        try:
            name = str((self.rt.gateway.call("conversations.info", channel=channel_id).get("channel") or {})
                       .get("name") or "")
        except GatewayError as exc:
            log.info("conversations.info failed (%s)", exc.error)
            return cached[1] if cached else ""
        with self._lock:
            self._channel_names[channel_id] = (self.rt.clock.now(), name)
        return name

    def groups_of(self, user_id: str) -> tuple[str, ...]:
        """The user groups `user_id` belongs to, each by id and by handle
        (settings may name either). Slack has no per-member call, so one
        usergroups.list with members is kept as long as a profile."""
        with self._lock:
            cached = self._groups
        if not self._fresh(cached):
            try:
                listed = self.rt.gateway.call("usergroups.list", include_users=True).get("usergroups") or []
            except GatewayError as exc:
                log.warning("could not list user groups (%s)", exc.error)
                listed = None
            if listed is not None:
                members: dict[str, list[str]] = {}
                for g in listed:
                    if not isinstance(g, dict) or g.get("date_delete"):
                        continue
                    names = [str(x) for x in (g.get("id"), g.get("handle")) if x]
                    for uid in g.get("users") or []:
                        members.setdefault(str(uid), []).extend(names)
                cached = (self.rt.clock.now(), {u: tuple(n) for u, n in members.items()})
                with self._lock:
                    self._groups = cached
        return cached[1].get(user_id, ()) if cached else ()

    def policy_role_of(self, user_id: str) -> str:
        """The role the policies see. Among staff roles the policies differ
        only in the stricter customer-data check for employees, so an
        employee who is also a moderator or an admin is checked as one."""
        role = self.role_of(user_id)
        if role in ("moderator", "admin") and self.is_employee(user_id):
            return "employee"
        return policy_role(role)

    def staff_names(self) -> tuple[str, ...]:
        """Names of staff, for impersonation checks: moderators, admins and
        employees (by email domain or the employee user group). Admins and
        domain employees come from the hourly `refresh_staff` walk of the
        member list and from every profile seen since, so a check never
        waits on a walk of the whole workspace."""
        names: list[str] = []
        for uid in sorted(self.moderators() | self._employee_group()):
            p = self.person(uid)
            if p is not None and not p.is_bot and not p.deleted:
                names.extend(n for n in (p.display_name, p.real_name) if n)
        with self._lock:
            walked = self._staff[1] if self._staff else ()
            seen = [p for _, p in self._profiles.values()]
        names.extend(walked)
        domains = self._employee_domains()
        for p in seen:
            if not p.is_bot and not p.deleted and (p.is_admin or p.email_domain in domains):
                names.extend(n for n in (p.display_name, p.real_name) if n)
        return tuple(dict.fromkeys(names))

    def _employee_domains(self) -> set[str]:
        return {d.lower().lstrip("@") for d in self.rt.settings.config.experts.employee_email_domains}

    def refresh_staff(self) -> int:
        """The scheduled job (hourly, and at start-up): names of admins,
        owners and members with an employee email domain, from one walk of
        users.list. Returns how many names; keeps the last list when Slack
        cannot be asked."""
        domains = self._employee_domains()
        names: list[str] = []
        cursor = None
        try:
            while True:
                page = self.rt.gateway.call("users.list", limit=200, cursor=cursor)
                for user in page.get("members") or []:
                    p = to_person(user) if isinstance(user, dict) else None
                    if p is None or p.is_bot or p.deleted or not (p.is_admin or p.email_domain in domains):
                        continue
                    names.extend(n for n in (p.display_name, p.real_name) if n)
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        except GatewayError as exc:
            log.warning("could not list staff (%s); keeping the last known list", exc.error)
            return 0
        found = tuple(dict.fromkeys(names))
        with self._lock:
            self._staff = (self.rt.clock.now(), found)
        return len(found)


def to_person(user: dict) -> Person:
    profile = user.get("profile") or {}
    email = str(profile.get("email") or "")
    return Person(
        user_id=str(user.get("id") or ""),
        display_name=str(profile.get("display_name") or ""),
        real_name=str(profile.get("real_name") or user.get("real_name") or ""),
        email_domain=email.rpartition("@")[2].lower() if "@" in email else "",
        is_admin=bool(user.get("is_admin") or user.get("is_owner")),
        is_bot=bool(user.get("is_bot")),
        deleted=bool(user.get("deleted")),
    )


def policy_role(role: str) -> str:
    """policies.Context knows no new_member: age is given separately."""
    return "member" if role == "new_member" else role
