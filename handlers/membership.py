"""Membership events: a newcomer (team_join), someone joining a welcome
channel (member_joined_channel), and the expert user group changing in Slack
(subteam_members_changed)."""
from __future__ import annotations

from slack_bolt import App


def to_user_list(value) -> list[str]:
    return [u for u in value if isinstance(u, str) and u] if isinstance(value, list) else []


def register(app: App) -> None:
    @app.event("team_join")
    def on_team_join(event: dict, context) -> None:
        user = event.get("user")
        if isinstance(user, dict):
            context["modbot"].services.welcome.on_team_join(user)

    @app.event("member_joined_channel")
    def on_member_joined_channel(event: dict, context) -> None:
        user, channel = event.get("user"), event.get("channel")
        if isinstance(user, str) and isinstance(channel, str):
            context["modbot"].services.welcome.on_channel_join(user=user, channel=channel)

    @app.event("subteam_members_changed")
    def on_subteam_members_changed(event: dict, context) -> None:
        context["modbot"].services.experts.on_usergroup_change(
            subteam=str(event.get("subteam_id") or ""),
            added=to_user_list(event.get("added_users")),
            removed=to_user_list(event.get("removed_users")),
        )
