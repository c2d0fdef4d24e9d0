"""A moderator's decisions on a case: the Warn, Suspend and Add note modals,
and their submissions (claim the case, record the sanction and queue what it
stands for, all in one transaction)."""
from __future__ import annotations

import json

import policies
from bot.faults import crash_point
from bot.services.cases import rules
from bot.services.cases.card import CardService
from bot.services.cases.common import CASE_GONE, CaseService, Click, as_id, field_error, handled_view, update_view
from bot.services.cases.removal import RemovalService
from bot.services.cases.suspensions import SuspensionService
from bot.slack.blocks import case_forms as forms
from bot.slack.blocks import member_dms as dms
from bot.slack.blocks import cases as cards
from bot.slack.effects import About, Kick
from storage import cases as cases_db
from storage import sanctions as sanctions_db


class DecisionService(CaseService):
    def __init__(self, *, card: CardService, removal: RemovalService, suspensions: SuspensionService, **base):
        super().__init__(**base)
        self.card = card
        self.removal = removal
        self.suspensions = suspensions

    def still_open(self, case: cases_db.Case, click: Click) -> bool:
        if case.is_open:
            return True
        self.reply(click, cards.handled_text(case.id, case.handled_action, case.handled_by))
        return False

    def case_from_meta(self, private_metadata: str) -> cases_db.Case | None:
        try:
            meta = json.loads(private_metadata or "{}")
        except ValueError:
            return None
        case_id = as_id(meta.get("case")) if isinstance(meta, dict) else None
        return cases_db.get(self.db, case_id) if case_id is not None else None

    def open_warn(self, case: cases_db.Case, click: Click) -> None:
        if not self.still_open(case, click):
            return
        category = self.main_category(case)
        labels = self.category_labels()  # a category's guideline title, or its name
        title = labels.get(category, category)
        community = self.settings.config.community.name
        channel = self.people.channel_name(case.channel) or case.channel  # cached; asked of Slack once
        message = (f"Hello. Your message in #{channel} goes against our guideline "
                   f"\u201c{title}\u201d. Please read it below and keep it in mind; "
                   f"another message like this may lead to a suspension from {community}.")
        view = forms.warn_modal(case_number=case.id, guidelines=[(c, l) for c, l in labels.items() if c != cards.OTHER_REASON],
                                guideline=category, message=message, private_metadata=json.dumps({"case": case.id}),
                                offer_remove=case.removal in ("none", "failed"))
        self.open_view(click.trigger_id, view)

    def open_suspend(self, case: cases_db.Case, click: Click) -> None:
        if not self.still_open(case, click):
            return
        suggested, why = self.suspensions.suggested_duration(case.author or "")
        category = self.main_category(case)
        section = self.guideline(category)
        title = section.title if section else category
        reason = f"Your message broke our guideline \u201c{title}\u201d."
        view = forms.suspend_modal(case_number=case.id, steps=sorted(set(int(s) for s in self.cfg.suspension_steps),
                                                                        key=lambda s: (s == 0, s)),
                                   suggested=suggested, history=why, reason=reason,
                                   private_metadata=json.dumps({"case": case.id}),
                                   offer_remove=case.removal in ("none", "failed"), kick_channels=list(self.cfg.kick_channels))
        self.open_view(click.trigger_id, view)

    def open_note(self, case: cases_db.Case, click: Click) -> None:
        self.open_view(click.trigger_id, forms.note_modal(case_number=case.id, private_metadata=json.dumps({"case": case.id})))

    def _submit_guard(self, user: str, case: cases_db.Case | None, action: str, block: str) -> dict | None:
        if case is None:
            return update_view("Case", CASE_GONE)
        if not self.authorise(user, action=action, case_id=case.id):
            return field_error(block, cards.refusal_text(action))
        if not case.is_open:
            return handled_view(case)
        state = rules.CaseState.of(case)
        if not rules.may(rules.Action(action), state, rules.Actor(user)) and rules.may(rules.Action(action), state):
            self.audit(actor=user, action=f"refused:{action}", case_id=case.id, outcome="own_case")
            return field_error(block, "This case is about your own message, so another moderator decides it.")
        return None

    def _targets(self, case: cases_db.Case) -> list[str]:
        """Whom a warning or suspension is for: the author, or every account of a raid (one action for all)."""
        if case.kind == "raid":
            return list(cases_db.group_summary(self.db, case.id).authors)
        return [case.author or ""]

    def _decide(self, case: cases_db.Case, *, action: str, user: str, now: float, act) -> bool:
        """Claim the case's decision and, in the same transaction, `act()`:
        record the sanction and queue what it stands for (the member's DM,
        kicks, the audit entry, "also remove"). False, audited, when another
        decision won.

        One transaction because a second submission is answered "already
        handled" once the claim is on disk: a claim without the rest would
        mean the member is never told and the message never removed. Only
        database writes in `act()`; the outbox makes the Slack calls once
        this has committed, and the card is published after it."""
        with self.recording():
            won = cases_db.claim_decision(self.db, case.id, action=action, by=user, now=now)
            if won:
                crash_point("decision_claimed")
                act()
        if not won:
            self.audit(actor=user, action=action, case_id=case.id, outcome="already_handled")
            return False
        self.card.publish(case.id)
        return True

    def _also_remove(self, case: cases_db.Case, user: str) -> None:
        if case.removal in ("none", "failed"):
            self.removal.remove(cases_db.get(self.db, case.id), by=user, reason="moderator")

    def submit_warn(self, *, user: str, private_metadata: str, guideline: str | None, message: str | None,
                    also_remove: bool) -> dict | None:
        case = self.case_from_meta(private_metadata)
        guard = self._submit_guard(user, case, "warn", forms.B_MESSAGE)
        if guard:
            return guard
        message = (message or "").strip()
        if not message:
            return field_error(forms.B_MESSAGE, "Write a message to the author.")
        if guideline not in policies.CATEGORIES:
            return field_error(forms.B_GUIDELINE, "Choose a guideline from the list.")
        now = self.now()
        expires_at = now + self.cfg.warning_expiry_days * 86400
        section = self.guideline(guideline)
        targets = self._targets(case)

        def act() -> None:
            warnings = [sanctions_db.add_warning(
                self.db, user_id=target, case_id=case.id, guideline=guideline, message=message, issued_by=user,
                now=now, expires_at=expires_at) for target in targets]
            for wid, target in zip(warnings, targets):
                text, blocks = dms.warning_dm(
                    community=self.settings.config.community.name, channel=case.channel,
                    guideline_title=section.title if section else guideline,
                    guideline_text=section.text if section else "",
                    message=message, expires_at=expires_at, appeal_value=f"warning:{wid}")
                self.dm(target or None, about=About.WARNING, ref=wid, text=text, blocks=blocks, case_id=case.id)
            self.audit(actor=user, action="warn", case_id=case.id, detail={"warning": warnings[0], "guideline": guideline})
            if also_remove:
                self._also_remove(case, user)

        if not self._decide(case, action="warn", user=user, now=now, act=act):
            return handled_view(cases_db.get(self.db, case.id))
        return None

    def submit_suspend(self, *, user: str, private_metadata: str, duration: str | None, reason: str | None,
                       also_remove: bool, kick: bool) -> dict | None:
        case = self.case_from_meta(private_metadata)
        guard = self._submit_guard(user, case, "suspend", forms.B_MESSAGE)
        if guard:
            return guard
        steps = {int(s) for s in self.cfg.suspension_steps}
        try:
            days = int(duration or "")
        except ValueError:
            days = -1
        if days not in steps:
            return field_error(forms.B_DURATION, "Choose a duration from the list.")
        reason = (reason or "").strip()
        if not reason:
            return field_error(forms.B_MESSAGE, "Give the member a reason.")
        now = self.now()
        targets = self._targets(case)

        def act() -> None:
            for target in targets:
                sid = sanctions_db.add_suspension(self.db, user_id=target, case_id=case.id, reason=reason,
                                                  days=days or None, issued_by=user, now=now)
                crash_point("suspension_recorded")
                suspension = sanctions_db.get_suspension(self.db, sid)
                kicked = [c for c in self.cfg.kick_channels if str(c)[:1] in ("C", "G")] if kick and target else []
                for channel in kicked:
                    self.gateway.perform(Kick(case_id=case.id, channel=channel, user=target, suspension_id=sid))
                text, blocks = dms.suspension_dm(community=self.settings.config.community.name,
                                                 ends_at=suspension.ends_at, reason=reason, channels_left=kicked,
                                                 appeal_value=f"suspension:{sid}",
                                                 removes_posts=self.gateway.has_admin)
                self.dm(target or None, about=About.SUSPENSION, ref=sid, text=text, blocks=blocks, case_id=case.id)
                self.audit(actor=user, action="suspend", case_id=case.id,
                           detail={"suspension": sid, "days": days or None, "kicked": kicked})
            if also_remove:
                self._also_remove(case, user)

        if not self._decide(case, action="suspend", user=user, now=now, act=act):
            return handled_view(cases_db.get(self.db, case.id))
        return None

    def submit_note(self, *, user: str, private_metadata: str, note: str | None, view_id: str) -> dict | None:
        case = self.case_from_meta(private_metadata)
        if case is None:
            return update_view("Case", CASE_GONE)
        if not self.authorise(user, action="add_note", case_id=case.id):
            return field_error(forms.B_NOTE, cards.refusal_text("add notes"))
        note = (note or "").strip()
        if not note:
            return field_error(forms.B_NOTE, "Write a note.")
        self.thread(case, about=About.NOTE, ref=f"{case.id}:{view_id}", text=cards.note_message(by=user, text_masked=self.mask(note)))
        cases_db.add_note(self.db, case.id, now=self.now())
        self.audit(actor=user, action="note", case_id=case.id)
        self.card.publish(case.id)
        return None
