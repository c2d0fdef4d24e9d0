"""Reading the audit's settings from a modbot.toml.

The [policies] table goes to policies.load_policy_config unchanged, so the
audit judges exactly as the live bot would. Two more things come from the
per-channel tables:

    [channels.help]
    topic = "Questions about using Acme Cloud"   # the off_topic check
    help = true                                   # --import-activity counts it

and [staff] lists members by role (ids), for impersonation and the spam
rules that spare staff.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import policies

from .runner import AuditSettings

ROLE_KEYS = ("admins", "moderators", "employees", "experts")
_ROLE_OF = {"admins": "admin", "moderators": "moderator", "employees": "employee", "experts": "expert"}


class SettingsError(ValueError):
    """One line naming the file, the key and what was expected."""


def settings_from_dict(data: dict, *, source: str, import_activity: bool = False) -> AuditSettings:
    try:
        config = policies.load_policy_config(data.get("policies") or {}, source=source)
    except policies.PolicyConfigError as exc:
        raise SettingsError(str(exc)) from None
    topics: dict[str, str] = {}
    help_channels: list[str] = []
    channels = data.get("channels") or {}
    if not isinstance(channels, dict):
        raise SettingsError(f"{source}: channels: expected a table of channel tables")
    for name, table in channels.items():
        if not isinstance(table, dict):
            raise SettingsError(f"{source}: channels.{name}: expected a table, got {table!r}")
        key = name.lstrip("#")
        topic = table.get("topic", "")
        if not isinstance(topic, str):
            raise SettingsError(f"{source}: channels.{name}.topic: expected a string, got {topic!r}")
        if topic:
            topics[key] = topic
        is_help = table.get("help", False)
        if not isinstance(is_help, bool):
            raise SettingsError(f"{source}: channels.{name}.help: expected true or false, got {is_help!r}")
        if is_help:
            help_channels.append(key)
    roles: dict[str, str] = {}
    staff = data.get("staff") or {}
    if not isinstance(staff, dict):
        raise SettingsError(f"{source}: staff: expected a table")
    names: list[str] = []
    for k, v in staff.items():
        if k == "names":
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise SettingsError(f"{source}: staff.names: expected a list of strings")
            names += v
            continue
        if k not in ROLE_KEYS:
            raise SettingsError(f"{source}: staff.{k}: unknown setting (expected one of: names, {', '.join(ROLE_KEYS)})")
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise SettingsError(f"{source}: staff.{k}: expected a list of member ids")
        for uid in v:
            roles[uid] = _ROLE_OF[k]
    return AuditSettings(policy_config=config, topics=topics, help_channels=tuple(help_channels), roles=roles,
                         staff_names=tuple(names), import_activity=import_activity)


def load_settings(path: str | Path | None, *, import_activity: bool = False) -> AuditSettings:
    if path is None:
        return settings_from_dict({}, source="defaults", import_activity=import_activity)
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(f"{p}: cannot read ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{p}: not valid TOML ({exc})") from None
    return settings_from_dict(data, source=str(p), import_activity=import_activity)
