"""Members' flags: the Flag shortcut's dialog, its checks, and the flag
weight that hides a message pending a moderator's review."""
from __future__ import annotations

import json

import policies
from bot.faults import crash_point
from bot.services.cases.card import CardService
from bot.services.cases.common import SYSTEM, CaseService, field_error, update_view
from bot.services.cases.removal import RemovalService
from bot.slack.blocks import case_forms as forms
from bot.slack.blocks import cases as cards
from storage import cases as cases_db
from storage import messages as messages_db


class FlagService(CaseService):
    def __init__(self, *, card: CardService, removal: RemovalService, **base):
        super().__init__(**base)
        self.card = card
        self.removal = removal

    def _flag_refusal(self, user: str, channel: str, ts: str, author: str | None, is_bot: bool) -> str | None:
        if is_bot:
            return "Messages from apps and bots cannot be flagged. If one is a problem, tell a moderator."
        if author and author == user:
            return "You cannot flag your own message. You can edit or delete it instead."
        if channel == self.mod_channel:
            return "Messages in the moderator channel cannot be flagged."
        if cases_db.has_flagged(self.db, channel=channel, ts=ts, flagger=user):
            return "You have already flagged this message. Thank you; the moderators have it."
        if cases_db.flags_since(self.db, flagger=user, since=self.now() - 86400) >= self.cfg.flag_daily_cap:
            return (f"You have reached today's limit of {self.cfg.flag_daily_cap} flags. "
                    "If something is urgent, message a moderator directly.")
        return None

    def open_flag_dialog(self, *, user: str, channel: str, message: dict, trigger_id: str) -> None:
        ts = str(message.get("ts") or "")
        author = message.get("user") if isinstance(message.get("user"), str) else None
        is_bot = bool(message.get("bot_id") or message.get("subtype") == "bot_message")
        refusal = self._flag_refusal(user, channel, ts, author, is_bot) if ts else "This message cannot be flagged."
        if refusal:
            self.open_view(trigger_id, forms.notice_view("Flag", refusal))
            return
        if messages_db.get(self.db, channel=channel, ts=ts) is None:
            # The payload is signed by Slack: keep the text for the case and its snapshot.
            files = [str(f.get("name") or "") for f in message.get("files") or [] if isinstance(f, dict)]
            messages_db.remember(self.db, channel=channel, ts=ts, author=author or "", thread_ts=message.get("thread_ts"),
                                 text=str(message.get("text") or ""), files=files, edited=False, now=self.now())
        reasons = [(c, label) for c, label in self.category_labels().items() if c != cards.OTHER_REASON]
        meta = json.dumps({"channel": channel, "ts": ts})
        self.open_view(trigger_id, forms.flag_modal(reasons, private_metadata=meta))

    def submit_flag(self, *, user: str, private_metadata: str, reason: str | None, note: str | None) -> dict:
        """Returns what to ack the view_submission with."""
        note = (note or "").strip() or None
        allowed = set(policies.CATEGORIES) | {cards.OTHER_REASON}
        if reason not in allowed:
            return field_error(forms.B_REASON, "Choose a reason from the list.")
        if reason == cards.OTHER_REASON and not note:
            return field_error(forms.B_NOTE, "Please tell the moderators what is wrong when you choose \u201cSomething else\u201d.")
        try:
            meta = json.loads(private_metadata or "{}")
            channel, ts = str(meta["channel"]), str(meta["ts"])
        except (ValueError, KeyError, TypeError):
            return update_view("Flag", "Something went wrong with this form; please flag the message again.")
        stored = messages_db.get(self.db, channel=channel, ts=ts)
        if stored is None:
            return update_view("Flag", "modbot cannot find this message any more.")
        refusal = self._flag_refusal(user, channel, ts, stored.author, False)
        if refusal:
            return update_view("Flag", refusal)
        removed = self.flag(user=user, channel=channel, ts=ts, author=stored.author, text=stored.text or "",
                            reason=reason, note=note)
        if removed is None:
            return update_view("Flag", "You have already flagged this message.")
        return {"response_action": "update", "view": forms.flag_thanks_view(removed)}

    def flag(self, *, user: str, channel: str, ts: str, author: str | None, text: str, reason: str,
             note: str | None) -> bool | None:
        """Record a flag; True if it tipped the message into removal, None if a duplicate."""
        role = self.people.role_of(user)
        weight = float(self.cfg.flag_weights.get(role, self.cfg.flag_weights.get("member", 1.0)))
        # The flag and what it triggers (the case reopened, at the threshold
        # the message's removal queued) in one transaction: a second flag by
        # the same member is refused once this one is recorded, so a flag on
        # disk without its removal would leave the message up.
        with self.recording():
            case, created = cases_db.open_case(self.db, channel=channel, ts=ts, author=author, source="flag",
                                               excerpt_masked=self.mask(text), severity="low", now=self.now())
            if not cases_db.add_flag(self.db, case.id, flagger=user, reason=reason, note=note, weight=weight,
                                     now=self.now()):
                return None
            crash_point("flag_recorded")
            self.audit(actor=user, action="flag", case_id=case.id,
                       detail={"reason": reason, "weight": weight, "role": role, "new_case": created})
            case = self.reopen_if_dismissed(cases_db.get(self.db, case.id), why="a new flag")
            removed = False
            if case.flag_weight >= self.cfg.flag_remove_threshold and case.removal == "none" and case.is_open:
                removed = self.removal.remove(case, by=SYSTEM, reason="flags") == "queued"
        self.card.publish(case.id)
        return removed
