"""App Home: the moderators' queue, today's figures and each rule's record;
a member's own standing. Pure functions of plain data; every view stays
within Slack's 100 blocks (the parts are capped, and `_fit` checks)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    SectionBlock,
)

from bot import ids
from bot.services.cases import rules
from bot.slack.blocks import cases as cards
from bot.slack.blocks import clip, to_dicts
from bot.slack.blocks.experts import myactivity_reply

MAX_BLOCKS = 100
QUEUE_SHOWN = 20  # two blocks each
RULES_SHOWN = 12  # up to two blocks each
SHADOW_SHOWN = 5  # two blocks each


@dataclass(frozen=True)
class QueueItem:
    number: int
    severity: str
    age_s: float
    label: str  # the category's guideline title
    state: rules.CaseState
    link: str | None  # the card in the moderator channel


def age_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds // 86400} d {seconds % 86400 // 3600} h"


def _md(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, 3000)))


# Not from App Home: Reveal answers privately where the click was, and a
# Home click has nowhere but a DM, which would keep the unmasked text.
NOT_IN_HOME = frozenset({rules.Action.REVEAL})


def _case_blocks(item: QueueItem) -> list:
    allowed = rules.card_actions(item.state) - NOT_IN_HOME
    title = f"#{item.number}" if not item.link else f"<{item.link}|#{item.number}>"
    head = _md(f"{cards.SEVERITY_MARK.get(item.severity, '')} *{title}* {item.label} · {item.severity}"
               f" · waiting {age_text(item.age_s)}")
    buttons = [ButtonElement(text=label, action_id=action_id, value=str(item.number), style=style)
               for action, (label, action_id, style) in cards.BUTTONS.items() if action in allowed]
    more = [Option(value=value, text=label) for action, (value, label) in cards.MORE.items() if action in allowed]
    # Slack wants 2 to 5 options in an overflow menu; a lone one stays on the card.
    elements = buttons + ([OverflowMenuElement(action_id=ids.ACT_MORE, options=more)] if len(more) >= 2 else [])
    return [head, ActionsBlock(block_id=f"case_{item.number}", elements=elements)] if elements else [head]


def _rule_blocks(r) -> list:
    precision = "-" if r.precision is None else f"{r.precision:.0%} ({r.low:.0%}-{r.high:.0%})"
    line = (f"`{r.rule}`: {r.cases} cases, {r.right} right, {r.wrong} wrong, precision {precision};"
            f" shadow {r.shadow} ({r.shadow_right} marked right, {r.shadow_wrong} wrong)")
    if r.override is not None:
        bits = ([f"threshold {r.override.threshold:.2f}"] if r.override.threshold is not None else []) + (
            ["removes by itself"] if r.override.auto_remove else [])
        line += f"\n_Applied: {', '.join(bits)} (by <@{r.override.applied_by}>)_"
    out = [_md(line)]
    s = r.suggestion
    if s is not None:
        what = f"Raise its threshold to {s.threshold:.2f}" if s.kind == "threshold" else "Let it remove automatically"
        out[0] = _md(line + f"\n:bulb: *Suggestion:* {what.lower()}. {s.why}.")
        out.append(ActionsBlock(block_id=f"rule_{clip(r.rule, 200)}", elements=[
            ButtonElement(text=clip(what, 75), action_id=ids.ACT_HOME_RULE_APPLY, value=s.value, style="primary")]))
    return out


def _shadow_blocks(s, link: str | None) -> list:
    where = f"<{link}|the message>" if link else f"a message in <#{s.channel}>"
    return [
        _md(f"`{s.rule}` would have acted (score {s.score:.2f}) on {where}. Was it right?"),
        ActionsBlock(block_id=f"shadow_{s.audit_id}", elements=[
            ButtonElement(text="Right", action_id=ids.ACT_HOME_SHADOW_RIGHT, value=str(s.audit_id)),
            ButtonElement(text="Wrong", action_id=ids.ACT_HOME_SHADOW_WRONG, value=str(s.audit_id))]),
    ]


def _fit(blocks: list) -> dict:
    out = to_dicts(blocks)
    assert len(out) <= MAX_BLOCKS, f"App Home has {len(out)} blocks"
    return {"type": "home", "blocks": out}


def moderator_home(*, queue: list[QueueItem], open_total: int, figures, reports: list, shadows: list,
                   links: dict, now: float, min_decisions: int) -> dict:
    """`links`: shadow finding's audit id -> the message's link."""
    day = datetime.fromtimestamp(now, tz=timezone.utc).strftime("%Y-%m-%d")
    median = "-" if figures.median_decision_s is None else age_text(figures.median_decision_s)
    blocks: list = [
        HeaderBlock(text="Moderation"),
        _md(f"*Today ({day}, UTC):* {figures.opened} opened, {figures.decided} decided,"
            f" median time to a decision {median}. *Open now:* {open_total}."),
        DividerBlock(),
        HeaderBlock(text="Open cases, most severe first, oldest first"),
    ]
    for item in queue[:QUEUE_SHOWN]:
        blocks += _case_blocks(item)
    if not queue:
        blocks.append(_md("Nothing is waiting. :tada:"))
    elif open_total > min(len(queue), QUEUE_SHOWN):
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text=f"{open_total - min(len(queue), QUEUE_SHOWN)} more open cases; decide these first.")]))
    blocks += [DividerBlock(), HeaderBlock(text="Rules: what your decisions say")]
    shown = sorted(reports, key=lambda r: (r.suggestion is None, -r.cases, r.rule))[:RULES_SHOWN]
    for r in shown:
        blocks += _rule_blocks(r)
    if not reports:
        blocks.append(_md("No rule has opened a case yet."))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(
        text=f"Acted on = right, dismissed = wrong; 95 % Wilson interval. A suggestion needs {min_decisions}"
             " decisions and is applied only when you click it. `modbot rules` prints all rules.")]))
    if shadows:
        blocks += [DividerBlock(), HeaderBlock(text="Shadow findings to mark")]
        for s in shadows[:SHADOW_SHOWN]:
            blocks += _shadow_blocks(s, links.get(s.audit_id))
    return _fit(blocks)


def member_home(report) -> dict:
    """A member's standing: the /myactivity report, always up to date here."""
    _, blocks = myactivity_reply(report)
    blocks[0] = HeaderBlock(text="Your standing").to_dict()
    assert len(blocks) <= MAX_BLOCKS
    return {"type": "home", "blocks": blocks}
