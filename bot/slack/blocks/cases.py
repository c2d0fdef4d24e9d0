"""The case card and the messages in its thread (the modals are in
case_forms.py, members' DMs in member_dms.py).

Everything here is a pure function of plain data: the moderation service
gathers the data (already masked), these functions lay it out. No text that
reaches the moderator channel is built anywhere else.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    SectionBlock,
)

from bot import ids
from bot.services.cases import rules
from bot.slack.blocks import clip, escape, slack_date, to_dicts

SEVERITY_MARK = {"low": ":white_circle:", "medium": ":large_yellow_circle:", "high": ":large_orange_circle:",
                 "critical": ":red_circle:"}
OTHER_REASON = "other"
EXCERPT_LIMIT = 600

MORE_ESCALATE, MORE_REVEAL, MORE_NOTE = "escalate", "reveal", "note"


def utc_text(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _quote(text: str, max_lines: int | None = None) -> str:
    """A member's words as a mrkdwn quote, escaped (never a mention or a link)."""
    return "\n".join("> " + line for line in escape(text).splitlines()[:max_lines])


def until_text(ends_at: float | None) -> str:
    """How long a suspension lasts, in the reader's own time zone."""
    return "permanently" if ends_at is None else f"until {slack_date(ends_at, utc_text(ends_at))}"


def duration_label(days: int | None) -> str:
    if not days:
        return "Permanent"
    return "1 day" if days == 1 else f"{days} days"


# ---------------------------------------------------------------- the card

@dataclass(frozen=True)
class FindingLine:
    rule: str
    score: float
    severity: str
    explanation: str  # must already be free of personal data
    action: str


@dataclass(frozen=True)
class FlagLine:
    reason: str  # category or "other"
    weight: float
    note_masked: str = ""


@dataclass(frozen=True)
class WorkLine:
    """One of the case's calls to Slack that is not done yet."""
    label: str  # what it does, e.g. "the warning DM to the author"
    status: str  # pending | inflight | failed
    error: str | None = None  # Slack's last answer, if it failed
    attempts: int = 0
    next_at: float | None = None  # when a retry is due
    transient: bool = True  # the failure was an outage or a rate limit, not a refusal
    uncertain: bool = False  # modbot stopped mid-call and Slack could not say whether it happened


@dataclass(frozen=True)
class CardData:
    number: int
    author: str | None
    channel: str
    permalink: str | None
    excerpt_masked: str
    severity: str
    status: str  # open | closed | dismissed
    findings: tuple[FindingLine, ...] = ()
    flags: tuple[FlagLine, ...] = ()
    flag_weight: float = 0.0
    flag_threshold: float = 0.0
    earlier_cases: int = 0
    earlier_actioned: int = 0
    active_warnings: int = 0
    suspended_until: str | None = None  # text, "permanently", or None
    removal: str = "none"  # none | pending | done | failed
    removal_error: str | None = None
    removed_by: str | None = None
    removed_reason: str | None = None
    handled_action: str | None = None
    handled_by: str | None = None
    decision_detail: str = ""
    escalated_by: str | None = None
    notes: int = 0
    has_admin: bool = True
    appeal: str = ""  # one line about an appeal, if any
    removal_reversed_by: str | None = None  # the removal was reversed on appeal
    category_labels: dict = field(default_factory=dict)
    work: tuple[WorkLine, ...] = ()
    # A flood or raid case: what it stands for ("flood: 212 messages in 3 min
    # in #general and #help"), built by modbot (no member's words).
    group_line: str = ""
    kind: str = "message"
    # A flood's or raid's messages removed at Slack, and removals cancelled
    # before they were made (the case was dismissed).
    group_removed: int = 0
    group_cancelled: int = 0
    slow_mode_ended: bool = False  # a dismissed flood whose author was held to slow mode


def _who(user: str | None) -> str:
    if not user:
        return "modbot"
    if user.startswith("U") or user.startswith("W"):
        return f"<@{user}>"
    return "modbot"


