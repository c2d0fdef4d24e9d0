"""What happens to each message Slack shows us: it is remembered (for
snapshots and edits), then passed to the services that care (moderation,
activity counting) in the order they subscribed."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from bot.runtime import Modbot

log = logging.getLogger("modbot.messages")


@dataclass(frozen=True)
class SeenMessage:
    """A message event reduced to what the services need."""

    kind: str  # "new" | "edited" | "deleted" | "thread_broadcast"
    channel: str
    ts: str
    user: str
    text: str
    thread_ts: str | None = None
    channel_type: str = ""
    files: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()
    previous_text: str | None = None

    @property
    def is_reply(self) -> bool:
        return bool(self.thread_ts) and self.thread_ts != self.ts


class MessageService:
    def __init__(self, rt: Modbot):
        self.rt = rt
        self.observers: list[tuple[str, Callable[[SeenMessage], None]]] = []

    def subscribe(self, name: str, observer: Callable[[SeenMessage], None]) -> None:
        self.observers.append((name, observer))

    def handle(self, message: SeenMessage) -> None:
        from storage import messages as messages_db

        db = self.rt.store.db
        now = self.rt.clock.now()
        if message.kind == "deleted":
            messages_db.mark_deleted(db, channel=message.channel, ts=message.ts)
        else:
            messages_db.remember(
                db,
                channel=message.channel,
                ts=message.ts,
                author=message.user,
                thread_ts=message.thread_ts,
                text=message.text,
                files=list(message.files),
                edited=message.kind == "edited",
                now=now,
            )
        for name, observer in self.observers:
            # Each observer records before it acts, so an exception here is
            # re-raised to keep the event pending and retried.
            observer(message)
        log.debug("message %s/%s handled by %d observers", message.channel, message.ts, len(self.observers))
