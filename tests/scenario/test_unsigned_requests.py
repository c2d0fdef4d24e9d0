"""What a stranger can make the HTTP server do before it knows the request
is Slack's: nothing but a 401 and one short log line. And odd input from a
signed request (a timestamp that is not a number, a long /guidelines topic)
gets a 4xx or an answer, never a 500."""
from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import time
import urllib.request

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.logs import setup_logging
from bot.slack.blocks.guidelines import SECTION_LIMIT
from tests.harness import GENERAL

HOSTILE_TEXT = "zebraquokka"


@pytest.fixture
def captured_logs():
    stream = io.StringIO()
    handler = setup_logging("DEBUG", stream=stream)
    yield stream
    logging.getLogger().removeHandler(handler)
    logging.getLogger().setLevel(logging.WARNING)


def _hostile_body(size: int) -> str:
    """A real-shaped event full of e-mail addresses (what made masking slow),
    with raw newlines that would start a forged log line."""
    filler = " ".join(f"{HOSTILE_TEXT}{i}@example.com" for i in range(size // 30))
    event = {"type": "message", "channel": GENERAL, "user": "UALICE", "ts": "1.000001",
             "text": filler + "\n2026-01-01 00:00:00 ERROR modbot: forged line " + HOSTILE_TEXT}
    return json.dumps({"type": "event_callback", "event_id": "EvHOSTILE", "team_id": "T1", "event": event}).replace(
        "\\n", "\n")


@pytest.mark.parametrize("how", [{"forge": True}, {"stale": True}, {"unsigned": True}])
def test_a_wrongly_signed_body_gets_a_401_and_one_short_log_line(shared_bench, captured_logs, how):
    body = _hostile_body(60_000)
    resp = shared_bench.client.post(body, "application/json", **how)
    assert resp.status == 401
    text = captured_logs.getvalue()
    # Nothing of the body reached a log (Bolt logged it whole, masked, one
    # line per raw newline), and the refusal is one line.
    assert HOSTILE_TEXT not in text and "forged line" not in text
    refusals = [line for line in text.splitlines() if "without a valid Slack signature" in line]
    assert len(refusals) == 1 and len(refusals[0]) < 300, text[-2000:]
    assert shared_bench.rt.store.db.execute("SELECT count(*) FROM events WHERE event_id = 'EvHOSTILE'").fetchone()[0] == 0


def test_log_lines_from_outside_cannot_forge_lines_or_grow_without_bound(captured_logs):
    logging.getLogger("modbot.test").warning("member wrote: %s", "hi\n2026-01-01 ERROR modbot: forged\x1b[2J" + "x" * 50_000)
    lines = captured_logs.getvalue().splitlines()
    assert len(lines) == 1
    assert "\\n2026-01-01" in lines[0] and "\\x1b[2J" in lines[0] and "\x1b" not in lines[0]
    assert len(lines[0]) < 4200


def _signed_headers(body: bytes, timestamp: bytes) -> dict:
    mac = hmac.new(b"test-signing-secret-0123456789", b"v0:" + timestamp + b":" + body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": "v0=" + mac}


TIMESTAMPS = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=30) | \
    st.integers(min_value=-10**20, max_value=10**20).map(str)


@given(TIMESTAMPS)
@example("9" * 400)  # int() reads it; time.time() minus it overflows a float
@example("1e9")
@example("-1")
@example("0x6553f100")
@example("١٧٠٠٠٠٠٠٠٠")  # digits int() accepts, not ASCII
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_timestamp_that_is_not_a_fresh_unix_time_gets_a_401_never_a_500(shared_bench, timestamp):
    fresh = timestamp.isascii() and timestamp.isdigit() and len(timestamp) < 15 and abs(int(timestamp) - time.time()) <= 300
    if fresh:
        return
    body = json.dumps({"type": "url_verification", "challenge": "abc"}).encode()
    # Signed with the right secret over the odd timestamp: only the
    # timestamp is wrong.
    headers = _signed_headers(body, timestamp.encode("utf-8"))
    req = urllib.request.Request(shared_bench.client.url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            status = resp.status
    except urllib.error.HTTPError as err:
        status = err.code
    assert status == 401, timestamp


@given(st.text(max_size=5000))
@example("x" * 2900)
@example("<>&" * 1000)
@example("*" * 3000)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_guidelines_with_any_argument_answers_within_slacks_limits(shared_bench, topic):
    resp = shared_bench.client.post_command("/guidelines", topic, user_id="UBOB", channel_id=GENERAL)
    assert resp.status == 200, (topic[:50], resp.status)
    body = resp.json()
    assert body["response_type"] == "ephemeral" and body["blocks"]
    for block in body["blocks"]:
        assert len((block.get("text") or {}).get("text", "")) <= SECTION_LIMIT


@pytest.mark.parametrize("offset", range(-20, 4))
def test_a_card_number_across_the_cut_is_masked_whole_not_half_shown(captured_logs, offset):
    from bot.logs import MAX_MESSAGE_CHARS

    card = "4111 1111 1111 1111"
    # A space before the number: glued to letters, digits read as part of an
    # id or a hash, which the card check leaves alone (policies/personal.py).
    prefix = "a" * (MAX_MESSAGE_CHARS + offset - len("member wrote: ") - 1) + " "
    logging.getLogger("modbot.test").warning("member wrote: %s", prefix + card + " and more" * 100)
    line = captured_logs.getvalue()
    digits = "".join(ch for ch in line.split("member wrote: ", 1)[1] if ch.isdigit())
    assert "4111" not in digits and "1111 1111" not in line
