"""At start-up modbot asks Slack about MODBOT_MOD_CHANNEL (conversations.info)
and refuses to start, with one line and exit status 2, when its members
should not be moderators: a public channel, a channel shared with another
organisation, or one the bot cannot see."""
from __future__ import annotations

import dataclasses
import subprocess
import sys
import types

import pytest

from bot.config import SettingError
from bot.services.mod_channel import check_mod_channel
from tests.harness import MOD_CHANNEL, MODERATORS
from tests.procs import modbot_env


@pytest.fixture
def channels(fake_slack):
    mods = [fake_slack.admin_user_id, *MODERATORS]
    fake_slack.add_channel("CPUBMODS", "public-mods", members=mods)
    fake_slack.add_channel("GCONNECT", "mods-with-partner", is_private=True, members=mods, shared="ext")
    fake_slack.add_channel("GPENDING", "mods-invited", is_private=True, members=mods, shared="pending_ext")
    fake_slack.add_channel("GORGWIDE", "mods-grid", is_private=True, members=mods, shared="org")
    fake_slack.add_channel("GNOBOT", "mods-no-bot", is_private=True, members=mods, bot_member=False)
    return fake_slack


@pytest.mark.parametrize("channel, says", [
    ("CPUBMODS", "#public-mods is public"),
    ("GCONNECT", "#mods-with-partner is shared with another organisation"),
    ("GPENDING", "#mods-invited is shared with another organisation"),
    ("GNOBOT", "no such channel, or the bot is not in it"),
    ("CNOSUCH", "no such channel"),
])
def test_modbot_refuses_to_start_with_a_moderator_channel_it_must_not_trust(channels, tmp_path, channel, says):
    env = modbot_env(channels, tmp_path / "m.db")
    env["MODBOT_MOD_CHANNEL"] = channel
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "worker", "--no-scheduler"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"modbot: MODBOT_MOD_CHANNEL: {channel}: ") and says in lines[0], lines


@pytest.mark.parametrize("channel", [MOD_CHANNEL, "GORGWIDE"])
def test_a_private_channel_of_this_organisation_is_accepted(channels, bench, channel):
    settings = dataclasses.replace(bench.rt.settings, modbot_mod_channel=channel)
    before = len(channels.calls_to("conversations.info"))
    check_mod_channel(types.SimpleNamespace(settings=settings, gateway=bench.rt.gateway))
    assert len(channels.calls_to("conversations.info")) == before + 1


def test_the_check_is_a_setting_error_naming_the_channel(channels, bench):
    settings = dataclasses.replace(bench.rt.settings, modbot_mod_channel="GCONNECT")
    with pytest.raises(SettingError, match="MODBOT_MOD_CHANNEL: GCONNECT: .*Slack Connect"):
        check_mod_channel(types.SimpleNamespace(settings=settings, gateway=bench.rt.gateway))
