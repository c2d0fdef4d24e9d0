"""Stay on topic: when a member asks in a help channel, point them to the
earlier threads that already answer it.

What happens to a question (a top-level message the expert programme counts
as one, in a help channel):
1. Only public channels take part: a private channel's question is never
   indexed and never gets suggestions (its members could not share the
   answer with the rest of the community anyway).
2. The question is recorded (storage.suggestions), then looked up in the
   index (bot.services.suggestions.index). A thread is suggested when it
   scores at least the threshold, has at least one answer, was not asked by
   the same member and is not deleted; at most three.
3. The suggestion is recorded once per question, and in the same
   transaction its message is queued in the outbox: privately to the asker
   (chat.postEphemeral; a DM if Slack refuses the ephemeral), or as a reply
   in the question's thread where `[channels.<id>] public_suggestions` is on.
4. Its buttons: "Not related" (moderators and the asker; recorded, and
   `tuned_threshold` raises the threshold when such marks pile up at low
   scores) and "Don't suggest to me" (the member is never sent one again;
   `/myactivity suggestions on` undoes it).

Retention (daily job `suggestion_retention`): after `retention_days` a
question keeps only its first line, which is what a suggestion shows and
what anyone in the channel can still read in Slack; the index then matches
on that line. A deleted question is dropped at once. Suggestions and the
marks on them are deleted after `retention_days`.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from cachetools import TTLCache

from bot.runtime import Modbot
from bot.services.experts import looks_like_question
from bot.services.messages import SeenMessage
from bot.services.suggestions.index import QuestionIndex, first_line
from bot.slack.blocks import suggestions as blocks
from bot.slack.effects import Kind
from bot.slack.gateway import GatewayError, Outcome
from storage.outbox import OutboxItem
from storage import suggestions as suggestions_db
from storage import retention as retention_db
from storage.db import transaction

log = logging.getLogger("modbot.suggestions")

SHOWN = 3
LOOKUP = 10  # candidates read from the database before the filters
TUNING_WINDOW_DAYS = 90
MIN_MARKS_TO_TUNE = 3
TARGET_PRECISION = 0.8
CHANNEL_CACHE_SIZE = 1000


def tuned_threshold(base: float, outcomes: list[tuple[float, bool]], *, max_raise: float,
                    target: float = TARGET_PRECISION, min_marks: int = MIN_MARKS_TO_TUNE) -> float:
    """The threshold after "not related" marks.

    `outcomes` are (top score, marked not related) of recent suggestions.
    Counting a marked suggestion as wrong and an unmarked one as right, the
    threshold rises to the lowest score at which suggestions reach `target`
    precision, never by more than `max_raise`, and not at all for fewer
    than `min_marks` marks (one person's opinion does not move it).
    """
    wrong = sorted(s for s, bad in outcomes if bad and s >= base)
    if len(wrong) < min_marks:
        return base
    for t in [base, *(s + 1e-6 for s in wrong)]:
        if t > base + max_raise:
            break
        kept = [bad for s, bad in outcomes if s >= t]
        if not kept or 1 - sum(kept) / len(kept) >= target:
            return t
    return base + max_raise


@dataclass(frozen=True)
class Found:
    question: suggestions_db.EarlierQuestion
    score: float


class SuggestionService:
    def __init__(self, rt: Modbot, *, index: QuestionIndex | None = None):
        self.rt = rt
        self.index = index or QuestionIndex()
        self._seq = -1  # the last change the index has seen; -1: not built yet
        self._sync_lock = threading.Lock()
        # Channel -> is private, for events without channel_type; bounded
        # (signed payloads can name any channel), and a channel converted
        # to private is noticed within the hour.
        self._private: TTLCache[str, bool] = TTLCache(maxsize=CHANNEL_CACHE_SIZE, ttl=3600)

    # -- wiring -----------------------------------------------------------------
    def register(self) -> None:
        # Subscribed after the expert programme, so a question's answers and
        # deletions are already counted when it is looked up.
        self.rt.services.messages.subscribe("suggestions", self.on_message)
        self.rt.add_job("suggestion_retention", self.run_retention, "cron", hour=3, minute=41)

    @property
    def config(self):
        return self.rt.settings.config.suggestions

    @property
    def db(self):
        return self.rt.store.db

    # -- a message ----------------------------------------------------------------
    def on_message(self, message: SeenMessage) -> None:
        if not self.config.enabled or not self.rt.services.experts.is_help_channel(message):
            return
        if message.kind == "deleted":
            suggestions_db.mark_deleted(self.db, channel=message.channel, ts=message.ts)
            return
        if message.kind not in ("new", "edited") or message.is_reply or not message.user:
            return
        if not looks_like_question(message.text) or not self.is_public(message):
            return
        try:
            posted_at = float(message.ts)
        except ValueError:
            return
        question = suggestions_db.record_question(
            self.db, channel=message.channel, ts=message.ts, user=message.user, text=message.text,
            first_line=first_line(message.text), posted_at=posted_at,
        )
        if question is None or message.kind != "new" or suggestions_db.is_opted_out(self.db, message.user):
            return
        try:
            threshold = self.threshold()
            found = self.find(message.text, asker=message.user, exclude=(question,), threshold=threshold)
            if found:
                self._suggest(message, found, threshold=threshold)
        except GatewayError as exc:
            # A hint is not worth retrying the whole event for.
            log.warning("no suggestion for a question: %s", exc.error)

    def is_public(self, message: SeenMessage) -> bool:
        if message.channel_type:
            return message.channel_type == "channel"
        private = self._private.get(message.channel)
        if private is None:
            try:
                info = self.rt.gateway.call("conversations.info", channel=message.channel).get("channel") or {}
            except GatewayError as exc:
                log.info("channel visibility unknown (%s); not indexing", exc.error)
                return False
            private = bool(info.get("is_private", True))
            self._private[message.channel] = private
        return not private

    # -- looking up ---------------------------------------------------------------
    def sync(self) -> None:
        """Bring the index up to date with the database (other processes and
        `modbot audit --import-activity` write there too)."""
        with self._sync_lock:
            db = self.db
            if self._seq < 0 or suggestions_db.count_changes_since(db, self._seq) > self.index.tail_limit:
                seq = suggestions_db.max_seq(db)
                self.index.build(suggestions_db.live_questions(db))
                self._seq = seq
                return
            for change in suggestions_db.changes_since(db, self._seq):
                if change.live:
                    self.index.add(change.id, change.text)
                else:
                    self.index.remove(change.id)
                self._seq = change.seq

    def threshold(self) -> float:
        since = self.rt.clock.now() - TUNING_WINDOW_DAYS * 86400
        return tuned_threshold(self.config.min_score, suggestions_db.outcomes_since(self.db, since=since),
                               max_raise=self.config.max_raise)

    def find(self, text: str, *, asker: str, exclude: tuple[int, ...] = (),
             threshold: float | None = None) -> list[Found]:
        self.sync()
        if threshold is None:
            threshold = self.threshold()
        matches = [m for m in self.index.search(text, limit=LOOKUP, exclude=exclude) if m.score >= threshold]
        questions = suggestions_db.earlier_questions(self.db, [m.doc_id for m in matches])
        found = []
        for m in matches:
            q = questions.get(m.doc_id)
            if q is not None and not q.deleted and q.answers > 0 and q.user_id != asker:
                found.append(Found(q, m.score))
        return found[:SHOWN]

    # -- suggesting -----------------------------------------------------------------
    def _suggest(self, message: SeenMessage, found: list[Found], *, threshold: float) -> None:
        channel_cfg = self.rt.settings.config.channels.get(message.channel)
        public = bool(channel_cfg and channel_cfg.public_suggestions)
        # Links first: Slack calls stay outside the write transaction.
        links = [blocks.ThreadLink(self._permalink(f.question), f.question.first_line, f.question.answers) for f in found]
        matches = [{"question": f.question.id, "score": round(f.score, 4)} for f in found]
        key = f"suggest:{message.channel}:{message.ts}"
        with transaction(self.db):
            suggestion, created = suggestions_db.record_suggestion(
                self.db, channel=message.channel, ts=message.ts, asker=message.user, matches=matches,
                threshold=threshold, public=public, now=self.rt.clock.now(),
            )
            if not created:
                return
            text, body = blocks.suggestion_message(links, suggestion_id=suggestion.id, public=public)
            if public:
                args = {"channel": message.channel, "thread_ts": message.ts, "text": text, "blocks": body,
                        "unfurl_links": False, "unfurl_media": False}
                self.rt.gateway.enqueue(key=key, method="chat.postMessage", args=args, purpose=Kind.SUGGESTION_PUBLIC.value)
            else:
                args = {"channel": message.channel, "user": message.user, "text": text, "blocks": body}
                self.rt.gateway.enqueue(key=key, method="chat.postEphemeral", args=args, purpose=Kind.SUGGESTION.value)
        log.info("suggested %d earlier thread(s) for a question (top score %.2f)", len(found), found[0].score)

    @property
    def effects(self) -> "SuggestionEffects":
        """The gateway's handler for this service's calls (bot/services/__init__.py)."""
        return SuggestionEffects(self)

    def ephemeral_finished(self, outcome: Outcome) -> None:
        """Slack refused the ephemeral (the asker left, the channel was
        archived...): send the same suggestion as a DM instead."""
        if outcome.ok or not outcome.final:
            return
        args = outcome.item.args
        self.rt.gateway.enqueue(
            key=f"{outcome.item.key}:dm", method="chat.postMessage",
            args={"channel": args["user"], "text": args["text"], "blocks": args["blocks"],
                  "unfurl_links": False, "unfurl_media": False},
            purpose=Kind.SUGGESTION_DM.value,
        )

    def _permalink(self, question: suggestions_db.EarlierQuestion) -> str | None:
        try:
            link = self.rt.gateway.call("chat.getPermalink", channel=question.channel, message_ts=question.ts).get("permalink")
            if isinstance(link, str) and link:
                return link
        except GatewayError as exc:
            log.info("no permalink for an earlier question (%s)", exc.error)
        base = self.rt.settings.config.community.workspace_url.rstrip("/")
        return f"{base}/archives/{question.channel}/p{question.ts.replace('.', '')}" if base else None

    # -- the buttons and /myactivity suggestions ------------------------------------------
    def not_related(self, *, user: str, value: str) -> str:
        """A "Not related" click: recorded for moderators and the asker."""
        suggestion = suggestions_db.get_suggestion(self.db, int(value)) if value.isdigit() else None
        if suggestion is None:
            return blocks.GONE
        if self.rt.services.people.is_moderator(user):
            role = "moderator"
        elif user == suggestion.asker:
            role = "asker"
        else:
            return blocks.NOT_RELATED_REFUSED
        created = suggestions_db.record_feedback(self.db, suggestion_id=suggestion.id, user=user, role=role,
                                                 now=self.rt.clock.now())
        if created:
            log.info("suggestion %d marked not related by the %s (top score %.2f)", suggestion.id, role, suggestion.top_score)
        return blocks.NOT_RELATED_THANKS if created else blocks.NOT_RELATED_ALREADY

    def set_opted_out(self, *, user: str, opted_out: bool) -> str:
        changed = suggestions_db.set_opted_out(self.db, user=user, opted_out=opted_out, now=self.rt.clock.now())
        if opted_out:
            return blocks.OPTED_OUT if changed else blocks.ALREADY_OUT
        return blocks.OPTED_IN if changed else blocks.ALREADY_IN

    def press(self, button: str, *, user: str, channel: str | None, value: str) -> None:
        """A click on one of the suggestion's buttons ('not_related' or
        'opt_out'); the member who clicked is told what happened, privately."""
        if button == "not_related":
            text = self.not_related(user=user, value=value)
        else:
            text = self.set_opted_out(user=user, opted_out=True)
        if not channel:
            return
        note, body = blocks.note(text)
        try:
            self.rt.gateway.call("chat.postEphemeral", channel=channel, user=user, text=note, blocks=body)
        except GatewayError as exc:
            log.info("could not answer a suggestion click (%s)", exc.error)

    # -- retention --------------------------------------------------------------------
    def run_retention(self) -> tuple[int, int]:
        before = self.rt.clock.now() - self.rt.settings.config.moderation.retention_days * 86400
        trimmed = suggestions_db.trim_before(self.db, before=before)
        purged = suggestions_db.purge_suggestions(self.db, before=before)
        if trimmed or purged:  # the cut words' old pages are still in the WAL and the file
            retention_db.truncate_wal(self.db)
        log.info("suggestion retention: %d questions cut to their first line, %d suggestions deleted", trimmed, purged)
        return trimmed, purged


class SuggestionEffects:
    """What follows a suggestion's Slack call (an EffectHandler)."""

    kinds = frozenset({Kind.SUGGESTION})

    def __init__(self, service: SuggestionService):
        self.service = service

    def finished(self, outcome: Outcome) -> None:
        self.service.ephemeral_finished(outcome)

    def refresh(self, item: OutboxItem) -> dict | None:
        return None

    def reconcile(self, item: OutboxItem):
        # An ephemeral message leaves nothing to look for: one interrupted
        # mid-call is taken as sent (a hint shown twice is worse than none).
        return {"ok": True, "assumed": True}

    def withdrawn(self, item: OutboxItem) -> bool:
        return False