def _removal_line(d: CardData) -> str | None:
    by = _who(d.removed_by)
    why = {"auto": "automatically (severe, high-confidence finding)", "flags": "automatically, pending review (flag weight passed the threshold)",
           "suspended": "because the author is suspended"}.get(d.removed_reason or "", f"by {by}")
    if d.removal == "done" and d.removal_reversed_by:
        return (f":leftwards_arrow_with_hook: Removal reversed on appeal by {_who(d.removal_reversed_by)}: it no longer "
                "counts against the member. (Slack cannot restore a deleted message.)")
    if d.removal == "done" and d.removed_reason == "flags" and d.status != "open":
        return ":wastebasket: Message removed automatically (flag weight passed the threshold)."
    if d.removal == "done":
        return f":wastebasket: Message removed {why}."
    if d.removal == "pending":
        return f":hourglass_flowing_sand: Removing the message {why}\u2026"
    if d.removal == "failed":
        if d.removal_error == "no_admin_token":
            return (":warning: *The message is still up.* modbot has no admin token (SLACK_ADMIN_TOKEN), so it cannot "
                    "delete members' messages. Open the message with the link above and delete it by hand "
                    "(More actions \u2192 Delete message), then Warn, Suspend or Dismiss here. The case stays open.")
        return (f":warning: *The message is still up.* Slack refused to delete it ({escape(d.removal_error or 'unknown error')}). "
                "Try Remove again, or delete it by hand from the link above. The case stays open.")
    return None


def _work_lines(d: CardData) -> list[str]:
    """Pending and failed Slack calls: during an outage the card says what is
    still to happen, and what needs a moderator's Retry."""
    lines = []
    for w in d.work[:6]:
        why = f" Slack answered `{escape(w.error)}`" if w.error else ""
        if w.status == "failed" and w.uncertain:
            lines.append(f":grey_question: *Not known:* {w.label} may or may not have reached Slack (modbot stopped "
                         "mid-call and could not check). Retry looks for it first and sends it only if it is missing.")
        elif w.status == "failed" and not w.transient:
            lines.append(f":warning: *Not done:* {w.label}. Slack refused it (`{escape(w.error or 'unknown error')}`); "
                         "Retry will fail the same way unless that is put right first.")
        elif w.status == "failed":
            tries = f" after {w.attempts} tr{'ies' if w.attempts != 1 else 'y'}" if w.attempts else ""
            lines.append(f":warning: *Not done:* {w.label}.{why}{tries}. Press Retry to send it again.")
        elif w.error:
            when = f"; next try {slack_date(w.next_at, utc_text(w.next_at))}" if w.next_at else ""
            lines.append(f":hourglass_flowing_sand: *Pending:* {w.label}.{why} (attempt {w.attempts}){when}.")
        else:
            lines.append(f":hourglass_flowing_sand: *Pending:* {w.label}.")
    if len(d.work) > 6:
        lines.append(f"\u2026and {len(d.work) - 6} more calls waiting.")
    return lines


def _decision_line(d: CardData) -> str | None:
    if d.status == "open" or not d.handled_action:
        return None
    if d.handled_action == rules.MERGED:
        return ":ocean: Part of a raid: decided on the raid's case, which lists every account."
    verb = {"warn": "Warned", "suspend": "Suspended", "dismiss": "Dismissed", "close": "Closed"}.get(d.handled_action, d.handled_action)
    icon = {"warn": ":large_yellow_square:", "suspend": ":no_entry:", "dismiss": ":white_check_mark:",
            "close": ":white_check_mark:"}.get(d.handled_action, "")
    detail = f" ({escape(d.decision_detail)})" if d.decision_detail else ""
    tail = {"dismiss": " \u2014 no action taken.", "close": " with no further action."}.get(d.handled_action, ".")
    if d.handled_action == "close" and d.removed_reason in ("auto", "flags"):
        tail = ": the removal stands, with no further action."
    if d.handled_action == "dismiss" and (d.group_removed or d.group_cancelled):
        tail = _dismissed_group(d)
    if d.slow_mode_ended:
        tail += f" Slow mode for {_who(d.author)} ended."
    return f"{icon} {verb} by {_who(d.handled_by)}{detail}{tail}"


