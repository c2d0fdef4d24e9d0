"""A moderator's click on a case card: find the case by where the card is,
check the rules (bot/services/cases/rules.py), then hand over."""
from __future__ import annotations

from bot.faults import crash_point
from bot.services.cases import rules
from bot.services.cases.card import CardService
from bot.services.cases.common import CaseService, Click, as_id
from bot.services.cases.decisions import DecisionService
from bot.services.cases.floods import FloodService
from bot.services.cases.removal import RemovalService
from bot.slack.blocks import cases as cards
from bot.slack.effects import About, Kind
from bot.slack.gateway import GatewayError
from storage import cases as cases_db
from storage import messages as messages_db
from storage import outbox as outbox_db
from storage import transaction


class ClickService(CaseService):
    def __init__(self, *, card: CardService, removal: RemovalService, decisions: DecisionService,
                 floods: FloodService, **base):
        super().__init__(**base)
        self.card = card
        self.removal = removal
        self.decisions = decisions
        self.floods = floods

    def case_for_click(self, click: Click) -> cases_db.Case | None:
        """The case a card button belongs to: found by where the card is, never
        by the button's value alone."""
        case = None
        if click.channel and click.message_ts:
            case = cases_db.for_card(self.db, channel=click.channel, ts=click.message_ts)
        if case is None and as_id(click.value) is not None and click.in_home:
            # App Home is a view modbot published for this moderator only;
            # the rules are checked for the case all the same.
            case = cases_db.get(self.db, as_id(click.value))
        elif case is None and as_id(click.value) is not None and click.channel == self.mod_channel:
            candidate = cases_db.get(self.db, as_id(click.value))
            if candidate is not None and candidate.card_ts in (None, click.message_ts):
                case = candidate
        return case

    def click(self, action: str, click: Click) -> None:
        case = self.case_for_click(click)
        if not self.authorise(click.user, action=action, case_id=case.id if case else None, click=click):
            return
        if case is None:
            self.reply(click, "modbot cannot find the case for this card.")
            return
        try:
            wanted = rules.Action(action)
        except ValueError:
            return
        if not rules.may(wanted, self.state_of(case), rules.Actor(click.user)):
            self._refuse(wanted, case, click)
            return
        handler = {rules.Action.REMOVE: self._click_remove, rules.Action.RETRY: self._click_retry,
                   rules.Action.DISMISS: self._click_dismiss, rules.Action.CLOSE: self._click_close,
                   rules.Action.WARN: self.decisions.open_warn, rules.Action.SUSPEND: self.decisions.open_suspend,
                   rules.Action.ESCALATE: self._click_escalate, rules.Action.REVEAL: self._click_reveal,
                   rules.Action.NOTE: self.decisions.open_note}[wanted]
        handler(case, click)

    def _refuse(self, action: rules.Action, case: cases_db.Case, click: Click) -> None:
        """Record the refusal, then tell the clicker why not (the case as it
        is now). Unless the case is the clicker's own, the card offered a
        button the case no longer allows: a stop between a change (a
        decision, an escalation, a merge into a raid) and its card update
        leaves such a card. It is published again before the answer, so the
        clicker reads the answer beside the card as it is; nothing is sent if
        the card already shows the case as it is."""
        outcome, text = self._refusal(action, case, self.state_of(case), click.user)
        self.audit(actor=click.user, action=f"refused:{action.value}" if outcome == "own_case" else action.value,
                   case_id=case.id, outcome=outcome)
        if outcome != "own_case":
            self.card.publish(case.id)
        self.reply(click, text)

    def _lost(self, action: rules.Action, case: cases_db.Case, click: Click) -> None:
        """Another click won the race that the rules allowed both to start."""
        self._refuse(action, cases_db.get(self.db, case.id) or case, click)

    def state_of(self, case: cases_db.Case) -> rules.CaseState:
        failed = any(i.status == "failed" for i in outbox_db.unfinished_for_case(self.db, case.id))
        return rules.CaseState.of(case, failed_work=failed)

    @staticmethod
    def _refusal(action: rules.Action, case: cases_db.Case, state: rules.CaseState, user: str) -> tuple[str, str]:
        """Why the rules refuse `action` now: (audit outcome, the clicker's answer)."""
        n = case.id
        if state.author == user and rules.may(action, state):  # any other moderator could
            return "own_case", (f"Case #{n} is about your own message, so another moderator decides it. "
                                "Nothing was done.")
        if state.merged:
            return "merged", f"Case #{n} is part of a raid: decide on the raid's case. Nothing was done."
        if action is rules.Action.RETRY:
            return "nothing_to_retry", f"Case #{n}: nothing is waiting to be retried."
        if action is rules.Action.ESCALATE:
            return "already_escalated", f"Case #{n} was already escalated by <@{case.escalated_by}>."
        if action is rules.Action.REMOVE:
            if case.status == "dismissed":
                return "already_handled", cards.handled_text(n, "dismiss", case.handled_by)
            return "already_handled", cards.handled_text(n, "remove", case.removed_by)
        if not case.is_open:
            return "already_handled", cards.handled_text(n, case.handled_action, case.handled_by)
        if case.removal == "pending":
            return "removal_pending", f"Case #{n}: the message is being removed; try again once that finishes."
        if action is rules.Action.DISMISS and case.removed_reason == "moderator":
            return "already_handled", cards.handled_text(n, "remove", case.removed_by)
        if action is rules.Action.DISMISS:
            return "removed", (f"Case #{n}: the message was removed, so it cannot be dismissed with no action. "
                               "Close the case (the removal stands), or Warn or Suspend.")
        return "not_removed", f"Case #{n}: the message is still up. Remove it first, or Dismiss the case."

    def _click_remove(self, case: cases_db.Case, click: Click) -> None:
        if self.removal.remove(case, by=click.user, reason="moderator") == "busy":
            self._lost(rules.Action.REMOVE, case, click)
            return
        self.card.publish(case.id)

    def _click_retry(self, case: cases_db.Case, click: Click) -> None:
        """Send the case's failed Slack calls round again (after an outage
        that outlasted the retries). A failed removal has its own button."""
        again = outbox_db.requeue_failed_for_case(self.db, case.id, now=self.now(), skip=(Kind.REMOVE.value,))
        self.audit(actor=click.user, action="retry", case_id=case.id,
                   detail={"calls": [i.key for i in again]}, outcome="queued" if again else "nothing_to_retry")
        if not again:
            self.reply(click, f"Case #{case.id}: nothing is waiting to be retried.")
            return
        self.gateway.wake.set()
        self.card.publish(case.id)

    def _click_dismiss(self, case: cases_db.Case, click: Click, *, action: str = "dismiss") -> None:
        """Dismiss (no action), or Close once the message was removed (the removal stands).

        Dismissing a flood or raid takes back what was queued to answer it:
        in the same transaction as the decision, so no removal can be queued
        for the case after it (FloodService.delete checks under the same lock).
        The decision's audit row is written in it too: a stop just after the
        decision cannot leave it unlogged."""
        with transaction(self.db):
            won = cases_db.claim_decision(self.db, case.id, action=action, by=click.user, now=self.now())
            if won:
                detail = None
                if case.kind != "message":
                    cancelled = self.floods.cancel_answer(case, by=click.user) if action == "dismiss" else 0
                    detail = {"removals_cancelled": cancelled}
                self.audit(actor=click.user, action=action, case_id=case.id, detail=detail)
        if not won:
            self._lost(rules.Action(action), case, click)
            return
        crash_point("dismiss_decided")
        self.card.publish(case.id)

    def _click_close(self, case: cases_db.Case, click: Click) -> None:
        self._click_dismiss(case, click, action="close")

    def _click_escalate(self, case: cases_db.Case, click: Click) -> None:
        # The mark and the post that pings the contacts in one transaction:
        # a second click is refused once the case is marked, so a mark on
        # disk without its post would mean nobody is ever pinged.
        contacts = [str(c) for c in self.cfg.escalation_contacts]
        with self.recording():
            won = cases_db.escalate(self.db, case.id, by=click.user, now=self.now())
            if won:
                crash_point("case_escalated")
                self.thread(case, about=About.ESCALATION, ref=str(case.id),
                            text=cards.escalation_message(case_number=case.id, by=click.user, contacts=contacts))
                self.audit(actor=click.user, action="escalate", case_id=case.id, detail={"contacts": contacts})
        if not won:
            self._lost(rules.Action.ESCALATE, case, click)
            return
        self.card.publish(case.id)

    def _click_reveal(self, case: cases_db.Case, click: Click) -> None:
        snap = cases_db.snapshot_for(self.db, case_id=case.id, channel=case.channel, ts=case.ts)
        stored = messages_db.get(self.db, channel=case.channel, ts=case.ts)
        text = snap.text if snap and snap.text is not None else (stored.text if stored else None)
        edits = [e.get("text", "") for e in (snap.edits if snap else stored.edits if stored else [])]
        if text is None:
            self.audit(actor=click.user, action="reveal", case_id=case.id, outcome="text_not_kept")
            self.reply(click, f"Case #{case.id}: the original text is no longer kept (retention period).")
            return
        self.audit(actor=click.user, action="reveal", case_id=case.id)
        try:
            self.gateway.call("chat.postEphemeral", channel=click.channel or self.mod_channel, user=click.user,
                                 text=cards.reveal_text(case.id, text, edits))
        except GatewayError as exc:
            self.audit(actor=click.user, action="reveal_result", case_id=case.id, outcome=exc.error)
