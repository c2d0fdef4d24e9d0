"""HTTP mode: Bolt's WSGI adapter behind waitress, a production WSGI server
(multi-threaded, pure Python, no build step), plus GET /healthz."""
from __future__ import annotations

import io
import json
from importlib.metadata import PackageNotFoundError, version

from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.runtime import Modbot
from storage import events as events_db
from storage import outbox as outbox_db

EVENTS_PATH = "/slack/events"


def modbot_version() -> str:
    try:
        return version("modbot")
    except PackageNotFoundError:
        return "0+unknown"


def health(rt: Modbot) -> tuple[int, dict]:
    ok = rt.store.healthy()
    status: dict = {"status": "ok" if ok else "degraded", "database": ok, "version": modbot_version()}
    if ok:
        db = rt.store.db
        status["events_pending"] = events_db.count_by_status(db).get("pending", 0)
        by_status = outbox_db.count_by_status(db)
        status["outbox_pending"] = by_status.get("pending", 0) + by_status.get("inflight", 0)
        status["outbox_failed"] = by_status.get("failed", 0)
    return (200 if ok else 503), status


def _reply(start_response, code: str, text: str):
    body = text.encode()
    start_response(code, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


def make_wsgi_app(rt: Modbot):
    bolt_handler = SlackRequestHandler(rt.app, path=EVENTS_PATH)
    verifier = SignatureVerifier(rt.settings.slack_signing_secret or "")

    def malformed(environ) -> str | None:
        """Bolt cannot parse a signed body that is not JSON; say so with a 400
        instead of a 500. (Unsigned bodies are left to Bolt, which answers 401.)"""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return "bad Content-Length"
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        ctype = environ.get("CONTENT_TYPE", "")
        headers = {
            "x-slack-request-timestamp": environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
            "x-slack-signature": environ.get("HTTP_X_SLACK_SIGNATURE", ""),
        }
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        try:
            signed = text is not None and verifier.is_valid_request(text, headers)
        except ValueError:  # a timestamp that is not a number
            signed = False
        if not signed:
            return None
        if "json" in ctype:
            try:
                body = json.loads(text)
            except ValueError:
                return "malformed JSON body"
            if not isinstance(body, dict):
                return "expected a JSON object"
        try:
            # Bolt reads ids out of the payload while building the request;
            # fields of the wrong type would make that raise (a 500).
            BoltRequest(body=text, headers={"content-type": [ctype]})
        except Exception:
            return "malformed Slack payload"
        return None

    def application(environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            code, status = health(rt)
            body = json.dumps(status).encode()
            start_response(
                f"{code} {'OK' if code == 200 else 'Service Unavailable'}",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        if path == EVENTS_PATH and method != "POST":
            body = b"POST Slack requests here\n"
            start_response("405 Method Not Allowed", [("Content-Type", "text/plain"), ("Allow", "POST")])
            return [body]
        if path == EVENTS_PATH:
            problem = malformed(environ)
            if problem:
                return _reply(start_response, "400 Bad Request", problem + "\n")
        return bolt_handler(environ, start_response)

    return application


def make_server(rt: Modbot, *, host: str = "127.0.0.1", port: int = 3000, threads: int = 8, loop_timeout: float = 1.0):
    """A waitress server, not yet serving; `.effective_port` is the bound port."""
    from waitress.server import create_server

    return create_server(
        make_wsgi_app(rt),
        host=host,
        port=port,
        threads=threads,
        max_request_body_size=1_048_576,  # Slack's payloads are far smaller
        ident="modbot",
        clear_untrusted_proxy_headers=True,
        asyncore_loop_timeout=loop_timeout,
    )