def _dismissed_group(d: CardData) -> str:
    """What a dismissed flood's or raid's card adds: the removals taken back,
    and those made before, which stay (the card never claims a deleted
    message came back)."""
    text = ""
    if d.group_cancelled:
        n = d.group_cancelled
        text += f"; {n} queued removal{'s' if n != 1 else ''} cancelled"
    text += "."
    if d.group_removed:
        n = d.group_removed
        text += (f" {n} of the {d.kind}'s messages {'were' if n != 1 else 'was'} removed before that and stay"
                 f"{'s' if n == 1 else ''} removed (Slack cannot restore a deleted message).")
    return text


def _duration(seconds: float) -> str:
    if seconds < 60:
        return "under a minute"
    if seconds < 3600:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


def _channel_list(channels: tuple[str, ...], limit: int = 4) -> str:
    names = [f"<#{c}>" for c in channels[:limit]]
    if len(channels) > limit:
        names.append(f"{len(channels) - limit} more")
    if not names:
        return "no channel"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


RAID_ACCOUNTS_SHOWN = 40


def group_line(kind: str, summary) -> str:
    """What a flood or raid case stands for (a storage GroupSummary): counts
    and channels, no member's words."""
    n = summary.messages
    said = f"{n} message{'s' if n != 1 else ''} in {_duration(summary.last_at - summary.first_at)}"
    where = _channel_list(summary.channels)
    if kind == "raid":
        accounts = len(summary.authors)
        listed = ", ".join(f"<@{a}>" for a in summary.authors[:RAID_ACCOUNTS_SHOWN])
        more = f" and {accounts - RAID_ACCOUNTS_SHOWN} more" if accounts > RAID_ACCOUNTS_SHOWN else ""
        return (f"raid: {accounts} new account{'s' if accounts != 1 else ''}, {said} in {where}*\n"
                f"*Accounts: {listed}{more}. Remove removes every post; Suspend suspends every account.")
    return f"{kind}: {said} in {where}"


def digest_text(waiting: int) -> str:
    """The moderator channel's digest of low-severity cards waiting to be posted."""
    if waiting == 0:
        return ":white_check_mark: No low-severity cases waiting to be posted any more."
    return (f":inbox_tray: {waiting} low-severity case{'s' if waiting != 1 else ''} waiting, see App Home"
            " (the severe are posted first while the channel is at Slack's posting rate).")


def card_text(d: CardData) -> str:
    """The notification text: no excerpt, nothing personal."""
    state = {"open": "needs review", "closed": "handled", "dismissed": "dismissed"}.get(d.status, d.status)
    who = f" by <@{d.author}>" if d.author else ""
    if d.kind != "message":
        return f"Case #{d.number}: a {d.kind}{who} {state}"
    return f"Case #{d.number}: a message{who} in <#{d.channel}> {state}"


