"""modbot's Slack test bench: a fake Slack Web API (server) and signed,
real-shaped requests to the app (payloads)."""

from .server import Call, FakeSlack, SlackError, Token
from .payloads import SlackClientSim, sign

__all__ = ["Call", "FakeSlack", "SlackClientSim", "SlackError", "Token", "sign"]
