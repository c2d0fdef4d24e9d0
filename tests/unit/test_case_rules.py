"""The case rules (bot/services/cases/rules.py) against storage's conditional
UPDATEs (storage/cases.py): in every state, an action the rules allow is one
the database lets exactly one caller claim, and an action they refuse is one
the database refuses too. The card's buttons come from the same rules."""
from __future__ import annotations

import itertools

import pytest

from bot.services.cases import rules
from bot.services.cases.rules import Action, Actor, CaseState, Removal, Status
from bot.slack.blocks import cases as cards
from storage import cases as cases_db

REASONS = (None, "auto", "flags", "moderator", "suspended")
STATES = [
    CaseState(status=status, removal=removal, removed_reason=reason if removal is not Removal.NONE else None,
              escalated=escalated)
    for status, removal, reason, escalated in itertools.product(Status, Removal, REASONS, (False, True))
    if not (removal is Removal.NONE and reason is not None)
]


def _case_in(db, state: CaseState) -> int:
    case, _ = cases_db.open_case(db, channel="C1", ts="1.0", author="UAUTHOR", source="auto",
                                 excerpt_masked="x", severity="low", now=1.0)
    db.execute("UPDATE cases SET status = ?, removal = ?, removed_reason = ?, escalated = ? WHERE id = ?",
               [state.status.value, state.removal.value, state.removed_reason, int(state.escalated), case.id])
    return case.id


def _claim(db, case_id: int, action: Action) -> bool:
    if action is Action.REMOVE:
        return cases_db.claim_removal(db, case_id, by="UMOD", reason="moderator", now=2.0)
    if action is Action.ESCALATE:
        return cases_db.escalate(db, case_id, by="UMOD", now=2.0)
    return cases_db.claim_decision(db, case_id, action=action.value, by="UMOD", now=2.0)


CLAIMED = (Action.REMOVE, Action.ESCALATE, *sorted(rules.DECISIONS, key=lambda a: a.value))


@pytest.mark.parametrize("state", STATES, ids=lambda s: f"{s.status.value}-{s.removal.value}-{s.removed_reason}-"
                                                     f"{'esc' if s.escalated else 'noesc'}")
def test_storage_claims_exactly_what_the_rules_allow(fresh_db, state):
    allowed = rules.allowed(state)
    for action in CLAIMED:
        fresh_db.execute("DELETE FROM cases")
        case_id = _case_in(fresh_db, state)
        assert _claim(fresh_db, case_id, action) == (action in allowed), action
        assert _claim(fresh_db, case_id, action) is False, f"{action} claimed twice"


@pytest.mark.parametrize("state", STATES[::7])
def test_the_card_shows_a_button_for_each_allowed_action(state):
    data = cards.CardData(number=1, author="UAUTHOR", channel="C1", permalink=None, excerpt_masked="x",
                          severity="low", status=state.status.value, removal=state.removal.value,
                          removed_reason=state.removed_reason, escalated_by="UMOD" if state.escalated else None)
    blocks = cards.case_card(data)
    shown = {e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]}
    more = {o["value"] for b in blocks if b["type"] == "actions" for e in b["elements"] for o in e.get("options", [])}
    allowed = rules.card_actions(state)
    for action, (_, action_id, _) in cards.BUTTONS.items():
        assert (action_id in shown) == (action in allowed), action
    for action, (value, _) in cards.MORE.items():
        assert (value in more) == (action in allowed), action


def test_a_moderator_may_not_decide_their_own_case():
    state = CaseState(status=Status.OPEN, author="UMOD1")
    assert rules.allowed(state, Actor("UMOD1")) == {Action.REVEAL, Action.NOTE}
    assert Action.WARN in rules.allowed(state, Actor("UMOD2"))
    assert rules.allowed(state, Actor("UALICE", is_moderator=False)) == frozenset()


def test_a_removed_message_is_closed_not_dismissed():
    for reason in ("auto", "flags", "moderator"):
        state = CaseState(status=Status.OPEN, removal=Removal.DONE, removed_reason=reason)
        assert Action.CLOSE in rules.allowed(state) and Action.DISMISS not in rules.allowed(state)


def test_an_appeal_is_never_decided_by_the_member_who_made_it():
    assert not rules.may_decide_appeal(user="UMOD2", appellant="UMOD2", decided_by="UMOD1", other_moderators=3)
    assert not rules.may_decide_appeal(user="UMOD1", appellant="UCAROL", decided_by="UMOD1", other_moderators=1)
    assert rules.may_decide_appeal(user="UMOD1", appellant="UCAROL", decided_by="UMOD1", other_moderators=0)
    assert rules.may_decide_appeal(user="UMOD3", appellant="UCAROL", decided_by="UMOD1", other_moderators=2)


@pytest.mark.parametrize("state", STATES, ids=lambda s: f"{s.status.value}-{s.removal.value}-{s.removed_reason}")
def test_storage_reopens_exactly_what_the_rules_reopen(fresh_db, state):
    case_id = _case_in(fresh_db, state)
    assert cases_db.reopen(fresh_db, case_id, now=3.0) == rules.reopens(state)
    assert cases_db.get(fresh_db, case_id).status == "open" if rules.reopens(state) else state.status.value


def test_a_case_merged_into_a_raid_offers_nothing():
    state = CaseState(status=Status.CLOSED, merged=True)
    assert rules.card_actions(state) == frozenset()
    assert not rules.may(Action.REMOVE, state) and not rules.may(Action.ESCALATE, state)
