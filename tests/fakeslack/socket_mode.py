"""Socket Mode for the fake Slack: a WebSocket endpoint on 127.0.0.1.

Slack's side of Socket Mode, as far as an app can tell: apps.connections.open
(app-level token) hands out a one-use ``ws://`` URL; on connect Slack says
``hello``; then it sends envelopes (events_api, interactive, slash_commands)
and waits for the app to ack each with ``{"envelope_id": ..., "payload": ...}``;
a ``disconnect`` envelope asks the app to reconnect on a fresh URL.

Tests push envelopes (payloads.events_api_envelope and friends) and wait for
their acks:

    env = fake.socket_mode.push(events_api_envelope(event, "Ev1"))
    ack = fake.socket_mode.wait_for_ack(env["envelope_id"])
"""

from __future__ import annotations

import copy
import json
import threading
import urllib.parse
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

if TYPE_CHECKING:
    from .server import FakeSlack


@dataclass
class Ack:
    """One message the app sent back for an envelope."""

    envelope_id: str
    payload: dict[str, Any] | None
    connection: int  # which connection (1, 2, ...) it came on
    message: dict[str, Any] = field(repr=False)


@dataclass
class _Link:
    number: int
    ws: ServerConnection
    ready: bool = False  # hello sent: envelopes may follow
    open: bool = True


class SocketModeServer:
    """Started on the first apps.connections.open; stopped with the fake."""

    def __init__(self, fake: "FakeSlack", *, keepalive_seconds: float = 0.2) -> None:
        # Frequent pings, as Slack also pings: each one wakes the app's
        # blocking read, so its client notices a close without waiting for
        # a read timeout.
        self.fake = fake
        self.keepalive_seconds = keepalive_seconds
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._fresh_tickets: set[str] = set()  # issued and not yet used
        self._links: list[_Link] = []
        self.pushed: list[dict[str, Any]] = []  # every envelope sent, in order
        self.acks: list[Ack] = []
        self.other_messages: list[str] = []  # anything the app sent that is not an ack

    # ------------------------------------------------------------ lifecycle

    def _ensure_started(self) -> None:
        with self.fake._lock:
            if self._server is not None:
                return
            self._server = serve(self._serve, "127.0.0.1", 0, process_request=self._check_ticket,
                                 compression=None, ping_interval=self.keepalive_seconds, ping_timeout=10,
                                 close_timeout=2)
            self._thread = threading.Thread(target=self._server.serve_forever, name="fakeslack-socket-mode",
                                            daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Close every connection (1001, going away) and the listening socket."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def port(self) -> int:
        assert self._server is not None, "no Socket Mode URL was issued yet"
        return self._server.socket.getsockname()[1]

    def issue_url(self) -> str:
        """apps.connections.open's answer: a URL that works for one connection."""
        self._ensure_started()
        ticket = str(uuid.uuid4())
        with self.fake._lock:
            self._fresh_tickets.add(ticket)
        query = urllib.parse.urlencode({"ticket": ticket, "app_id": self.fake.app_id})
        return f"ws://127.0.0.1:{self.port}/link/?{query}"

    # ------------------------------------------------------------ the server side

    def _check_ticket(self, ws: ServerConnection, request: Any) -> Any:
        parsed = urllib.parse.urlsplit(request.path)
        ticket = urllib.parse.parse_qs(parsed.query).get("ticket", [""])[0]
        with self.fake._lock:
            fresh = parsed.path == "/link/" and ticket in self._fresh_tickets
            if fresh:
                self._fresh_tickets.remove(ticket)
        if not fresh:
            return ws.respond(HTTPStatus.UNAUTHORIZED, "invalid or used ticket\n")
        return None

    def _serve(self, ws: ServerConnection) -> None:
        with self.fake._cond:
            link = _Link(len(self._links) + 1, ws)
            self._links.append(link)
            open_now = sum(1 for x in self._links if x.open)
        try:
            ws.send(json.dumps({
                "type": "hello",
                "num_connections": open_now,
                "debug_info": {"host": "applink-fakeslack", "build_number": 1, "approximate_connection_time": 18060},
                "connection_info": {"app_id": self.fake.app_id},
            }))
            with self.fake._cond:
                link.ready = True
                self.fake._changed()
            for raw in ws:
                self._received(link, raw)
        except ConnectionClosed:
            pass  # the app went away; Slack just forgets the connection
        finally:
            with self.fake._cond:
                link.open = False
                link.ready = False
                self.fake._changed()

    def _received(self, link: _Link, raw: str | bytes) -> None:
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        try:
            message = json.loads(text)
        except ValueError:
            message = None
        with self.fake._cond:
            if isinstance(message, dict) and isinstance(message.get("envelope_id"), str):
                payload = message.get("payload")
                self.acks.append(Ack(message["envelope_id"], payload if isinstance(payload, dict) else None,
                                     link.number, message))
            else:
                self.other_messages.append(text)
            self.fake._changed()

    # ------------------------------------------------------------ for tests

    def open_connections(self) -> int:
        with self.fake._lock:
            return sum(1 for link in self._links if link.open)

    def wait_connected(self, count: int = 1, timeout: float = 5.0) -> bool:
        """Wait until the ``count``-th connection got its hello and is open."""
        def ready() -> bool:
            with self.fake._lock:
                return len(self._links) >= count and self._links[count - 1].ready
        return bool(self.fake.wait_for(ready, timeout=timeout))

    def wait_disconnected(self, timeout: float = 5.0) -> bool:
        return bool(self.fake.wait_for(lambda: self.open_connections() == 0, timeout=timeout))

    def _newest_ready(self, timeout: float) -> _Link:
        """The newest connection that got its hello, waiting up to ``timeout``."""
        def newest() -> _Link | None:
            with self.fake._lock:
                ready = [link for link in self._links if link.ready]
                return ready[-1] if ready else None
        link = self.fake.wait_for(newest, timeout=timeout)
        if link is None:
            raise AssertionError("no Socket Mode connection is open")
        return link

    def push(self, envelope: dict[str, Any], *, timeout: float = 5.0) -> dict[str, Any]:
        """Send an envelope down the newest open connection (waiting up to
        ``timeout`` for one); returns it, so callers can read envelope_id."""
        link = self._newest_ready(timeout)
        with self.fake._cond:
            self.pushed.append(copy.deepcopy(envelope))
            self.fake._changed()
        link.ws.send(json.dumps(envelope))
        return envelope

    def ask_to_reconnect(self, reason: str = "refresh_requested", *, timeout: float = 5.0) -> None:
        """Slack's disconnect message: the app should open a new connection
        (on a new URL) and drop this one."""
        link = self._newest_ready(timeout)
        link.ws.send(json.dumps({"type": "disconnect", "reason": reason,
                                 "debug_info": {"host": "applink-fakeslack"}}))

    def acks_for(self, envelope_id: str) -> list[Ack]:
        with self.fake._lock:
            return [a for a in self.acks if a.envelope_id == envelope_id]

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> Ack | None:
        """The first ack of ``envelope_id``, or None if none came in time."""
        found = self.fake.wait_for(lambda: self.acks_for(envelope_id), timeout=timeout)
        return found[0] if found else None
