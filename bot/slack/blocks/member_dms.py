"""What members receive by DM: a warning, a suspension, a removal, the
reminder while suspended, and an appeal's outcome. Each decision's DM
carries an Appeal button."""
from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, MarkdownTextObject, SectionBlock

from bot import ids
from bot.slack.blocks import clip, escape, slack_date, to_dicts
from bot.slack.blocks.cases import until_text, utc_text

def _appeal_button(value: str) -> ActionsBlock:
    return ActionsBlock(block_id="appeal", elements=[ButtonElement(text="Appeal", action_id=ids.ACT_APPEAL, value=value)])


def warning_dm(*, community: str, channel: str, guideline_title: str, guideline_text: str, message: str,
               expires_at: float, appeal_value: str) -> tuple[str, list[dict]]:
    text = f"A warning from the {community} moderators about your message in <#{channel}>"
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=clip(f"*{escape(text)}*\n\n{escape(message)}", 2900))),
        SectionBlock(text=MarkdownTextObject(text=clip(f"*The guideline: {escape(guideline_title)}*\n{guideline_text}", 2900))),
        ContextBlock(elements=[MarkdownTextObject(
            text=f"This warning counts until {slack_date(expires_at, utc_text(expires_at))}. If you think it is wrong, appeal once with the button below.")]),
        _appeal_button(appeal_value),
    ]
    return text, to_dicts(blocks)


def suspension_dm(*, community: str, ends_at: float | None, reason: str, channels_left: list[str],
                  appeal_value: str, removes_posts: bool = True) -> tuple[str, list[dict]]:
    """`removes_posts`: modbot can delete members' messages (it has the admin
    token); without it the DM promises nothing it cannot do."""
    until = until_text(ends_at)
    text = f"You are suspended from posting in {community} {('until ' + utc_text(ends_at)) if ends_at else 'permanently'}"
    body = f"*You are suspended from posting in {escape(community)} {until}.*\n\n{escape(reason)}\n\n" + (
        "While suspended, messages you post are removed." if removes_posts else
        "While suspended, please do not post; the moderators see anything you post.")
    if channels_left:
        body += " You have also been removed from " + ", ".join(f"<#{c}>" for c in channels_left) + "."
    blocks = [SectionBlock(text=MarkdownTextObject(text=clip(body, 2900))),
              ContextBlock(elements=[MarkdownTextObject(text="If you think this is wrong, appeal once with the button below.")]),
              _appeal_button(appeal_value)]
    return text, to_dicts(blocks)


REMOVAL_WHY = {
    "auto": "modbot's automatic checks found it breaks a guideline",
    "flags": "several members flagged it, so it is hidden while a moderator reviews it",
    "moderator": "a moderator removed it",
}


def removal_dm(*, community: str, channel: str, why: str, guideline_title: str, guideline_text: str,
               appeal_value: str) -> tuple[str, list[dict]]:
    """Told to the author of every message modbot removes."""
    text = f"Your message in <#{channel}> was removed by the moderators of {community}"
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=clip(
            f"*{escape(text)}*\n\n{escape(REMOVAL_WHY.get(why, 'a moderator removed it').capitalize())}.", 2900))),
        SectionBlock(text=MarkdownTextObject(text=clip(f"*The guideline: {escape(guideline_title)}*\n{guideline_text}", 2900))),
        ContextBlock(elements=[MarkdownTextObject(text="If you think this is wrong, appeal once with the button below.")]),
        _appeal_button(appeal_value),
    ]
    return text, to_dicts(blocks)


def suspension_notice_dm(*, ends_at: float | None, removed: bool = True) -> str:
    until = until_text(ends_at)
    if not removed:
        return (f"You are suspended {until}, so please do not post until then. The moderators have been told "
                "about your message; this is the only reminder you will get.")
    return (f"Your message was removed because you are suspended {until}. "
            "Messages you post while suspended are removed; this is the only reminder you will get.")


def flood_dm(*, response: str, per_minute: int) -> str:
    """Told once per flood case, at its first removed message."""
    if response == "remove":
        what = "Your repeated messages are being removed"
    else:
        what = f"You can post {per_minute} messages a minute for now; the ones beyond that are removed"
    return (f"{what}: you posted many messages in a short time, and the moderators have been told. "
            "This lasts until a moderator has looked at it; this is the only reminder you will get.")


def suspension_lifted_dm(*, community: str) -> str:
    return (f"Your suspension in {community} has ended: you can post again. "
            "If you were removed from channels, you can rejoin them. Welcome back.")


def appeal_outcome_dm(*, what: str, outcome: str, removal: bool = False) -> str:
    if outcome == "reversed" and removal:
        return (f"Your appeal against {what} was accepted: it no longer counts against you. Slack cannot bring a "
                "deleted message back, so if you want it seen, you are welcome to post it again.")
    if outcome == "reversed":
        return f"Your appeal against {what} was accepted: the decision is reversed and no longer counts against you."
    return f"Your appeal against {what} was reviewed, and the decision stands. Thank you for explaining your side."
