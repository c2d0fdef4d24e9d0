"""Newcomers: one DM per member, ever, when they join the workspace
(team_join) or a configured welcome channel (member_joined_channel).

The DM carries a short welcome, the key guidelines and a profile checklist
listing only what users.info shows as missing (real name, title, company,
photo). It is enqueued with the key welcome:<user> and welcomed_at is
recorded in the same transaction, so a redelivered event, a second channel
join or a second process sends nothing more.
"""
from __future__ import annotations

import logging

from bot.services import guidelines as guidelines_service
from bot.services.base import Service
from bot.slack.blocks import guidelines as guideline_blocks
from storage import welcome as welcome_db
from storage.db import transaction

log = logging.getLogger("modbot.welcome")

def _company(profile: dict, field_id: str) -> str:
    fields = profile.get("fields")
    fields = fields if isinstance(fields, dict) else {}
    if field_id:
        value = fields.get(field_id)
        return str(value.get("value") or "").strip() if isinstance(value, dict) else ""
    if str(profile.get("company") or "").strip():
        return str(profile["company"]).strip()
    for key, value in fields.items():
        if not isinstance(value, dict):
            continue
        label = str(value.get("label") or "")
        if "company" in key.lower() or "company" in label.lower() or "organisation" in label.lower() or "organization" in label.lower():
            if str(value.get("value") or "").strip():
                return str(value["value"]).strip()
    return ""


def missing_profile_items(user: dict, *, company_field: str = "") -> list[str]:
    """What a member's profile (as users.info returns it) lacks, in checklist order."""
    profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
    missing = []
    real_name = str(profile.get("real_name") or user.get("real_name") or "").strip()
    # Slack fills real_name with the handle when a member never set one.
    if not real_name or real_name == str(user.get("name") or ""):
        missing.append("real_name")
    if not str(profile.get("title") or "").strip():
        missing.append("title")
    if not _company(profile, company_field):
        missing.append("company")
    custom = profile.get("is_custom_image")
    has_photo = bool(custom) if custom is not None else bool(profile.get("image_original"))
    if not has_photo:
        missing.append("photo")
    return missing


class WelcomeService(Service):
    """Built in bot/services/__init__.py with what it uses (bot.services.base)."""

    @property
    def config(self):
        return self.settings.config.welcome

    def on_team_join(self, user: dict) -> None:
        user_id = user.get("id") if isinstance(user, dict) else None
        if not isinstance(user_id, str) or not user_id:
            return
        welcome_db.note_joined(self.db, user=user_id, now=self.now())
        self.people.remember_profile(user)
        self.welcome(user_id, profile=user if isinstance(user.get("profile"), dict) else None)

    def on_channel_join(self, *, user: str, channel: str) -> None:
        if channel not in self.config.channels:
            return
        self.welcome(user)

    def welcome(self, user_id: str, *, profile: dict | None = None) -> bool:
        """Send the welcome DM unless this member already had it. Returns
        True when it was enqueued now. A Slack error reading the profile is
        raised, so the event stays pending and is tried again."""
        if not self.config.enabled:
            return False
        db = self.db
        if welcome_db.welcomed_at(db, user_id) is not None:
            return False
        user = profile if profile is not None else (self.gateway.call("users.info", user=user_id).get("user") or {})
        if user.get("is_bot") or user.get("deleted") or user_id == "USLACKBOT":
            return False
        config = self.settings.config
        missing = missing_profile_items(user, company_field=self.config.company_field)
        sections = guidelines_service.safe_guidelines(config)
        wanted = [s for key in guideline_blocks.WELCOME_KEY_SECTIONS for s in sections if s.id == key]
        text, blocks = guideline_blocks.welcome_message(
            user=user_id, community=config.community.name, key_sections=wanted, missing=missing
        )
        with transaction(db):
            self.gateway.enqueue(
                key=f"welcome:{user_id}",
                method="chat.postMessage",
                args={"channel": user_id, "text": text, "blocks": blocks, "unfurl_links": False},
                purpose="welcome",
            )
            created = welcome_db.mark_welcomed(db, user=user_id, now=self.now())
        return created
