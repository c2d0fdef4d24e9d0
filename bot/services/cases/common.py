"""What every part of the case workflow shares: who clicked (`Click`), the
answers a modal can be acked with, and `CaseService`, the base each service
builds on. A service is given what it uses (the store, the clock, the
gateway, the settings, the people service) and the services it calls, in
its constructor; bot/services/cases/wiring.py builds them all."""
from __future__ import annotations

import hashlib
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import policies
from bot.services import guidelines as guidelines_service
from bot.services.base import Service
from bot.services.cases import rules
from bot.slack.blocks import case_forms as forms
from bot.slack.blocks import cases as cards
from bot.slack.effects import About, DirectMessage, ThreadPost
from bot.slack.gateway import GatewayError
from storage import audit as audit_db
from storage import cases as cases_db
from storage import transaction

log = logging.getLogger("modbot.moderation")

SYSTEM = "modbot"
CASE_GONE = "modbot cannot find this case any more."


@dataclass(frozen=True)
class Click:
    """Who clicked what, where (from a signed Slack payload)."""

    user: str
    channel: str | None
    message_ts: str | None
    value: str | None = None
    trigger_id: str | None = None
    response_url: str | None = None  # answers the clicker wherever they are
    in_home: bool = False  # a button in the clicker's App Home (the case is the button's value)


# Seven or more digits, allowing the separators people type between groups.
_DIGIT_RUN = re.compile(r"(?<![\w.])\+?\d(?:[\s\-./()]{0,2}\d){6,}(?![\w])")


def _mask_digits(m: re.Match) -> str:
    digits = [c for c in m.group(0) if c.isdigit()]
    return "\u2022\u2022\u2022" + "".join(digits[-2:])


def as_id(value) -> int | None:
    """A record id from a signed payload's string (a button value, a modal's
    private_metadata), or None: plain ASCII digits that fit SQLite's integer,
    so an edited value gets a clear answer rather than an error."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**63 else None
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()) or len(value) > 18:
        return None
    return int(value) or None


def short_hash(text: str) -> str:
    """A short, stable digest (outbox keys, message versions)."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def update_view(title: str, text: str) -> dict:
    """A view_submission answer: the modal now shows one message."""
    return {"response_action": "update", "view": forms.notice_view(title, text)}


def field_error(block: str, text: str) -> dict:
    """A view_submission answer: the modal stays open, `text` under a field."""
    return {"response_action": "errors", "errors": {block: text}}


def handled_view(case: cases_db.Case) -> dict:
    return update_view("Already handled", cards.handled_text(case.id, case.handled_action, case.handled_by))


