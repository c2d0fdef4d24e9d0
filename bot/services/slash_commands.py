"""The three slash commands' answers: /guidelines, /myactivity, /experts.

Each returns a Reply that the listener puts in its ack, so the answer is
private to the asker (response_type ephemeral), needs no Web API call and
arrives inside Slack's 3 seconds. Only /experts add|remove|certify talks to
Slack (the moderator list, cached, and the user group's member list).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from bot.runtime import Modbot
from bot.services import guidelines as guidelines_service
from bot.slack.blocks import experts as expert_blocks
from bot.slack.blocks import guidelines as guideline_blocks
from bot.slack.blocks import suggestions as suggestion_blocks

log = logging.getLogger("modbot.commands")

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_HELP_WORDS = {"help", "-h", "--help", "?", "usage"}


@dataclass(frozen=True)
class Reply:
    text: str
    blocks: list[dict]


def parse_mentions(text: str) -> tuple[list[str], str]:
    """User IDs mentioned in a command's text, and what is left over."""
    users = _MENTION.findall(text or "")
    rest = _MENTION.sub(" ", text or "").strip()
    return list(dict.fromkeys(users)), rest


class CommandService:
    def __init__(self, rt: Modbot):
        self.rt = rt

    @property
    def config(self):
        return self.rt.settings.config

    # -- /guidelines [topic] -------------------------------------------------------
    def guidelines(self, *, user: str, text: str) -> Reply:
        topic = guidelines_service.normalise_topic(text)
        if topic in _HELP_WORDS:
            return Reply(*guideline_blocks.topics_usage(guidelines_service.topics(self.config)))
        sections = guidelines_service.find(topic, self.config)
        if not sections:
            return Reply(*guideline_blocks.topics_usage(guidelines_service.topics(self.config), unknown=text.strip()))
        return Reply(*guideline_blocks.guidelines_reply(sections, community=self.config.community.name, topic=text.strip() if topic else ""))

    # -- /myactivity --------------------------------------------------------------
    def myactivity(self, *, user: str, text: str) -> Reply:
        words = (text or "").lower().split()
        if len(words) == 2 and words[0] == "suggestions" and words[1] in ("on", "off"):
            return Reply(*suggestion_blocks.note(
                self.rt.services.suggestions.set_opted_out(user=user, opted_out=words[1] == "off")))
        if (text or "").strip():
            return Reply(*expert_blocks.notice(expert_blocks.MYACTIVITY_USAGE))
        report = self.rt.services.experts.activity_report(user)
        return Reply(*expert_blocks.myactivity_reply(report))

    # -- /experts [add|remove|certify|uncertify @member] --------------------------
    def experts(self, *, user: str, text: str) -> Reply:
        experts = self.rt.services.experts
        words = (text or "").split()
        verb = words[0].lower() if words else ""
        if not verb:
            is_mod = experts.is_moderator(user)
            return Reply(
                *expert_blocks.experts_reply(
                    experts.roster(),
                    experts.most_helpful(),
                    month=experts.current_month(),
                    show_status=is_mod,
                    minimum=self.config.experts.minimum,
                )
            )
        if verb in _HELP_WORDS:
            return Reply(*expert_blocks.notice(expert_blocks.EXPERTS_USAGE))
        if verb not in ("add", "remove", "certify", "uncertify"):
            return Reply(*expert_blocks.notice(f"I don't know `{_safe(verb)}`.\n{expert_blocks.EXPERTS_USAGE}"))
        users, rest = parse_mentions(" ".join(words[1:]))
        if not users or rest:
            return Reply(
                *expert_blocks.notice(
                    f"`/experts {verb}` needs one or more members, mentioned with @ (for example `/experts {verb} @alex`)"
                    + (f"; I could not read `{_safe(rest)}`." if rest else ".")
                )
            )
        if not experts.is_moderator(user):
            return Reply(*expert_blocks.notice("Only moderators can change the expert roster."))
        lines = []
        for member in users:
            if verb == "add":
                done = experts.add(member, by=user)
                lines.append(f"<@{member}> is now an expert." if done else f"<@{member}> was already an expert.")
            elif verb == "remove":
                done = experts.remove(member, by=user)
                lines.append(f"<@{member}> is no longer an expert." if done else f"<@{member}> was not an expert.")
            else:
                certified = verb == "certify"
                added, changed = experts.certify(member, by=user, certified=certified)
                if certified:
                    lines.append(
                        f"<@{member}> is now a certified expert" + (" (and was added to the roster)." if added else ".")
                        if changed or added
                        else f"<@{member}> was already certified."
                    )
                else:
                    lines.append(f"<@{member}> is no longer marked certified." if changed else f"<@{member}> was not certified.")
        log.info("/experts %s by a moderator: %d member(s)", verb, len(users))
        return Reply(*expert_blocks.notice("\n".join(lines)))


def _safe(text: str) -> str:
    return text.replace("`", "'").replace("<", "&lt;").replace(">", "&gt;")[:80]
