"""No personal data or secrets in clear anywhere in the moderator channel:
cards, threads, notes, appeals (Reveal is ephemeral, to one moderator)."""
from __future__ import annotations

import json

from bot import ids
from tests.harness import GENERAL, MOD_CHANNEL
from tests.scenario.moderation_steps import case_for, click, flag, last_modal, submit, text_input, warn

SECRETS = {
    "card": "4111 1111 1111 1111",
    "phone": "07700 900123",
    "email": "carol.private@gmail.com",
    "token": "xoxb-204813774526-1209384756102-qwpl3kd9xr2mzt8vbn1yhs0e",
    "iban": "GB82 WEST 1234 5698 7654 32",
}


def _everything_in(bench, channel: str) -> str:
    return json.dumps(bench.fake.messages(channel)) + json.dumps([c.args for c in bench.fake.calls if c.args.get("channel") == channel])


def test_personal_data_never_reaches_the_moderator_channel(bench, caplog):
    caplog.set_level("DEBUG")
    rude = bench.say("UCAROL", f"you idiot, call me on {SECRETS['phone']} or mail {SECRETS['email']}")
    card = bench.say("UBOB", f"my card is {SECRETS['card']} and the bot token {SECRETS['token']}")
    iban = bench.say("UDAVE", f"send the money to {SECRETS['iban']} quickly")
    odd = bench.say("UDAVE", "meet me behind the station later, you know why")
    bench.settle()
    flag(bench, "UALICE", GENERAL, odd, reason="other", note=f"he also posted {SECRETS['phone']} before")
    bench.settle()
    case = case_for(bench, GENERAL, rude)
    click(bench, "UMOD1", ids.ACT_MORE, case.id, option="note")
    modal = last_modal(bench, ids.VIEW_NOTE)
    submit(bench, "UMOD1", ids.VIEW_NOTE, {"note": text_input(f"reach her at {SECRETS['email']}", "note_input")},
           private_metadata=modal["private_metadata"])
    warn(bench, "UMOD2", case.id)
    bench.settle()
    for ts in (card, iban, odd):
        assert case_for(bench, GENERAL, ts) is not None
    seen = _everything_in(bench, MOD_CHANNEL)
    assert len(bench.fake.messages(MOD_CHANNEL)) >= 4
    compact = seen.replace(" ", "")
    for kind, value in SECRETS.items():
        assert value not in seen, kind
        assert value.replace(" ", "") not in compact, kind
    logged = caplog.text
    for kind, value in SECRETS.items():
        assert value not in logged, kind
