"""The audit's settings, from the same modbot.toml the live bot reads.

bot.config parses and checks the file (one clear line per mistake); this
module picks out what an offline audit needs: the [policies] table, the
channel topics ([channels.<name>] topic), the help channels and employee
email domains ([experts]). Roles come from users.json: workspace admins and
owners are staff, members at an employee email domain are employees.
"""
from __future__ import annotations

from bot.config import AppConfig, SettingError, load_config

from .runner import AuditSettings


class SettingsError(ValueError):
    """One line naming the file, the key and what was expected."""


def settings_from_config(cfg: AppConfig, *, import_activity: bool = False) -> AuditSettings:
    topics = {name.lstrip("#"): ch.topic for name, ch in cfg.channels.items() if getattr(ch, "topic", "")}
    return AuditSettings(
        policy_config=cfg.policies,
        topics=topics,
        help_channels=tuple(c.lstrip("#") for c in cfg.experts.help_channels),
        employee_email_domains=tuple(cfg.experts.employee_email_domains),
        import_activity=import_activity,
    )


def load_settings(path: str | None, *, import_activity: bool = False) -> AuditSettings:
    try:
        cfg = load_config(str(path) if path else None)
    except SettingError as exc:
        raise SettingsError(str(exc)) from None
    return settings_from_config(cfg, import_activity=import_activity)
