"""The spotlight: on the 1st, up to five experts with the most answers last
month, each with links to their best-received answers
(storage.activity.best_answers: the asker came back to the thread, then the
livelier thread)."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.services.experts.common import ExpertBase
from bot.services.experts.months import previous_month
from bot.slack.blocks import experts as expert_blocks
from bot.slack.gateway import GatewayError
from storage import activity as activity_db
from storage import experts as experts_db

log = logging.getLogger("modbot.experts")

SPOTLIGHT_SIZE = 5
BEST_ANSWERS = 3


@dataclass(frozen=True)
class SpotlightEntry:
    user: str
    certified: bool
    answers: int
    links: list[str] = field(default_factory=list)


class Spotlight(ExpertBase):
    def spotlight_entries(self, month: str) -> list[SpotlightEntry]:
        experts = {e.user_id: e for e in experts_db.list_experts(self.db)}
        top = [(u, n) for u, n in activity_db.top_answerers(self.db, month=month, limit=200) if u in experts]
        entries = []
        for user, answers in top[:SPOTLIGHT_SIZE]:
            links = []
            for best in activity_db.best_answers(self.db, user=user, month=month, limit=BEST_ANSWERS):
                link = self._permalink(best.channel, best.answer_ts, best.thread_ts)
                if link:
                    links.append(link)
            entries.append(SpotlightEntry(user, experts[user].certified, answers, links))
        return entries

    def _permalink(self, channel: str, ts: str, thread_ts: str) -> str | None:
        try:
            link = self.gateway.call("chat.getPermalink", channel=channel, message_ts=ts).get("permalink")
            if isinstance(link, str) and link:
                return link
        except GatewayError as exc:
            log.info("no permalink for an answer (%s)", exc.error)
        base = self.settings.config.community.workspace_url.rstrip("/")
        if base:
            return f"{base}/archives/{channel}/p{ts.replace('.', '')}?thread_ts={thread_ts}&cid={channel}"
        return None

    def run_spotlight(self) -> None:
        channel = self.config.spotlight_channel
        if not channel:
            return
        month = previous_month(self.current_month())
        db = self.db
        if not experts_db.claim_run(db, job="expert_spotlight", period=month, now=self.now()):
            return
        entries = self.spotlight_entries(month)
        if entries:
            text, blocks = expert_blocks.spotlight_message(month, entries)
            self.gateway.enqueue(
                key=f"expert-spotlight:{month}",
                method="chat.postMessage",
                args={"channel": channel, "text": text, "blocks": blocks, "unfurl_links": False},
                purpose="expert_spotlight",
            )
        experts_db.finish_run(db, job="expert_spotlight", period=month, now=self.now())
