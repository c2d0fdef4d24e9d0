"""Property tests over the whole engine: any text, however odd, gives
findings whose spans point into it, and masking never leaves a finding's
sensitive text in clear."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import policies
from policies import slacktext
from policies.model import Context, Message
from policies.state import MemoryActivity

ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400)
SLACKISH = st.lists(
    st.sampled_from(
        ["<@U123>", "<#C1|general>", "<!here>", "<https://x.io|x>", "`code`", "```block```", "&amp;", "&lt;", "\u200b",
         "\u0430", "f u c k", "4111 1111 1111 1111", "+44 7700 900123", "xoxb-1-2-abc", "you", "kill", "http://xn--80ak6aa92e.com",
         " ", "\n", "é", "😀", "ｆｕｃｋ"]
    ) | ANY_TEXT,
    max_size=20,
).map("".join)


@given(SLACKISH)
@settings(max_examples=400, deadline=None)
def test_findings_point_into_the_text(text):
    for f in policies.evaluate(Message(text=text, channel="C1", user="U1"), Context(activity=MemoryActivity(), now=1.0)):
        assert 0 <= f.start <= f.end <= len(text)
        assert 0.0 <= f.score <= 1.0
        assert f.category in policies.model.CATEGORIES


@given(SLACKISH)
@settings(max_examples=300, deadline=None)
def test_masking_hides_every_sensitive_span(text):
    findings = policies.evaluate(Message(text=text), None)
    masked = policies.mask(text, findings)
    for f in findings:
        secret = text[f.start:f.end]
        # (a value that occurs twice, glued to itself, may be found once)
        if f.sensitive and len(secret.strip()) >= 8 and text.count(secret) == 1:
            assert secret not in masked


@given(SLACKISH)
@settings(max_examples=300, deadline=None)
def test_parse_and_normalise_never_raise(text):
    parsed = slacktext.parse(text)
    norm = slacktext.normalise(parsed.plain)
    assert isinstance(norm.text, str)
