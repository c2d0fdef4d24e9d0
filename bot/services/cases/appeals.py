"""Appeals: a member appeals a decision once, from the button in its DM; a
moderator other than the one who decided (and never the member) upholds or
reverses it in the case thread."""
from __future__ import annotations

from dataclasses import dataclass

from bot.faults import crash_point
from bot.services.cases import rules
from bot.services.cases.card import CardService
from bot.services.cases.common import SYSTEM, CaseService, as_id, Click, field_error, update_view
from bot.services.cases.suspensions import SuspensionService
from bot.slack.blocks import case_forms as forms
from bot.slack.blocks import member_dms as dms
from bot.slack.blocks import cases as cards
from bot.slack.effects import About, UpdateThreadPost, topic_id
from bot.slack.gateway import Outcome
from storage import cases as cases_db
from storage import sanctions as sanctions_db


APPEALABLE = ("warning", "suspension", "removal")


@dataclass(frozen=True)
class RemovalDecision:
    """A removal, seen as the decision a member may appeal (id: the case's)."""

    id: int
    user_id: str
    case_id: int
    issued_by: str
    days: int | None = None


class AppealService(CaseService):
    def __init__(self, *, card: CardService, suspensions: SuspensionService, **base):
        super().__init__(**base)
        self.card = card
        self.suspensions = suspensions

    def _decision(self, value: str | None, user: str):
        """(kind, decision, case) for an Appeal button value, only if `user` owns it."""
        kind, _, raw = (value or "").partition(":")
        decision_id = as_id(raw)
        if decision_id is None or kind not in APPEALABLE:
            return None
        decision = self._get_decision(kind, decision_id)
        if decision is None or decision.user_id != user or decision.case_id is None:
            return None
        case = cases_db.get(self.db, decision.case_id)
        return (kind, decision, case) if case else None

    def _get_decision(self, kind: str, decision_id: int):
        """The warning, suspension or removal an appeal is about."""
        if kind == "removal":
            case = cases_db.get(self.db, decision_id)
            if case is None or case.removal != "done" or not case.author:
                return None
            return RemovalDecision(id=case.id, user_id=case.author, case_id=case.id,
                                   issued_by=case.removed_by or SYSTEM)
        get = sanctions_db.get_warning if kind == "warning" else sanctions_db.get_suspension
        return get(self.db, decision_id)

    @staticmethod
    def _what(kind: str, decision, *, member_view: bool = True) -> str:
        if kind == "warning":
            return "the warning you received" if member_view else "their warning"
        if kind == "removal":
            return "the removal of your message" if member_view else "the removal of their message"
        what = "suspension" if decision.days else "permanent suspension"
        return ("your " if member_view else "their ") + what

    def open_appeal(self, *, user: str, value: str | None, trigger_id: str | None) -> None:
        found = self._decision(value, user)
        if found is None:
            self.audit(actor=user, action="refused:appeal", case_id=None, detail={"value": (value or "")[:40]},
                       outcome="not_the_member")
            self.open_view(trigger_id, forms.notice_view("Appeal", "This appeal button is not for you."))
            return
        kind, decision, case = found
        existing = sanctions_db.appeal_for(self.db, decision_kind=kind, decision_id=decision.id)
        if existing is not None:
            state = f"It was {existing.outcome}." if existing.outcome else "A moderator will answer you."
            self.open_view(trigger_id, forms.notice_view("Appeal", f"You have already appealed this decision. {state}"))
            return
        self.open_view(trigger_id, forms.appeal_modal(what=self._what(kind, decision),
                                                      private_metadata=f"{kind}:{decision.id}"))

    def _reviewer(self, decided_by: str, appellant: str, salt: int) -> str | None:
        """A moderator who neither made the decision nor appealed it."""
        others = sorted(m for m in self.people.moderators() if m not in (decided_by, appellant))
        return others[salt % len(others)] if others else None

    def submit_appeal(self, *, user: str, private_metadata: str, text: str | None) -> dict:
        found = self._decision(private_metadata, user)
        if found is None:
            return update_view("Appeal", "This appeal is not yours to make.")
        text = (text or "").strip()
        if len(text) < 10:
            return field_error(forms.B_APPEAL, "Tell the moderators a little more (10 characters or more).")
        kind, decision, case = found
        decided_by = decision.issued_by
        reviewer = self._reviewer(decided_by, user, decision.id)
        # The appeal and its post in the case thread (which asks a moderator
        # to review it) in one transaction: a second submission is refused
        # once the appeal is recorded, so an appeal on disk without its post
        # would never be seen. Only database writes in here.
        with self.recording():
            appeal_id = sanctions_db.add_appeal(self.db, case_id=case.id, user_id=user, decision_kind=kind,
                                                decision_id=decision.id, text=text, reviewer=reviewer, now=self.now())
            if appeal_id is None:
                return update_view("Appeal", "You have already appealed this decision.")
            crash_point("appeal_recorded")
            msg_text, blocks = cards.appeal_thread_message(
                case_number=case.id, member=user, what=self._what(kind, decision, member_view=False),
                decided_by=decided_by, reviewer=reviewer, text_masked=self.mask(text), appeal_id=appeal_id)
            self.thread(case, about=About.APPEAL, ref=str(appeal_id), text=msg_text, blocks=blocks)
            self.audit(actor=user, action="appeal", case_id=case.id, detail={"appeal": appeal_id, "kind": kind,
                                                                              "reviewer": reviewer})
        self.card.publish(case.id)
        return update_view("Appeal sent", "Your appeal is with the moderators. A moderator who did not make the decision "
                                           "will review it, and modbot will tell you the outcome here.")

    def appeal_posted(self, outcome: Outcome) -> None:
        self.card.side_effect_result(outcome)
        if not outcome.ok:
            return
        appeal_id = topic_id(outcome.item.topic, "appeal")
        result = outcome.result or {}
        if appeal_id is not None and result.get("ts"):
            sanctions_db.set_appeal_message(self.db, appeal_id, channel=result.get("channel") or outcome.item.args["channel"],
                                            ts=result["ts"])

    def decide_appeal(self, *, outcome: str, click: Click) -> None:
        appeal = None
        if as_id(click.value) is not None:
            candidate = sanctions_db.get_appeal(self.db, as_id(click.value))
            # The button must sit on the message the appeal was posted as.
            if candidate and candidate.message_channel == click.channel and candidate.message_ts == click.message_ts:
                appeal = candidate
        if not self.authorise(click.user, action=f"appeal_{outcome}", case_id=appeal.case_id if appeal else None,
                              click=click):
            return
        if appeal is None:
            self.reply(click, "modbot cannot find this appeal.")
            return
        kind = appeal.decision_kind
        decision = self._get_decision(kind, appeal.decision_id)
        others = [m for m in self.people.moderators() if m not in (decision.issued_by, appeal.user_id)]
        if not rules.may_decide_appeal(user=click.user, appellant=appeal.user_id, decided_by=decision.issued_by,
                                       other_moderators=len(others)):
            own = click.user == appeal.user_id
            self.audit(actor=click.user, action=f"refused:appeal_{outcome}", case_id=appeal.case_id,
                       outcome="own_appeal" if own else "own_decision")
            self.reply(click, "This is your own appeal: another moderator reviews it." if own else
                       "You made this decision, so another moderator should review the appeal.")
            return
        now = self.now()
        # The decision, what it undoes and what it tells (the member's DM,
        # the appeal's post updated) in one transaction: a second click is
        # refused once the decision is recorded, so a decision on disk
        # without its DM would leave the member never told.
        with self.recording():
            won = sanctions_db.decide_appeal(self.db, appeal.id, outcome=outcome, by=click.user, now=now)
            if won:
                crash_point("appeal_decided")
                self._carry_out_appeal(appeal, decision, outcome=outcome, by=click.user, now=now)
        if not won:
            fresh = sanctions_db.get_appeal(self.db, appeal.id)
            self.reply(click, f"This appeal was already {fresh.outcome} by <@{fresh.decided_by}>.")
            return
        self.card.publish(appeal.case_id)

    def _carry_out_appeal(self, appeal, decision, *, outcome: str, by: str, now: float) -> None:
        """A decided appeal: a reversal undoes the decision (and drops its
        unsent calls); either way the member is told and the appeal's post
        shows the outcome. Database writes only: the caller's transaction."""
        kind = appeal.decision_kind
        if outcome == "reversed":
            if kind == "warning":
                sanctions_db.revoke_warning(self.db, decision.id, by=by, now=now)
                self.suspensions.drop_obsolete(warning_id=decision.id)
            elif kind == "removal":
                cases_db.reverse_removal(self.db, decision.id, by=by, now=now)
            else:
                sanctions_db.lift_suspension(self.db, decision.id, by=f"appeal:{appeal.id}", now=now)
                self.suspensions.drop_obsolete(suspension_id=decision.id)
        removal = kind == "removal"
        self.dm(appeal.user_id, about=About.APPEAL_OUTCOME, ref=appeal.id, case_id=appeal.case_id,
                text=dms.appeal_outcome_dm(what=self._what(kind, decision), outcome=outcome, removal=removal))
        note = (" Slack cannot restore the message: the removal no longer counts against them."
                if removal and outcome == "reversed" else "")
        text, blocks = cards.appeal_decided_message(case_number=appeal.case_id, member=appeal.user_id,
                                                    what=self._what(kind, decision, member_view=False),
                                                    outcome=outcome, by=by, text_masked=self.mask(appeal.text),
                                                    note=note)
        if appeal.message_channel and appeal.message_ts:
            self.gateway.perform(UpdateThreadPost(case_id=appeal.case_id, channel=appeal.message_channel,
                                                  ts=appeal.message_ts, about=About.APPEAL_DECIDED, ref=str(appeal.id),
                                                  text=text, blocks=blocks))
        self.audit(actor=by, action=f"appeal_{outcome}", case_id=appeal.case_id, detail={"appeal": appeal.id})
        cases_db.touch(self.db, appeal.case_id, now=now)
