"""Settings: the environment (tokens, paths) and modbot.toml (behaviour).

Every environment setting is declared once in SETTINGS with its default and
help text; README documents each (a test checks). A wrong or misspelt
setting ends the program with one line naming it, never a traceback: callers
catch SettingError and exit with status 2.
"""
from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_API_URL = "https://slack.com/api/"


class SettingError(Exception):
    """A setting is missing or malformed; str() is one line for the user."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str
    check: Callable[[str], str | None] | None = None  # returns an error or None
    secret: bool = False


def _prefix(*prefixes: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        if not value.startswith(prefixes):
            return f"expected a token starting with {' or '.join(prefixes)}"
        return None

    return check


def _url(value: str) -> str | None:
    if not value.startswith(("http://", "https://")):
        return "expected an http:// or https:// URL"
    return None


def _channel_id(value: str) -> str | None:
    if not (value[:1] in ("C", "G") and value[1:].isalnum() and value.isupper()):
        return "expected a channel ID such as C0123ABCD (not a #name)"
    return None


def _log_level(value: str) -> str | None:
    if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        return "expected one of DEBUG, INFO, WARNING, ERROR"
    return None


def _log_format(value: str) -> str | None:
    return None if value in ("text", "json") else "expected text or json"


def _port_or_off(value: str) -> str | None:
    if value == "off" or (value.isdigit() and 0 <= int(value) <= 65535):
        return None
    return "expected a port number (0 picks a free one) or off"


def _bounded_int(low: int, high: int) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        if not value.isdigit() or not low <= int(value) <= high:
            return f"expected a whole number from {low} to {high}"
        return None

    return check


SETTINGS: tuple[Setting, ...] = (
    Setting("SLACK_BOT_TOKEN", None, "Bot token (xoxb-...) from the app's OAuth page.", _prefix("xoxb-"), True),
    Setting(
        "SLACK_SIGNING_SECRET",
        None,
        "Signing secret from the app's Basic Information page; verifies that HTTP requests come from Slack.",
        None,
        True,
    ),
    Setting("SLACK_APP_TOKEN", None, "App-level token (xapp-...) with connections:write, for Socket Mode.", _prefix("xapp-"), True),
    Setting(
        "SLACK_ADMIN_TOKEN",
        None,
        "Optional user token (xoxp-...) of a workspace admin, used only for what a bot token cannot do: deleting members' messages.",
        _prefix("xoxp-"),
        True,
    ),
    Setting("SLACK_API_URL", DEFAULT_API_URL, "Web API base URL; change only to point modbot at a test server.", _url),
    Setting("MODBOT_DB", "./modbot.db", "Path of the SQLite database (created if missing)."),
    Setting(
        "MODBOT_MOD_CHANNEL",
        None,
        "ID of the private moderator channel; its members are the moderators.",
        _channel_id,
    ),
    Setting("MODBOT_CONFIG", None, "Optional path to modbot.toml (policies, channels, expert programme)."),
    Setting("MODBOT_LOG_LEVEL", "INFO", "Log level: DEBUG, INFO, WARNING or ERROR.", _log_level),
    Setting("MODBOT_LOG_FORMAT", "text", "text, or json for one JSON object a line (same masking and cutting).",
            _log_format),
    # /healthz and /metrics for operators, on a port of their own (not the
    # public one `serve` answers Slack on).
    Setting("MODBOT_METRICS_HOST", "127.0.0.1", "Address of the local /metrics and /healthz server."),
    Setting("MODBOT_METRICS_PORT", "9464", "Port of the local /metrics and /healthz server; 0 picks a free one, "
            "off turns it off.", _port_or_off),
    # `modbot serve` (waitress). Slack sends a whole small request at once,
    # so anything idle or slow is a stranger holding a connection.
    Setting(
        "MODBOT_HTTP_CONNECTION_LIMIT",
        "1000",
        "HTTP connections open at once; more wait in the listen queue.",
        _bounded_int(10, 100_000),
    ),
    Setting(
        "MODBOT_HTTP_CHANNEL_TIMEOUT",
        "15",
        "Seconds an HTTP connection may sit idle or half-sent before it is closed.",
        _bounded_int(1, 3600),
    ),
    Setting("MODBOT_HTTP_MAX_BODY", "1048576", "Largest request body in bytes (larger: 413).", _bounded_int(1024, 100_000_000)),
    Setting(
        "MODBOT_HTTP_MAX_HEADER", "16384", "Largest request header block in bytes (larger: 431).", _bounded_int(1024, 1_048_576)
    ),
)
SETTING_NAMES = tuple(s.name for s in SETTINGS)
# MODBOT_ variables of this repository's other tools, which the bot does
# not read: the benches' data folder (bench/_data.py).
OTHER_TOOLS = frozenset({"MODBOT_SHARED_DATA"})
_INT_SETTINGS = tuple(s.name.lower() for s in SETTINGS if s.name.startswith("MODBOT_HTTP_"))


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_admin_token: str | None = None
    slack_api_url: str = DEFAULT_API_URL
    modbot_db: str = "./modbot.db"
    modbot_mod_channel: str | None = None
    modbot_config: str | None = None
    modbot_log_level: str = "INFO"
    modbot_log_format: str = "text"
    modbot_metrics_host: str = "127.0.0.1"
    modbot_metrics_port: str = "9464"
    modbot_http_connection_limit: int = 1000
    modbot_http_channel_timeout: int = 15
    modbot_http_max_body: int = 1_048_576
    modbot_http_max_header: int = 16_384
    config: "AppConfig" = field(default_factory=lambda: AppConfig())

    def __repr__(self) -> str:  # never print tokens
        shown = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "config"}
        for s in SETTINGS:
            key = s.name.lower()
            if s.secret and shown.get(key):
                shown[key] = "***"
        return f"Settings({shown})"


def _suggest(name: str, known: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    return f" (did you mean {close[0]}?)" if close else ""


def load_settings(env: Mapping[str, str] | None = None, *, require: tuple[str, ...] = ()) -> Settings:
    """Build Settings from `env` (default os.environ) and the config file.

    Raises SettingError naming the first bad setting.
    """
    env = os.environ if env is None else env
    for name in env:
        # A misspelt name would otherwise be ignored silently.
        if name.startswith("MODBOT_") and name not in SETTING_NAMES and name not in OTHER_TOOLS:
            raise SettingError(f"{name}: unknown setting{_suggest(name, SETTING_NAMES)}")
        if name.startswith("SLACK_") and name not in SETTING_NAMES:
            hint = _suggest(name, SETTING_NAMES)
            if hint:
                raise SettingError(f"{name}: unknown setting{hint}")
    values: dict[str, Any] = {}
    for s in SETTINGS:
        raw = env.get(s.name)
        if raw is not None:
            raw = raw.strip()
        if not raw:
            raw = s.default
        if raw is None:
            if s.name in require:
                raise SettingError(f"{s.name}: required but not set ({s.help})")
            continue
        if s.check and raw != s.default:
            problem = s.check(raw)
            if problem:
                raise SettingError(f"{s.name}: {problem}")
        values[s.name.lower()] = raw.upper() if s.name == "MODBOT_LOG_LEVEL" else raw
    for name in _INT_SETTINGS:
        values[name] = int(values[name])
    if not values["slack_api_url"].endswith("/"):
        values["slack_api_url"] += "/"
    config = load_config(values.get("modbot_config"))
    return Settings(**values, config=config)


# ---------------------------------------------------------------------------
# modbot.toml

@dataclass(frozen=True)
class CommunityConfig:
    name: str = "our community"
    timezone: str = "UTC"
    workspace_url: str = ""


@dataclass(frozen=True)
class ModerationConfig:
    flag_daily_cap: int = 20
    flag_remove_threshold: float = 5.0
    flag_weights: dict = field(
        default_factory=lambda: {"new_member": 0.5, "member": 1.0, "expert": 2.0, "employee": 2.0, "moderator": 3.0, "admin": 3.0}
    )
    new_member_days: int = 7
    auto_remove_min_score: float = 0.9
    warning_expiry_days: int = 180
    suspension_steps: list = field(default_factory=lambda: [1, 3, 7, 30, 0])
    kick_channels: list = field(default_factory=list)
    escalation_contacts: list = field(default_factory=list)
    moderator_cache_seconds: int = 60
    retention_days: int = 90
    # Decisions a rule needs before modbot suggests a new threshold for it,
    # or trusting it to remove by itself (`modbot rules`, App Home).
    rule_min_decisions: int = 30
    # Floods: one author's flood, duplicate and cross-post findings within
    # this many seconds of the last join one case, and what is done to the
    # excess until a moderator decides (FLOOD_RESPONSES).
    flood_case_window_s: int = 600
    flood_response: str = "slow_mode"
    flood_slow_mode_per_minute: int = 5
    # A raid: this many accounts younger than new_member_days posting links,
    # or the same text, within raid_window_s seconds make one case.
    raid_min_accounts: int = 5
    raid_window_s: int = 600
    # The moderator channel: when more low-severity cards than this wait to
    # be posted, one digest message stands for them until the channel has room.
    digest_after: int = 5


# remove: every repeat after the first is removed; slow_mode: the author's
# messages beyond flood_slow_mode_per_minute a minute are removed; none: the
# case only.
FLOOD_RESPONSES = ("remove", "slow_mode", "none")


@dataclass(frozen=True)
class ExpertsConfig:
    usergroup: str = ""
    minimum: int = 10
    grace_days: int = 30
    spotlight_channel: str = ""
    help_channels: list = field(default_factory=list)
    employee_usergroup: str = ""
    employee_email_domains: list = field(default_factory=list)


@dataclass(frozen=True)
class WelcomeConfig:
    enabled: bool = True
    channels: list = field(default_factory=list)
    # ID of the workspace's custom profile field for the company (Xf...);
    # empty: any custom field whose ID or label mentions "company".
    company_field: str = ""


@dataclass(frozen=True)
class ChannelConfig:
    topic: str = ""
    # Suggestions of earlier threads are private to the asker unless this is on.
    public_suggestions: bool = False


@dataclass(frozen=True)
class SuggestionsConfig:
    """Pointing a new question to earlier threads (bot/services/suggestions)."""

    enabled: bool = True
    # The score (0..1) a thread needs to be suggested: the lowest with
    # precision at 1 >= 0.8 on bench/suggest.py's tuning half.
    min_score: float = 0.52
    # How far "not related" marks may raise min_score.
    max_raise: float = 0.2


@dataclass(frozen=True)
class GuidelinesConfig:
    file: str = ""


@dataclass(frozen=True)
class AppConfig:
    community: CommunityConfig = field(default_factory=CommunityConfig)
    moderation: ModerationConfig = field(default_factory=ModerationConfig)
    experts: ExpertsConfig = field(default_factory=ExpertsConfig)
    welcome: WelcomeConfig = field(default_factory=WelcomeConfig)
    guidelines: GuidelinesConfig = field(default_factory=GuidelinesConfig)
    suggestions: SuggestionsConfig = field(default_factory=SuggestionsConfig)
    channels: dict = field(default_factory=dict)  # channel id or name -> ChannelConfig
    policies: Any = None  # policies.PolicyConfig, or None for the built-in defaults
    source: str = "(defaults)"
    base_dir: str = "."


_SECTIONS = {
    "community": CommunityConfig,
    "moderation": ModerationConfig,
    "experts": ExpertsConfig,
    "welcome": WelcomeConfig,
    "guidelines": GuidelinesConfig,
    "suggestions": SuggestionsConfig,
}


def _type_ok(expected: Any, value: Any) -> bool:
    if isinstance(expected, bool):
        return isinstance(value, bool)
    if isinstance(expected, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(expected, int):
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, type(expected))


def _section(cls: type, data: Any, *, source: str, where: str):
    if not isinstance(data, dict):
        raise SettingError(f"{source}: {where}: expected a table")
    defaults = cls()
    known = [f.name for f in fields(cls)]
    for key, value in data.items():
        if key not in known:
            raise SettingError(f"{source}: {where}.{key}: unknown key{_suggest(key, known)}")
        expected = getattr(defaults, key)
        if not _type_ok(expected, value):
            raise SettingError(
                f"{source}: {where}.{key}: expected {type(expected).__name__}, got {type(value).__name__} {value!r}"
            )
    return cls(**data)


def parse_config(data: dict, *, source: str, base_dir: str = ".") -> AppConfig:
    known = [*_SECTIONS, "channels", "policies"]
    for key in data:
        if key not in known:
            raise SettingError(f"{source}: {key}: unknown section{_suggest(key, known)}")
    parts: dict[str, Any] = {}
    for name, cls in _SECTIONS.items():
        if name in data:
            parts[name] = _section(cls, data[name], source=source, where=name)
    community = parts.get("community", CommunityConfig())
    try:
        ZoneInfo(community.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingError(f"{source}: community.timezone: unknown time zone {community.timezone!r}") from None
    channels = {}
    raw_channels = data.get("channels", {})
    if not isinstance(raw_channels, dict):
        raise SettingError(f"{source}: channels: expected a table of channel tables")
    for channel, table in raw_channels.items():
        channels[channel] = _section(ChannelConfig, table, source=source, where=f"channels.{channel}")
    suggestions = parts.get("suggestions", SuggestionsConfig())
    if not 0 < suggestions.min_score <= 1:
        raise SettingError(f"{source}: suggestions.min_score: expected a number above 0 and at most 1")
    if not 0 <= suggestions.max_raise <= 1:
        raise SettingError(f"{source}: suggestions.max_raise: expected a number between 0 and 1")
    moderation = parts.get("moderation", ModerationConfig())
    if moderation.rule_min_decisions < 1:
        raise SettingError(f"{source}: moderation.rule_min_decisions: expected a whole number of at least 1")
    if not 0 <= moderation.auto_remove_min_score <= 1:
        raise SettingError(f"{source}: moderation.auto_remove_min_score: expected a number between 0 and 1")
    if moderation.flood_response not in FLOOD_RESPONSES:
        raise SettingError(f"{source}: moderation.flood_response: expected one of {', '.join(FLOOD_RESPONSES)},"
                           f" got {moderation.flood_response!r}")
    for key in ("flood_slow_mode_per_minute", "flood_case_window_s", "raid_window_s"):
        if getattr(moderation, key) < 1:
            raise SettingError(f"{source}: moderation.{key}: expected 1 or more")
    if moderation.digest_after < 0:
        raise SettingError(f"{source}: moderation.digest_after: expected 0 or more")
    if moderation.raid_min_accounts < 2:  # one account is not a raid: each newcomer's link would open one
        raise SettingError(f"{source}: moderation.raid_min_accounts: expected 2 or more")
    policy_config = None
    if "policies" in data:
        import policies  # deferred: the policy engine loads its classifier

        try:
            policy_config = policies.load_policy_config(data["policies"], source=source)
        except policies.PolicyConfigError as exc:
            raise SettingError(str(exc)) from None
    return AppConfig(**parts, channels=channels, policies=policy_config, source=source, base_dir=base_dir)


def load_config(path: str | None) -> AppConfig:
    if not path:
        return AppConfig()
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingError(f"MODBOT_CONFIG: cannot read {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(data, source=str(path), base_dir=str(p.parent))
