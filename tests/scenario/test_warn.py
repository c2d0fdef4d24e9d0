"""Warn: a prefilled modal naming the guideline; the author gets a DM with
the guideline's text and an Appeal button; warnings expire."""
from __future__ import annotations

import json

from bot import ids
from storage import audit as audit_db
from storage import sanctions as sanctions_db
from tests.harness import GENERAL
from tests.scenario.moderation_steps import (
    card_for, card_text, case_for, click, last_modal, routed, select, submit, text_input, warn,
)


def test_warn_sends_the_guideline_and_an_appeal_button(bench):
    ts, case = routed(bench)
    resp = warn(bench, "UMOD1", case.id)
    assert resp.status == 200 and resp.body == ""
    modal = last_modal(bench, ids.VIEW_WARN)
    prefilled = [b for b in modal["blocks"] if b.get("block_id") == "message"][0]["element"]["initial_value"]
    assert "guideline" in prefilled and "\u201c" in prefilled  # names the guideline
    bench.settle()
    dms = bench.fake.dms("UCAROL")
    assert len(dms) == 1
    dm = json.dumps(dms[0]["blocks"])
    assert "The guideline:" in dm and ids.ACT_APPEAL in dm
    warning = sanctions_db.warnings_for(bench.rt.store.db, user_id="UCAROL")[0]
    assert f"warning:{warning.id}" in dm
    assert warning.expires_at - warning.issued_at == 180 * 86400
    case = case_for(bench, GENERAL, ts)
    assert case.status == "closed" and case.handled_action == "warn" and case.handled_by == "UMOD1"
    text = card_text(card_for(bench, case.id))
    assert "Warned by <@UMOD1>" in text
    assert bench.fake.find_message(GENERAL, ts) is not None  # not removed unless asked
    assert ("UMOD1", "warn") in [(e.actor, e.action) for e in audit_db.entries(bench.rt.store.db, case_id=case.id)]
    assert ("modbot", "dm_result", "ok") in [(e.actor, e.action, e.outcome) for e in audit_db.entries(bench.rt.store.db, case_id=case.id)]


def test_warn_and_remove_together(bench):
    ts, case = routed(bench)
    warn(bench, "UMOD2", case.id, remove=True)
    bench.settle()
    assert bench.fake.find_message(GENERAL, ts) is None
    case = case_for(bench, GENERAL, ts)
    assert case.handled_action == "warn" and case.removal == "done"
    text = card_text(card_for(bench, case.id))
    assert "Warned by <@UMOD2>" in text and "Message removed by <@UMOD2>" in text


def test_a_warning_on_a_closed_case_is_refused_with_who_handled_it(bench):
    ts, case = routed(bench)
    click(bench, "UMOD1", ids.ACT_WARN, case.id)
    first = last_modal(bench, ids.VIEW_WARN)
    warn(bench, "UMOD2", case.id)
    late = submit(bench, "UMOD1", ids.VIEW_WARN,
                  {"guideline": select("harassment", "guideline_select"), "message": text_input("stop it", "message_input")},
                  private_metadata=first["private_metadata"])
    assert "already handled" in late.body and "UMOD2" in late.body
    bench.settle()
    assert len(bench.fake.dms("UCAROL")) == 1


def test_expired_warnings_no_longer_count(bench):
    ts, case = routed(bench)
    warn(bench, "UMOD1", case.id)
    bench.settle()
    mod = bench.rt.services.moderation.suspensions
    assert mod.suggested_duration("UCAROL")[0] == 3
    bench.clock.advance(days=181)
    assert mod.suggested_duration("UCAROL")[0] == 1
    assert sanctions_db.active_warnings(bench.rt.store.db, user_id="UCAROL", now=bench.clock.now()) == []
