"""HTTP mode: Bolt's WSGI adapter behind waitress, a production WSGI server
(multi-threaded, pure Python, no build step), plus GET /healthz."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

from bot.runtime import Modbot
from bot.slack import shape

EVENTS_PATH = "/slack/events"

log = logging.getLogger("modbot.server")


def answer_health(rt: Modbot, start_response) -> list[bytes]:
    """GET /healthz, here and on the metrics port: only whether the process
    answers and the database is reachable. The endpoint is open to anyone,
    so the version and the backlog sizes stay with the operators (the log
    and the database), not here."""
    ok = rt.store.healthy()
    body = json.dumps({"status": "ok" if ok else "degraded", "database": ok}).encode()
    start_response(
        "200 OK" if ok else "503 Service Unavailable",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]


def _read_body(environ) -> bytes:
    """The request body as bytes (Bolt's adapter decodes it as UTF-8 with no
    guard; waitress has already refused a bad or oversized Content-Length)."""
    stream = environ.get("wsgi.input")
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return stream.read(length) if stream is not None and length > 0 else b""


class _Handler(SlackRequestHandler):
    """Bolt's WSGI adapter, with two changes. The signature and timestamp are
    checked first, over the raw bytes: a request Slack did not sign gets a
    401 and one short log line, before Bolt, the inbox or any log sees its
    body (Bolt would log the whole unverified body, and masking it is work a
    stranger could make us do). A signed body Bolt cannot read at all (not
    UTF-8, not JSON or form data, not an object) or whose fields Bolt reads
    have the wrong type (bot.slack.shape) gets a 400 that says so, where Bolt
    would raise and the server would answer 500. A body that passes goes to
    Bolt as parsed, once; Bolt checks the signature again."""

    def __init__(self, app, *, path: str, signing_secret: str):
        super().__init__(app, path=path)
        self._secret = signing_secret.encode()

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        headers = request.get_headers()
        raw = _read_body(request.environ)
        if not self._signed(raw, headers):
            # Nothing from the request but its size: the body and headers
            # are a stranger's words.
            log.warning("refused a request to %s without a valid Slack signature (%d bytes)", self.path, len(raw))
            return BoltResponse(status=401, body="")
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return self._malformed("the body is not UTF-8")
        try:
            bolt_request = BoltRequest(body=body, query=request.query_string, headers=headers)
        except Exception:
            return self._malformed("not JSON or form data Bolt can read")
        # Bolt reads some fields (the event, the first action) before any
        # middleware runs, so the shape is checked here for HTTP; the inbox
        # middleware checks it again for Socket Mode, which has no such layer.
        bad = shape.problem(bolt_request.body)
        if bad:
            return self._malformed(bad)
        return self.app.dispatch(bolt_request)

    @staticmethod
    def _malformed(why: str) -> BoltResponse:
        return BoltResponse(status=400, body=f"malformed Slack payload: {why}\n")

    def _signed(self, raw: bytes, headers: dict) -> bool:
        """Slack's v0 signature, computed over the bytes (slack-sdk's verifier
        would decode them as UTF-8 first, which a body here may not be)."""
        timestamp = str(headers.get("x-slack-request-timestamp", ""))
        signature = str(headers.get("x-slack-signature", ""))
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
            return False  # not a Unix time: "abc", "1e9", "-1", 5,000 digits
        fresh = abs(time.time() - int(timestamp)) <= 300
        mac = hmac.new(self._secret, b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
        # As bytes: compare_digest refuses a str with non-ASCII characters.
        return fresh and hmac.compare_digest(b"v0=" + mac.encode(), signature.encode())


def make_wsgi_app(rt: Modbot):
    bolt_handler = _Handler(rt.app, path=EVENTS_PATH, signing_secret=rt.settings.slack_signing_secret or "")

    def application(environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            return answer_health(rt, start_response)
        if path == EVENTS_PATH and method != "POST":
            body = b"POST Slack requests here\n"
            start_response("405 Method Not Allowed", [("Content-Type", "text/plain"), ("Allow", "POST")])
            return [body]
        return bolt_handler(environ, start_response)

    return application


def make_server(rt: Modbot, *, host: str = "127.0.0.1", port: int = 3000, threads: int = 8, loop_timeout: float = 1.0):
    """A waitress server, not yet serving; `.effective_port` is the bound port.

    Limits for a server strangers can reach (the MODBOT_HTTP_* settings):
    waitress's defaults (100 connections, idle ones kept 120 s) let a hundred
    idle sockets shut Slack out. poll() rather than select(), which fails
    past 1,024 open descriptors."""
    from waitress.server import create_server

    s = rt.settings
    return create_server(
        make_wsgi_app(rt),
        host=host,
        port=port,
        threads=threads,
        connection_limit=s.modbot_http_connection_limit,
        channel_timeout=s.modbot_http_channel_timeout,
        # How often idle connections are looked for: often enough that one
        # lives at most about 1.5 times the timeout.
        cleanup_interval=max(1, s.modbot_http_channel_timeout // 2),
        max_request_body_size=s.modbot_http_max_body,
        max_request_header_size=s.modbot_http_max_header,
        asyncore_use_poll=True,
        ident="modbot",
        clear_untrusted_proxy_headers=True,
        asyncore_loop_timeout=loop_timeout,
    )
