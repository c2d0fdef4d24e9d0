"""Idle and half-sent connections, as anyone on the internet can open them,
do not shut Slack (or the health check) out, and do not stay open forever."""
from __future__ import annotations

import dataclasses
import json
import socket
import threading
import time
import types
import urllib.request

import pytest

from bot.server import make_server

IDLE = 150  # more than waitress's default connection_limit of 100


def _open_idle(port: int, n: int) -> list[socket.socket]:
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        if i % 2:
            s.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")  # half a request, never finished
        socks.append(s)
    return socks


def test_healthz_answers_with_more_idle_connections_open_than_waitress_allows_by_default(bench):
    port = int(bench.base_url.rsplit(":", 1)[1])
    socks = _open_idle(port, IDLE)
    try:
        with urllib.request.urlopen(bench.base_url + "/healthz", timeout=8) as resp:
            assert resp.status == 200 and json.loads(resp.read())["database"] is True
        assert bench.client.post_url_verification("still-here").status == 200
    finally:
        for s in socks:
            s.close()


def test_an_idle_or_half_sent_connection_is_closed_after_the_channel_timeout(bench):
    settings = dataclasses.replace(bench.rt.settings, modbot_http_channel_timeout=1)
    rt = types.SimpleNamespace(app=bench.rt.app, store=bench.rt.store, settings=settings)
    server = make_server(rt, host="127.0.0.1", port=0, loop_timeout=0.05)
    thread = threading.Thread(target=lambda: _run(server), daemon=True)
    thread.start()
    try:
        socks = _open_idle(server.effective_port, 4)
        deadline = time.monotonic() + 30  # a bound for a slow machine; closing takes 1 to 2 s
        for s in socks:
            s.settimeout(max(0.1, deadline - time.monotonic()))
            assert s.recv(1024) == b""  # closed by the server, not timed out here
            s.close()
    finally:
        server.close()
        thread.join(timeout=5)


def _run(server) -> None:
    try:
        server.run()
    except (OSError, ValueError):
        pass


def test_the_limits_are_settings_with_one_line_errors():
    from bot.config import SettingError, load_settings

    base = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "s3cret-value"}
    s = load_settings({**base, "MODBOT_HTTP_CONNECTION_LIMIT": "2000", "MODBOT_HTTP_CHANNEL_TIMEOUT": "30"})
    assert (s.modbot_http_connection_limit, s.modbot_http_channel_timeout) == (2000, 30)
    assert (s.modbot_http_max_body, s.modbot_http_max_header) == (1_048_576, 16_384)
    for name, value in (("MODBOT_HTTP_CHANNEL_TIMEOUT", "soon"), ("MODBOT_HTTP_CONNECTION_LIMIT", "5"),
                        ("MODBOT_HTTP_MAX_BODY", "-1")):
        with pytest.raises(SettingError, match=f"^{name}: expected a whole number from "):
            load_settings({**base, name: value})
