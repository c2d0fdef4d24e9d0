"""`modbot manifest` prints a manifest for either mode, and both declare
what the code registers: Socket Mode is manifest.yml itself; HTTP mode sends
events, interactivity (buttons, modals, the Flag shortcut) and every slash
command to the one URL `modbot serve` answers on."""
from __future__ import annotations

import pytest
import yaml

from bot import ids
from bot.cli import main
from bot.server import EVENTS_PATH
from tests.unit.test_manifest import MANIFEST, _registered

URL = "https://mod.example.com" + EVENTS_PATH


def _printed(capsys, *args: str) -> dict:
    assert main(["manifest", *args]) == 0
    return yaml.safe_load(capsys.readouterr().out)


def _declares_what_the_code_registers(manifest: dict) -> None:
    reg = _registered()
    features = manifest["features"]
    assert reg["shortcut"] <= {s["callback_id"] for s in features["shortcuts"]}
    assert {c["command"] for c in features["slash_commands"]} == set(ids.COMMANDS) >= reg["command"]
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {e if not e.startswith("message.") else "message" for e in events} == set(ids.EVENTS)
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


@pytest.mark.parametrize("args", [(), ("--socket",)])
def test_socket_mode_manifest_is_manifest_yml(capsys, args):
    printed = _printed(capsys, *args)
    assert printed == MANIFEST
    assert printed["settings"]["socket_mode_enabled"] is True
    _declares_what_the_code_registers(printed)


def test_http_manifest_sends_every_request_kind_to_the_events_url(capsys):
    printed = _printed(capsys, "--http", URL)
    settings = printed["settings"]
    assert settings["socket_mode_enabled"] is False
    assert settings["event_subscriptions"]["request_url"] == URL
    assert settings["interactivity"]["request_url"] == URL  # also where shortcuts go
    assert [c["url"] for c in printed["features"]["slash_commands"]] == [URL] * len(ids.COMMANDS)
    _declares_what_the_code_registers(printed)
    # Apart from the mode and the URLs, the same app: same scopes, same features.
    assert printed["oauth_config"] == MANIFEST["oauth_config"]
    assert printed["features"]["shortcuts"] == MANIFEST["features"]["shortcuts"]


@pytest.mark.parametrize("url", ["http://mod.example.com/slack/events", "https://localhost:3000/slack/events",
                                 "mod.example.com/slack/events", ""])
def test_a_url_slack_cannot_call_is_one_clear_line_and_status_2(capsys, url):
    assert main(["manifest", "--http", url]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("modbot manifest: --http:")
