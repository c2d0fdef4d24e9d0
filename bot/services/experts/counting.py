"""Counting answers: a reply in a help channel's thread by someone other
than the asker, once per question and member, in the month of the reply's
own Slack timestamp. Deleting the reply or the question takes it back."""
from __future__ import annotations

import logging

from bot.services.experts.months import month_of
from bot.services.experts.questions import looks_like_question
from bot.services.experts.review import Review
from bot.services.messages import SeenMessage
from storage import activity as activity_db
from storage import experts as experts_db

log = logging.getLogger("modbot.experts")


class Counting(Review):
    """An answer that arrives during a grace period may end it at once."""

    def is_help_channel(self, message: SeenMessage) -> bool:
        if message.channel == self.mod_channel:
            return False
        if self.config.help_channels:
            return message.channel in self.config.help_channels
        if message.channel_type:
            return message.channel_type == "channel"  # public channels the bot is in
        return message.channel.startswith("C")

    def on_message(self, message: SeenMessage) -> None:
        if not self.is_help_channel(message):
            return
        db = self.db
        if message.kind == "deleted":
            activity_db.mark_deleted(db, channel=message.channel, ts=message.ts)
            return
        if not message.user:
            return
        try:
            month = month_of(float(message.ts), self.tz)
        except ValueError:
            log.warning("message with an unreadable ts %r not counted", message.ts)
            return
        if message.is_reply:
            created = activity_db.record_reply(
                db, channel=message.channel, ts=message.ts, thread_ts=message.thread_ts or "", user=message.user, month=month
            )
            if created and experts_db.open_review(db, message.user) is not None:
                self.check_recovery(message.user)
        elif message.kind in ("new", "edited") and looks_like_question(message.text):
            # An edit that turns a statement into a question makes it one; an
            # edit the other way keeps it (answers already given stay given).
            activity_db.record_question(db, channel=message.channel, ts=message.ts, user=message.user, month=month)
