"""Message events: new, edited, deleted, in threads; every subtype is
listened to so that none goes unanswered, and bots' messages are dropped
here (the app's own are dropped by Bolt's IgnoringSelfEvents)."""
from __future__ import annotations

from slack_bolt import App

from bot.services.messages import SeenMessage
from handlers.payload import text

# Subtypes that are not a person's words.
SKIPPED_SUBTYPES = {
    "bot_message",
    "channel_join",
    "channel_leave",
    "channel_topic",
    "channel_purpose",
    "channel_name",
    "channel_archive",
    "channel_unarchive",
    "group_join",
    "group_leave",
    "pinned_item",
    "unpinned_item",
    "ekm_access_denied",
    "reminder_add",
    "message_replied",
    "assistant_app_thread",
}


def is_from_bot(message: dict) -> bool:
    return bool(message.get("bot_id") or message.get("bot_profile")) or message.get("subtype") == "bot_message"


def _files(message: dict) -> tuple[str, ...]:
    files = message.get("files")
    if not isinstance(files, list):
        return ()
    return tuple(str(f.get("name") or f.get("title") or "") for f in files if isinstance(f, dict))


def _attachments(message: dict) -> tuple[str, ...]:
    items = message.get("attachments")
    if not isinstance(items, list):
        return ()
    out = []
    for a in items:
        if isinstance(a, dict) and not a.get("is_app_unfurl"):
            text = " ".join(str(a.get(k) or "") for k in ("pretext", "title", "text", "fallback") if a.get(k))
            if text:
                out.append(text)
    return tuple(out)


def to_seen_message(event: dict) -> SeenMessage | None:
    """The message an event is about, or None when there is nothing to check."""
    subtype = event.get("subtype")
    channel = event.get("channel")
    if not isinstance(channel, str) or not (subtype is None or isinstance(subtype, str)):
        return None
    if subtype in SKIPPED_SUBTYPES:
        return None
    previous = event.get("previous_message")
    previous = previous if isinstance(previous, dict) else {}
    channel_type = str(event.get("channel_type") or "")
    if subtype == "message_changed":
        message = event.get("message") or {}
        if not isinstance(message, dict) or is_from_bot(message):
            return None
        # An unfurl also arrives as message_changed with the same text.
        if previous and previous.get("text") == message.get("text"):
            return None
        kind, source, previous_text = "edited", message, text(previous.get("text"))
    elif subtype == "message_deleted":
        ts = text(event.get("deleted_ts") or previous.get("ts"))
        if ts is None:
            return None
        return SeenMessage(kind="deleted", channel=channel, ts=ts, user=text(previous.get("user")) or "", text="",
                           thread_ts=text(previous.get("thread_ts")), channel_type=channel_type)
    else:
        if is_from_bot(event):
            return None
        kind = "thread_broadcast" if subtype == "thread_broadcast" else "new"
        source, previous_text = event, None
    user, ts = text(source.get("user")), text(source.get("ts"))
    if user is None or ts is None:
        return None
    return SeenMessage(
        kind=kind,
        channel=channel,
        ts=ts,
        user=user,
        text=text(source.get("text")) or "",
        thread_ts=text(source.get("thread_ts")),
        channel_type=channel_type,
        files=_files(source),
        attachments=_attachments(source),
        previous_text=previous_text,
    )


def register(app: App) -> None:
    @app.event("message")
    def on_message(event: dict, context) -> None:
        message = to_seen_message(event)
        if message is not None:
            context["modbot"].services.messages.handle(message)
