"""modbot's Slack test bench: a fake Slack Web API (server), its Socket Mode
endpoint (socket_mode) and signed, real-shaped requests to the app (payloads)."""

from .server import Call, FakeSlack, SlackError, Token
from .payloads import SlackClientSim, sign
from .socket_mode import Ack, SocketModeServer

__all__ = ["Ack", "Call", "FakeSlack", "SlackClientSim", "SlackError", "SocketModeServer", "Token", "sign"]
