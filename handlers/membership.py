"""Membership events: a newcomer (team_join), someone joining or leaving a
channel (member_joined_channel: a welcome channel, or the moderator channel,
whose members are the moderators; member_left_channel), and the expert user
group changing in Slack (subteam_members_changed)."""
from __future__ import annotations

from slack_bolt import App


def to_user_list(value) -> list[str]:
    return [u for u in value if isinstance(u, str) and u] if isinstance(value, list) else []


def to_user_and_channel(event: dict) -> tuple[str, str] | None:
    user, channel = event.get("user"), event.get("channel")
    if isinstance(user, str) and user and isinstance(channel, str) and channel:
        return user, channel
    return None


def register(app: App) -> None:
    @app.event("team_join")
    def on_team_join(event: dict, context) -> None:
        user = event.get("user")
        if isinstance(user, dict):
            context["modbot"].services.welcome.on_team_join(user)

    @app.event("member_joined_channel")
    def on_member_joined_channel(event: dict, context) -> None:
        found = to_user_and_channel(event)
        if found is None:
            return
        user, channel = found
        services = context["modbot"].services
        services.people.on_membership_change(user=user, channel=channel, joined=True)
        services.welcome.on_channel_join(user=user, channel=channel)

    @app.event("member_left_channel")
    def on_member_left_channel(event: dict, context) -> None:
        found = to_user_and_channel(event)
        if found is not None:
            user, channel = found
            context["modbot"].services.people.on_membership_change(user=user, channel=channel, joined=False)

    @app.event("subteam_members_changed")
    def on_subteam_members_changed(event: dict, context) -> None:
        context["modbot"].services.experts.on_usergroup_change(
            subteam=str(event.get("subteam_id") or ""),
            added=to_user_list(event.get("added_users")),
            removed=to_user_list(event.get("removed_users")),
        )
