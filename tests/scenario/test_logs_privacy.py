"""A full moderation run with personal data and secrets in messages: the
logs (at DEBUG, where slack-sdk and Bolt say the most) hold no token, no
signing secret and none of the personal data; the admin token is used only
for chat.delete."""
from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logs import setup_logging
from tests.harness import GENERAL, MOD_CHANNEL, SIGNING_SECRET
from tests.scenario.moderation_steps import case_for, click, flag

from bot import ids

CARD = "4111 1111 1111 1111"
EMAIL = "jane.private@gmail.com"
IBAN = "GB82 WEST 1234 5698 7654 32"
SECRET = "xoxb-204813774526-120938475610-qwpl3kd9xr2mzt8vbn1yhs0e"


@pytest.fixture(params=["text", "json"])
def captured_logs(fake_slack, request):
    """The log as MODBOT_LOG_FORMAT writes it: plain lines, or one JSON object a line."""
    stream = io.StringIO()
    stream.format = request.param
    handler = setup_logging(
        "DEBUG", secrets=(fake_slack.bot_token, fake_slack.admin_token, SIGNING_SECRET), stream=stream,
        fmt=request.param,
    )
    yield stream
    logging.getLogger().removeHandler(handler)
    logging.getLogger().setLevel(logging.WARNING)


def test_logs_hold_no_tokens_or_personal_data(captured_logs, bench):
    fake = bench.fake
    ts1 = bench.say("UALICE", f"my card is {CARD}, exp 09/29")
    ts2 = bench.say("UBOB", f"email her at {EMAIL} or pay to {IBAN}")
    ts3 = bench.say("UCAROL", f"deploy with {SECRET}")
    ts4 = bench.say("UDAVE", "happy to share the slides from the meetup with anyone who asks")
    bench.settle()
    flag(bench, "UALICE", GENERAL, ts4, reason="privacy", note=f"they sent me the slides at {EMAIL}, call +44 7700 900123")
    bench.settle()
    assert case_for(bench, GENERAL, ts4) is not None
    case = case_for(bench, GENERAL, ts2)
    assert case is not None
    click(bench, "UMOD1", ids.ACT_REMOVE, case.id)
    bench.settle()
    logging.getLogger("modbot.test").warning("a stray log line quoting %s and %s", CARD, EMAIL)

    text = captured_logs.getvalue()
    assert len(text) > 200, "expected DEBUG logs from the run"
    for needle in (fake.bot_token, fake.admin_token, SIGNING_SECRET, SECRET, CARD, CARD.replace(" ", ""), EMAIL, IBAN, IBAN.replace(" ", ""), "7700 900123"):
        assert needle not in text, needle
    # the moderator channel never shows them either
    shown = " ".join(str(m) for m in fake.messages(MOD_CHANNEL))
    for needle in (SECRET, CARD, EMAIL, IBAN, "7700 900123"):
        assert needle not in shown, needle
    assert ts1 and ts3
    if captured_logs.format == "json":
        entries = [json.loads(line) for line in text.splitlines()]
        assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
        stray = [e for e in entries if e["logger"] == "modbot.test"]
        assert stray and stray[0]["level"] == "WARNING" and "a stray log line quoting" in stray[0]["message"]


def test_admin_token_is_used_only_to_delete(bench):
    ts = bench.say("UALICE", f"my card is {CARD}")
    bench.settle()
    case = case_for(bench, GENERAL, ts)
    click(bench, "UMOD1", ids.ACT_REMOVE, case.id)
    bench.settle()
    admin_calls = {c.method for c in bench.fake.calls if c.token == bench.fake.admin_token}
    assert admin_calls and admin_calls <= {"chat.delete"}
    bot_deletes = [c for c in bench.fake.calls_to("chat.delete") if c.token == bench.fake.bot_token]
    assert all(c.args.get("channel") != GENERAL for c in bot_deletes)
