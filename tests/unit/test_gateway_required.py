"""The gateway's table of required arguments agrees with Slack's method
reference (tests/fakeslack/methods.json, which the fake enforces)."""
from __future__ import annotations

from bot.slack.gateway import METHODS, REQUIRED
from tests.fakeslack.server import load_methods


def test_every_method_the_gateway_calls_lists_what_slack_requires():
    slack = load_methods()
    for method in METHODS:
        required = set(slack[method].get("required") or []) - {"token"}
        assert set(REQUIRED.get(method, ())) == required, method
