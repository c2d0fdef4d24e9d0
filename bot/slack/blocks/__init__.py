"""Block Kit rendering: pure functions from data to Slack message and view
payloads, built with slack-sdk's models so Slack's limits are checked here
rather than discovered as invalid_blocks at run time."""
from __future__ import annotations

from slack_sdk.models.blocks import Block


def escape(text: str) -> str:
    """Slack mrkdwn escaping: a member's words never become a mention or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "\u2026"


def to_dicts(blocks: list[Block]) -> list[dict]:
    return [b.to_dict() for b in blocks]


def slack_date(ts: float, fallback: str) -> str:
    """A date Slack shows in the reader's own time zone."""
    return f"<!date^{int(ts)}^{{date_long_pretty}} at {{time}}|{fallback}>"