def case_card(d: CardData) -> list[dict]:
    blocks = []
    source = []
    if d.findings:
        source.append("automatic check")
    if d.flags:
        n = len(d.flags)
        source.append(f"flagged by {n} member{'s' if n != 1 else ''}")
    status = {"open": "open", "closed": "closed", "dismissed": "dismissed"}.get(d.status, d.status)
    dot = " \u00b7 "
    head = f"{SEVERITY_MARK.get(d.severity, '')} *Case #{d.number}*{dot}{d.severity}{dot}{status}"
    if source:
        head += dot + ", ".join(source)
    where = [f"Author: <@{d.author}>" if d.author else "Author: unknown", f"Channel: <#{d.channel}>"]
    if d.permalink:
        where.append(f"<{d.permalink}|Open the message>")
    blocks.append(SectionBlock(block_id="head", text=MarkdownTextObject(text=head + "\n" + " \u00b7 ".join(where))))
    if d.group_line:
        blocks.append(SectionBlock(block_id="group", text=MarkdownTextObject(text=f":ocean: *{d.group_line}*")))
    excerpt = clip(d.excerpt_masked.strip(), EXCERPT_LIMIT) or "(no text)"
    quoted = _quote(excerpt, 12) or "> (no text)"
    blocks.append(SectionBlock(block_id="excerpt", text=MarkdownTextObject(text=quoted)))

    why: list[str] = []
    for f in d.findings[:8]:
        why.append(f"\u2022 `{f.rule}` score {f.score:.2f} ({f.severity}): {escape(clip(f.explanation, 200))}")
    if len(d.findings) > 8:
        why.append(f"\u2022 \u2026and {len(d.findings) - 8} more findings")
    if d.flags:
        counts = Counter(f.reason for f in d.flags)
        reasons = ", ".join(
            f"{escape(d.category_labels.get(r, r))} \u00d7{n}" if n > 1 else escape(d.category_labels.get(r, r))
            for r, n in counts.most_common()
        )
        why.append(f"\u2022 Flagged by {len(d.flags)} member{'s' if len(d.flags) != 1 else ''}, weight {d.flag_weight:g} "
                   f"({'removal pending review' if d.status == 'open' else 'removed'} at {d.flag_threshold:g}). "
                   f"Reasons: {reasons}")
        for f in d.flags[:5]:
            if f.note_masked:
                why.append(f"   \u201c{escape(clip(f.note_masked, 200))}\u201d")
    if why:
        blocks.append(SectionBlock(block_id="why", text=MarkdownTextObject(text=clip("*Why it is here*\n" + "\n".join(why), 2900))))

    history = []
    history.append("no earlier cases" if not d.earlier_cases else
                   f"{d.earlier_cases} earlier case{'s' if d.earlier_cases != 1 else ''} ({d.earlier_actioned} actioned)")
    history.append("no active warnings" if not d.active_warnings else
                   f"{d.active_warnings} active warning{'s' if d.active_warnings != 1 else ''}")
    if d.suspended_until:
        history.append(f"suspended {d.suspended_until}")
    blocks.append(ContextBlock(block_id="history", elements=[MarkdownTextObject(text="Author history: " + ", ".join(history))]))

    state = [line for line in (_removal_line(d), _decision_line(d)) if line]
    state.extend(_work_lines(d))
    if d.escalated_by:
        state.append(f":rotating_light: Escalated for legal or law-enforcement follow-up by {_who(d.escalated_by)}.")
    if d.appeal:
        state.append(d.appeal)
    if d.notes:
        state.append(f":memo: {d.notes} note{'s' if d.notes != 1 else ''} in the thread.")
    if state:
        blocks.append(SectionBlock(block_id="state", text=MarkdownTextObject(text=clip("\n".join(state), 2900))))

    allowed = rules.card_actions(card_state(d))
    buttons = []
    for action in BUTTON_ORDER:
        if action not in allowed:
            continue
        label, action_id, style = BUTTONS[action]
        if action is rules.Action.REMOVE and d.removal == "failed":
            label = "Try Remove again"
        buttons.append(ButtonElement(text=label, action_id=action_id, value=str(d.number), style=style))
    more = [Option(value=value, text=label) for action, (value, label) in MORE.items() if action in allowed]
    elements = buttons + ([OverflowMenuElement(action_id=ids.ACT_MORE, options=more)] if more else [])
    if elements:  # none on a case merged into a raid's
        blocks.append(ActionsBlock(block_id="case_actions", elements=elements))
    return to_dicts(blocks)


def card_state(d: CardData) -> rules.CaseState:
    """The rules' view of the case the card shows."""
    return rules.CaseState(status=rules.Status(d.status), removal=rules.Removal(d.removal),
                           removed_reason=d.removed_reason, escalated=bool(d.escalated_by),
                           failed_work=any(w.status == "failed" for w in d.work), author=d.author,
                           merged=d.handled_action == rules.MERGED)


# The card's buttons, in the order shown: label, action id, style.
BUTTONS = {
    rules.Action.REMOVE: ("Remove", ids.ACT_REMOVE, "danger"),
    rules.Action.WARN: ("Warn", ids.ACT_WARN, None),
    rules.Action.SUSPEND: ("Suspend", ids.ACT_SUSPEND, None),
    rules.Action.CLOSE: ("Close", ids.ACT_CLOSE, "primary"),
    rules.Action.DISMISS: ("Dismiss", ids.ACT_DISMISS, "primary"),
    rules.Action.RETRY: ("Retry", ids.ACT_RETRY, None),
}
BUTTON_ORDER = tuple(BUTTONS)
# The overflow menu ("More"): option value, label.
MORE = {
    rules.Action.ESCALATE: (MORE_ESCALATE, "Escalate (legal / law enforcement)"),
    rules.Action.REVEAL: (MORE_REVEAL, "Reveal the original text"),
    rules.Action.NOTE: (MORE_NOTE, "Add note"),
}


