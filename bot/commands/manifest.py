"""`modbot manifest`: the Slack app manifest to paste at api.slack.com/apps.

    modbot manifest                                          Socket Mode (`modbot run`)
    modbot manifest --http https://mod.example.com/slack/events
                                                             HTTP (`modbot serve`)

manifest.yml in the repository is the Socket Mode manifest and the one
source of the app's features and scopes; HTTP mode is the same app with
Socket Mode off and Slack's request URLs (events, interactivity, which also
carries shortcuts, and every slash command) set to the URL given.
"""
from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path
from urllib.parse import urlsplit

MANIFEST_PATH = Path(__file__).resolve().parents[2] / "manifest.yml"
HEADER = """\
# Slack app manifest for modbot, {mode}.
# Printed by `modbot manifest{args}`. Paste it at https://api.slack.com/apps
# -> "Create New App" -> "From an app manifest" (or an existing app's
# "App Manifest" page).
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--socket", action="store_true",
                      help="Socket Mode, for `modbot run` (the default; the same as manifest.yml)")
    mode.add_argument("--http", metavar="URL",
                      help="HTTP mode, for `modbot serve`: the public https:// URL of POST /slack/events")


def load_manifest(path: Path = MANIFEST_PATH) -> dict:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def for_socket_mode(manifest: dict) -> dict:
    out = copy.deepcopy(manifest)
    settings = out["settings"]
    settings["socket_mode_enabled"] = True
    settings.get("event_subscriptions", {}).pop("request_url", None)
    settings.get("interactivity", {}).pop("request_url", None)
    for command in out.get("features", {}).get("slash_commands", []):
        command.pop("url", None)
    return out


def for_http(manifest: dict, url: str) -> dict:
    """Socket Mode off; Slack sends events, interactivity (buttons, modals,
    shortcuts) and slash commands to `url`."""
    out = for_socket_mode(manifest)
    settings = out["settings"]
    settings["socket_mode_enabled"] = False
    settings["event_subscriptions"]["request_url"] = url
    settings["interactivity"]["request_url"] = url
    for command in out["features"].get("slash_commands", []):
        command["url"] = url
    return out


def url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return f"expected the public https:// URL Slack will call, such as https://mod.example.com/slack/events; got {url!r}"
    if parts.hostname in ("localhost", "127.0.0.1", "0.0.0.0", "::1"):
        return f"{parts.hostname} is not reachable from Slack; give the public address of your reverse proxy"
    return None


def run(args: argparse.Namespace) -> int:
    import yaml

    if args.http is not None:
        problem = url_problem(args.http.strip())
        if problem:
            print(f"modbot manifest: --http: {problem}", file=sys.stderr)
            return 2
    try:
        manifest = load_manifest()
    except OSError:
        print(f"modbot manifest: {MANIFEST_PATH} not found (run modbot from its checkout)", file=sys.stderr)
        return 2
    if args.http is not None:
        out, mode, shown = for_http(manifest, args.http.strip()), "HTTP mode, `modbot serve`", f" --http {args.http.strip()}"
    else:
        out, mode, shown = for_socket_mode(manifest), "Socket Mode, `modbot run`", " --socket"
    sys.stdout.write(HEADER.format(mode=mode, args=shown))
    sys.stdout.write(yaml.safe_dump(out, sort_keys=False, allow_unicode=True, width=100))
    return 0
