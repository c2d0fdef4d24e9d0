"""Intake: each message the bot sees, checked by the policies and opened as
a case when a finding asks for it; and profile changes that look like a
staff member's name."""
from __future__ import annotations

import re

import policies
from bot.services.cases.card import CardService
from bot.services.cases.common import SYSTEM, CaseService, short_hash
from bot.services.cases.floods import FloodService
from bot.services.cases.removal import RemovalService
from bot.services.cases.suspensions import SuspensionService
from bot.services.messages import SeenMessage
from bot.services.people import policy_role
from bot.services.rule_quality import RuleQuality, trusted_rules
from bot.slack import blocks as bk
from bot.slack.effects import About, ThreadPost
from storage import cases as cases_db
from storage import sanctions as sanctions_db
from storage.activity import SqliteActivity


_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{6,}")


def _names_channels(config) -> bool:
    """Does a setting key a channel by name rather than by id?"""
    keys = [*config.channels, *(config.policies.channels if config.policies else ())]
    return any(not _CHANNEL_ID.fullmatch(str(k)) for k in keys)


class IntakeService(CaseService):
    def __init__(self, *, card: CardService, removal: RemovalService, suspensions: SuspensionService,
                 quality: RuleQuality, floods: FloodService, **base):
        super().__init__(**base)
        self.quality = quality
        self.card = card
        self.floods = floods
        self.removal = removal
        self.suspensions = suspensions

    def on_message(self, m: SeenMessage) -> None:
        if m.kind == "deleted":
            self.removal.message_gone(m)
            return
        if not m.user or m.channel == self.mod_channel or m.channel.startswith("D") or m.channel_type == "im":
            return
        if m.kind in ("new", "thread_broadcast"):
            suspension = sanctions_db.active_suspension(self.db, user_id=m.user, now=self.now())
            if suspension is not None:
                self.suspensions.enforce(m, suspension)
                return
        # modbot.toml's policies with the overrides moderators applied (read
        # per message, so an applied suggestion holds from the next one).
        policy_config = self.quality.policy_config(self.settings.config.policies)
        findings = self._evaluate(m, policy_config)
        acted = [f for f in findings if not f.shadow and f.action in ("route", "remove")]
        for f in findings:
            if f.shadow or f.action == "log":
                self.audit(actor=SYSTEM, action="finding_shadow" if f.shadow else "finding_logged", case_id=None,
                           detail={"channel": m.channel, "ts": m.ts, "rule": f.rule, "score": f.score,
                                   "would": f.action})
        if m.kind in ("new", "thread_broadcast") and self.floods.raid(m, acted, masking=findings):
            return
        if not acted or self.floods.is_flood(acted):
            # A flood's message joins its author's flood case; so, in slow
            # mode, does each of their messages until a moderator decides.
            if acted or (m.kind in ("new", "thread_broadcast") and self.floods.slowed_case(m.user) is not None):
                self.floods.join(m, acted, masking=findings)
            return
        severity = max((f.severity for f in acted), key=cases_db.SEVERITY_ORDER.index)
        excerpt = self.mask(policies.mask(m.text, findings))
        case, created = cases_db.open_case(self.db, channel=m.channel, ts=m.ts, author=m.user, source="auto",
                                           excerpt_masked=excerpt, severity=severity, now=self.now())
        known = {f.rule for f in cases_db.findings(self.db, case.id)}
        new = cases_db.add_findings(self.db, case.id, acted, message_version=short_hash(m.text), now=self.now())
        if {f.rule for f in acted} - known:
            case = self.reopen_if_dismissed(case, why="the message now has something new (" +
                                            ", ".join(sorted({f.rule for f in acted} - known)) + ")")
        if created or new:
            self.audit(actor=SYSTEM, action="case_opened" if created else "findings_added", case_id=case.id,
                       detail={"rules": sorted({f.rule for f in acted}), "max_score": max(f.score for f in acted)})
        # On a replay (the process died after recording) what follows runs
        # again: each step is keyed or conditional, so it happens once.
        # Removed at once: what the config says to remove, scored with high
        # confidence, and severe (a card number, a token, a threat), not a
        # phone number or an email, which moderators review first.
        # A rule the moderators trusted (an applied suggestion, App Home)
        # removes whatever its severity.
        trusted = trusted_rules(policy_config)
        severe = [f for f in acted if f.action == "remove" and (f.rule in trusted or (
            f.score >= self.cfg.auto_remove_min_score and f.severity in ("high", "critical")))]
        if severe and case.removal == "none":
            self.removal.remove(case, by=SYSTEM, reason="auto")
        self.card.publish(case.id)

    def _evaluate(self, m: SeenMessage, policy_config: policies.PolicyConfig) -> list:
        person = self.people.person(m.user)
        role = self.people.role_of(m.user)
        config = self.settings.config
        # Settings may name a channel rather than give its id, as the offline
        # audit allows: ask Slack for the name only when some setting needs it.
        name = self.people.channel_name(m.channel) if _names_channels(config) else ""
        channel_cfg = config.channels.get(m.channel) or (config.channels.get(name) if name else None)
        context = policies.Context(
            channel_name=name,
            user_groups=self.people.groups_of(m.user) if config.policies and config.policies.exempt_groups else (),
            channel_topic=channel_cfg.topic if channel_cfg else "",
            author_role=self.people.policy_role_of(m.user),
            display_name=person.display_name if person else "",
            real_name=person.real_name if person else "",
            account_age_days=self.people.account_age_days(m.user),
            # A flood a moderator dismissed no longer counts against its author.
            activity=SqliteActivity(self.db, cleared=self.floods.cleared_activity(m.user)),
            now=float(m.ts) if m.ts.replace(".", "", 1).isdigit() else self.now(),
            staff_names=self.people.staff_names() if role not in ("moderator", "admin") else (),
        )
        message = policies.Message(text=m.text, channel=m.channel, user=m.user, ts=m.ts, thread_ts=m.thread_ts,
                                   files=m.files, attachments=m.attachments, edited=m.kind == "edited")
        return policies.evaluate(message, context, config=policy_config)

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
                                                 config=self.settings.config.policies)
                    if f.category == "impersonation" and not f.shadow and f.action != "ignore"]
        if not findings or not self.mod_channel:
            return
        names = f"{person.display_name}|{person.real_name}"
        lines = "\n".join(f"\u2022 `{f.rule}` score {f.score:.2f}: {bk.escape(f.explanation)}" for f in findings)
        self.gateway.perform(ThreadPost(
            channel=self.mod_channel, thread_ts=None, about=About.PROFILE_CHECK,
            ref=f"{person.user_id}:{short_hash(names)}",
            text=f":bust_in_silhouette: Profile check: <@{person.user_id}> changed their name.\n{lines}\n"
                 "Ask them to change it, or act from their next message's card."))
        self.audit(actor=SYSTEM, action="impersonation_profile", case_id=None,
                   detail={"user": person.user_id, "rules": [f.rule for f in findings]})