def refusal_text(action: str) -> str:
    return (f"Only moderators (members of the moderator channel) can {action}. "
            "Your attempt has been recorded. If you think you should have access, ask an admin.")


def handled_text(case_number: int, action: str | None, by: str | None) -> str:
    what = {"warn": "warned the author", "suspend": "suspended the author", "dismiss": "dismissed it",
            "close": "closed it",
            "remove": "removed the message"}.get(action or "", "handled it")
    return f"Case #{case_number} was already handled: {_who(by)} {what}. Nothing more was done."


def reveal_text(case_number: int, text: str, edits: list[str]) -> str:
    lines = [f"*Case #{case_number}, original text (only you can see this; your look is recorded):*",
             "```" + clip(text.replace("```", "'''"), 2500) + "```"]
    for i, e in enumerate(edits[-3:], 1):
        lines.append(f"_Earlier version {i}:_ ```{clip(e.replace('```', chr(39) * 3), 600)}```")
    return "\n".join(lines)


# ---------------------------------------------------------------- the case thread

def suspended_post_message(*, member: str, channel: str, permalink: str | None) -> str:
    """In the case thread: a suspended member posted and modbot could not remove it."""
    link = f" (<{permalink}|the message>)" if permalink else ""
    return (f":no_entry: <@{member}> posted in <#{channel}> while suspended{link}. modbot has no admin token "
            "(SLACK_ADMIN_TOKEN), so it cannot delete it: delete it by hand if it should go.")


def appeal_thread_message(*, case_number: int, member: str, what: str, decided_by: str, reviewer: str | None,
                          text_masked: str, appeal_id: int) -> tuple[str, list[dict]]:
    ask = f"<@{reviewer}>, please review it (you did not make the decision)." if reviewer else \
        "No other moderator is available to review it."
    text = f"Appeal on case #{case_number} from <@{member}>"
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=clip(
            f"*Appeal on case #{case_number}* from <@{member}> against {escape(what)} (decided by {_who(decided_by)}).\n{ask}\n"
            + _quote(text_masked, 20), 2900))),
        ActionsBlock(block_id="appeal_decision", elements=[
            ButtonElement(text="Uphold the decision", action_id=ids.ACT_APPEAL_UPHOLD, value=str(appeal_id)),
            ButtonElement(text="Reverse it", action_id=ids.ACT_APPEAL_REVERSE, value=str(appeal_id), style="danger"),
        ]),
    ]
    return text, to_dicts(blocks)


def appeal_decided_message(*, case_number: int, member: str, what: str, outcome: str, by: str,
                           text_masked: str, note: str = "") -> tuple[str, list[dict]]:
    verb = "reversed" if outcome == "reversed" else "upheld"
    text = f"Appeal on case #{case_number} {verb} by <@{by}>"
    blocks = [SectionBlock(text=MarkdownTextObject(text=clip(
        f"*Appeal on case #{case_number}* from <@{member}> against {escape(what)}: *{verb}* by <@{by}>. The member has been told.{note}\n"
        + _quote(text_masked, 20), 2900)))]
    return text, to_dicts(blocks)


def escalation_message(*, case_number: int, by: str, contacts: list[str]) -> str:
    cc = " ".join(f"<@{c}>" if c[:1] in ("U", "W") else escape(c) for c in contacts)
    tail = f" cc {cc}" if cc else " (no escalation contacts are configured: moderation.escalation_contacts)"
    return f":rotating_light: Case #{case_number} escalated for legal or law-enforcement follow-up by <@{by}>.{tail}"


def reopened_message(*, case_number: int, why: str, dismissed_by: str | None) -> str:
    return (f":leftwards_arrow_with_hook: Case #{case_number} is open again: {escape(why)} after "
            f"{_who(dismissed_by)} dismissed it. Please look again.")


def note_message(*, by: str, text_masked: str) -> str:
    return f":memo: Note from <@{by}>:\n" + _quote(clip(text_masked, 2000))
