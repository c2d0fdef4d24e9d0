from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import SETTINGS, SettingError, load_settings, parse_config

ROOT = Path(__file__).resolve().parents[2]
GOOD = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "s3cret-value"}


def test_defaults_and_values():
    s = load_settings(GOOD)
    assert s.slack_bot_token == "xoxb-1-2-abc"
    assert s.modbot_db == "./modbot.db"
    assert s.slack_api_url == "https://slack.com/api/"


def test_tokens_never_in_repr():
    s = load_settings({**GOOD, "SLACK_ADMIN_TOKEN": "xoxp-secret-admin"})
    text = repr(s)
    assert "xoxb-1-2-abc" not in text and "xoxp-secret-admin" not in text and "s3cret-value" not in text


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"SLACK_BOT_TOKEN": "xoxp-wrong-kind"}, "SLACK_BOT_TOKEN: expected a token starting with xoxb-"),
        ({"SLACK_ADMIN_TOKEN": "xoxb-not-admin"}, "SLACK_ADMIN_TOKEN: expected a token starting with xoxp-"),
        ({"SLACK_APP_TOKEN": "xoxb-nope"}, "SLACK_APP_TOKEN: expected a token starting with xapp-"),
        ({"MODBOT_MOD_CHANNEL": "#moderators"}, "MODBOT_MOD_CHANNEL: expected a channel ID"),
        ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL: expected an http"),
        ({"MODBOT_DBB": "x.db"}, "MODBOT_DBB: unknown setting (did you mean MODBOT_DB?)"),
        ({"SLACK_BOT_TOKN": "xoxb-1"}, "SLACK_BOT_TOKN: unknown setting (did you mean SLACK_BOT_TOKEN?)"),
        ({"MODBOT_LOG_LEVEL": "loud"}, "MODBOT_LOG_LEVEL: expected one of"),
    ],
)
def test_bad_settings_name_the_setting(env, expected):
    with pytest.raises(SettingError) as err:
        load_settings(env)
    assert str(err.value).startswith(expected)
    assert "\n" not in str(err.value)


def test_required_settings():
    with pytest.raises(SettingError, match="SLACK_SIGNING_SECRET: required"):
        load_settings({"SLACK_BOT_TOKEN": "xoxb-1"}, require=("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"))


def test_unrelated_slack_variables_are_left_alone():
    load_settings({**GOOD, "SLACK_CLIENT_ID": "123.456"})


def test_the_benches_data_folder_is_not_taken_for_a_misspelt_setting():
    """README tells whoever runs the benches to set MODBOT_SHARED_DATA; the
    bot started from the same shell must not refuse it."""
    load_settings({**GOOD, "MODBOT_SHARED_DATA": "../shared/data/dev"})
    with pytest.raises(SettingError, match="MODBOT_SHARED_DAT: unknown setting"):
        load_settings({**GOOD, "MODBOT_SHARED_DAT": "../shared/data/dev"})


@pytest.mark.parametrize(
    "data, expected",
    [
        ({"moderaton": {}}, "unknown section (did you mean moderation?)"),
        ({"moderation": {"flag_daily_cpa": 3}}, "moderation.flag_daily_cpa: unknown key (did you mean flag_daily_cap?)"),
        ({"moderation": {"flag_daily_cap": "ten"}}, "moderation.flag_daily_cap: expected int, got str 'ten'"),
        ({"community": {"timezone": "Mars/Olympus"}}, "community.timezone: unknown time zone"),
        ({"channels": {"C1": {"topik": "x"}}}, "channels.C1.topik: unknown key (did you mean topic?)"),
        ({"moderation": {"auto_remove_min_score": 2.0}}, "auto_remove_min_score: expected a number between 0 and 1"),
    ],
)
def test_config_file_errors_name_file_and_key(data, expected):
    with pytest.raises(SettingError) as err:
        parse_config(data, source="modbot.toml")
    assert str(err.value).startswith("modbot.toml: ")
    assert expected in str(err.value)


def test_config_file_that_is_not_toml(tmp_path):
    path = tmp_path / "modbot.toml"
    path.write_text("[moderation\nflag_daily_cap = 3\n")
    with pytest.raises(SettingError, match="not valid TOML"):
        load_settings({**GOOD, "MODBOT_CONFIG": str(path)})


def test_shipped_example_config_parses():
    example = ROOT / "modbot.example.toml"
    if not example.exists():
        pytest.skip("no example config yet")
    settings = load_settings({**GOOD, "MODBOT_CONFIG": str(example)})
    assert settings.config.source == str(example)


def test_every_setting_is_documented():
    readme = (ROOT / "README.md").read_text()
    env_example = (ROOT / ".env.example").read_text()
    for s in SETTINGS:
        assert f"`{s.name}`" in readme, f"README does not document {s.name}"
        assert s.name in env_example, f".env.example does not list {s.name}"


def _cli(tmp_path, settings: dict, *args: str) -> subprocess.CompletedProcess:
    """`modbot ARGS` with only `settings` among SLACK_* and MODBOT_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MODBOT_"))}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=tmp_path,
                          env={**env, **settings, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60)


def test_cli_setting_typo_gives_one_line_and_status_2(tmp_path):
    proc = _cli(tmp_path, {**GOOD, "MODBOT_MOD_CHANEL": "C123"}, "serve", "--port", "0")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert lines == ["modbot: MODBOT_MOD_CHANEL: unknown setting (did you mean MODBOT_MOD_CHANNEL?)"]


def test_cli_missing_token_gives_one_line_and_status_2(tmp_path):
    proc = _cli(tmp_path, {}, "run")
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("modbot: SLACK_BOT_TOKEN: required but not set")
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("moderation, says", [
    ({"flood_response": "delete"}, "moderation.flood_response: expected one of remove, slow_mode, none, got 'delete'"),
    ({"flood_slow_mode_per_minute": 0}, "moderation.flood_slow_mode_per_minute: expected 1 or more"),
    ({"raid_min_accounts": 1}, "moderation.raid_min_accounts: expected 2 or more"),
    ({"raid_window_s": 0}, "moderation.raid_window_s: expected 1 or more"),
    ({"flood_case_window_s": 0}, "moderation.flood_case_window_s: expected 1 or more"),
    ({"digest_after": -1}, "moderation.digest_after: expected 0 or more"),
])
def test_flood_and_raid_settings_are_checked_at_start_up(moderation, says):
    with pytest.raises(SettingError) as err:
        parse_config({"moderation": moderation}, source="modbot.toml")
    assert str(err.value) == f"modbot.toml: {says}"