class CaseService(Service):
    @property
    def cfg(self):
        return self.settings.config.moderation

    def archive_link(self, channel: str, ts: str) -> str | None:
        """A link to a message built from the workspace URL (no Slack call)."""
        base = self.settings.config.community.workspace_url.rstrip("/")
        return f"{base}/archives/{channel}/p{ts.replace('.', '')}" if base else None

    @contextmanager
    def recording(self) -> Iterator[None]:
        """One transaction for a decision and everything it queues (records
        first, acts second: only database writes inside). The outbox worker
        is woken once it has committed, so it finds the queued calls."""
        try:
            with transaction(self.db):
                yield
        finally:
            self.gateway.wake.set()

    def audit(self, *, actor: str, action: str, case_id: int | None, detail: dict | None = None,
               outcome: str = "recorded") -> None:
        audit_db.append(self.db, actor=actor, action=action, now=self.now(), case_id=case_id, detail=detail,
                        outcome=outcome)

    def audit_outcome(self, item, *, action: str, outcome: str, detail: dict | None = None) -> None:
        """A Slack call's outcome, audited once per outbox row and outcome
        (its result handler may run again after a restart)."""
        audit_db.append_result(self.db, actor=SYSTEM, action=action, now=self.now(), outbox_id=item.id,
                               case_id=item.case_id, detail=detail, outcome=outcome)

    def mask(self, text: str) -> str:
        """For anything shown in the moderator channel: the policy engine's
        masking, then any long run of digits it did not recognise (a phone
        number without context, an account number): a moderator can Reveal."""
        masked = policies.mask_personal_data(text or "", config=self.settings.config.policies)
        return _DIGIT_RUN.sub(_mask_digits, masked)

    def tell(self, user: str, text: str, *, channel: str | None = None) -> None:
        """A private answer now: ephemeral where the click happened, else a DM.
        (Slack refuses an ephemeral to someone outside the channel, so a
        non-moderator in the moderator channel gets the DM at once.)"""
        outsider = channel == self.mod_channel and not self.people.is_moderator(user)
        if channel and not channel.startswith("D") and not outsider:
            try:
                self.gateway.call("chat.postEphemeral", channel=channel, user=user, text=text)
                return
            except GatewayError as exc:
                log.info("ephemeral reply failed (%s); sending a DM instead", exc.error)
        try:
            self.gateway.call("chat.postMessage", channel=user, text=text)
        except GatewayError as exc:
            log.warning("could not answer a member privately (%s)", exc.error)

    def open_view(self, trigger_id: str | None, view: dict) -> bool:
        if not trigger_id:
            return False
        try:
            self.gateway.call("views.open", trigger_id=trigger_id, view=view)
            return True
        except GatewayError as exc:
            log.warning("views.open failed (%s)", exc.error)
            return False

    def category_labels(self) -> dict[str, str]:
        """Each category's guideline title (rendered on every card update:
        the guideline files are read once here, not once per category)."""
        sections = guidelines_service.sections_by_id(self.settings.config)
        labels = {cat: sections[cat].title if cat in sections else cat.replace("_", " ").capitalize()
                  for cat in policies.CATEGORIES}
        labels[cards.OTHER_REASON] = "Something else"
        return labels

    def guideline(self, category: str):
        try:
            return guidelines_service.section_for(category, self.settings.config)
        except KeyError:
            return None

    def main_category(self, case: cases_db.Case) -> str:
        fs = cases_db.findings(self.db, case.id)
        if fs:
            return fs[0].category
        flags = [f.reason for f in cases_db.flags(self.db, case.id) if f.reason in policies.CATEGORIES]
        if flags:
            return max(set(flags), key=flags.count)
        return policies.CATEGORIES[0]

    def thread(self, case: cases_db.Case, *, about: About, ref: str, text: str, blocks: list | None = None,
               broadcast: bool = False) -> None:
        """Post in the case's thread; `broadcast` also shows it in the channel."""
        channel = case.card_channel or self.mod_channel
        if channel:
            self.gateway.perform(ThreadPost(case_id=case.id, channel=channel, thread_ts=case.card_ts, about=about,
                                            ref=ref, text=text, blocks=blocks, broadcast=broadcast))

    def reopen_if_dismissed(self, case: cases_db.Case, *, why: str) -> cases_db.Case:
        """Something new arrived after a dismissal: the case is open again and
        the moderators are told in the channel, not only on the old card."""
        if not rules.reopens(rules.CaseState.of(case)):
            return case
        with transaction(self.db):
            if cases_db.reopen(self.db, case.id, now=self.now()):
                self.thread(case, about=About.REOPENED, ref=f"{case.id}:{case.handled_at}", broadcast=True,
                            text=cards.reopened_message(case_number=case.id, why=why, dismissed_by=case.handled_by))
                self.audit(actor=SYSTEM, action="case_reopened", case_id=case.id, detail={"why": why})
        return cases_db.get(self.db, case.id) or case

    def dm(self, user: str | None, *, about: About, ref: int, text: str, blocks: list | None = None,
           case_id: int | None = None, again: bool = False) -> None:
        """`again`: see gateway.perform (a DM cancelled before and wanted anew)."""
        if not user:  # a case without a known author: nobody to tell
            log.info("no DM (%s): no member to send it to", about.name)
            return
        self.gateway.perform(DirectMessage(case_id=case_id, user=user, about=about, ref=ref, text=text, blocks=blocks),
                             again=again)

    def authorise(self, user: str, *, action: str, case_id: int | None, click: Click | None = None) -> bool:
        """Is `user` a moderator? If not, the refusal is recorded, and told to
        the clicker when there was a click (a modal answers for itself)."""
        if self.people.is_moderator(user):
            return True
        self.audit(actor=user, action=f"refused:{action}", case_id=case_id, outcome="not_a_moderator")
        if click is not None:
            self.reply(click, cards.refusal_text(action.replace("_", " ")))
        return False

    def reply(self, click: Click, text: str) -> None:
        """A private answer to whoever clicked: through the click's
        response_url, which reaches them in any channel; else as before."""
        if self.gateway.respond(click.response_url, text):
            return
        self.tell(click.user, text, channel=click.channel)
