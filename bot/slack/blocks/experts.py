"""Block Kit for the expert programme: notices, the moderators' summary,
the spotlight, /experts and /myactivity. Pure functions: data in,
(fallback text, blocks) out. Dates use Slack's <!date^...> so each reader
sees them in their own time zone; the fallback is in the community's."""
from __future__ import annotations

from datetime import datetime
from typing import Sequence
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ContextBlock, DividerBlock, HeaderBlock, SectionBlock
from slack_sdk.models.blocks.basic_components import MarkdownTextObject

SECTION_LIMIT = 3000


def _md(text: str) -> dict:
    return SectionBlock(text=MarkdownTextObject(text=text[:SECTION_LIMIT])).to_dict()


def _context(text: str) -> dict:
    return ContextBlock(elements=[MarkdownTextObject(text=text[:SECTION_LIMIT])]).to_dict()


def month_label(month: str) -> str:
    year, mon = (int(p) for p in month.split("-"))
    return datetime(year, mon, 1).strftime("%B %Y")


def plain_date(ts: float, tz: ZoneInfo | str = "UTC") -> str:
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    d = datetime.fromtimestamp(ts, zone)
    return f"{d.day} {d:%B %Y}"


def slack_date(ts: float, tz: ZoneInfo | str = "UTC") -> str:
    return f"<!date^{int(ts)}^{{date_long}}|{plain_date(ts, tz)}>"


def _answers(n: int) -> str:
    return f"{n} answer" + ("" if n == 1 else "s")


# -- the review ------------------------------------------------------------------
def notice_message(review, *, tz: ZoneInfo) -> tuple[str, list[dict]]:
    """The one DM an expert below the minimum gets."""
    month = month_label(review.month)
    until = plain_date(review.grace_until, tz)
    text = (
        f"In {month} you gave {_answers(review.answers)}; experts give at least {review.minimum} a month. "
        f"Give {review.minimum} answers by {until} to keep your expert role."
    )
    blocks = [
        _md(
            f"*Your expert activity in {month}*\n"
            f"You gave *{_answers(review.answers)}* in {month}; the expert programme asks for at least "
            f"*{review.minimum}* a month."
        ),
        _md(
            f"To keep your expert role, give *{review.minimum} answers* by *{slack_date(review.grace_until, tz)}*. "
            "An answer is a reply in someone else's question thread in a help channel. "
            "If you do, you keep the role and I will let you know; otherwise it ends on that date, "
            "and you are welcome back whenever you are more active again."
        ),
        _context("Check your numbers any time with `/myactivity`. Questions? Ask the moderators."),
    ]
    return text, blocks


def review_summary(month: str, reviews: Sequence, *, tz: ZoneInfo) -> tuple[str, list[dict]]:
    """For the moderators: who met the minimum and who was notified."""
    label = month_label(month)
    below = [r for r in reviews if r.outcome != "met"]
    met = [r for r in reviews if r.outcome == "met"]
    text = f"Expert review for {label}: {len(met)} met the minimum, {len(below)} below it."
    blocks = [HeaderBlock(text=f"Expert review: {label}"[:150]).to_dict(), _md(text)]
    if below:
        lines = [
            f"• <@{r.user_id}>: {_answers(r.answers)} of {r.minimum}; grace until {slack_date(r.grace_until or 0, tz)}"
            + ("" if r.outcome == "notified" else f" ({r.outcome})")
            for r in below
        ]
        blocks.append(_md("*Notified (below the minimum)*\n" + "\n".join(lines)))
    if met:
        blocks.append(_md("*Met the minimum*\n" + ", ".join(f"<@{r.user_id}> ({r.answers})" for r in met)))
    return text, blocks


def recovered_message(status) -> tuple[str, list[dict]]:
    year, mon = (int(p) for p in status.month.split("-"))
    since = month_label(f"{year + mon // 12}-{mon % 12 + 1:02d}")
    text = (
        f"Thank you! You have given {_answers(status.answers_since)} since {since} began, "
        f"so you keep your expert role."
    )
    return text, [_md(f":tada: *You keep your expert role.*\n{text}")]


def revoked_message(review) -> tuple[str, list[dict]]:
    text = (
        f"Your grace period has ended without {review.minimum} answers, so your expert role has ended. "
        "Thank you for everything you gave the community; you are welcome back in the programme "
        "when you are more active again."
    )
    return text, [_md(f"*Your expert role has ended*\n{text}")]


def revoked_moderator_note(review, *, problem: str | None = None) -> tuple[str, list[dict]]:
    text = (
        f"<@{review.user_id}> lost the expert role: below the minimum in {month_label(review.month)} "
        f"({_answers(review.answers)} of {review.minimum}) and no recovery in the grace period."
    )
    blocks = [_md(text)]
    if problem:
        blocks.append(_md(f":warning: {problem}"))
    else:
        blocks.append(_context("They were removed from the expert user group and told by DM."))
    return text, blocks


# -- the spotlight ---------------------------------------------------------------
def spotlight_message(month: str, entries: Sequence) -> tuple[str, list[dict]]:
    label = month_label(month)
    blocks = [
        HeaderBlock(text=f"Expert spotlight: {label}"[:150]).to_dict(),
        _md(f"Thank you to the experts who helped most in {label}!"),
    ]
    for place, e in enumerate(entries, start=1):
        mark = " :white_check_mark: _certified_" if e.certified else ""
        line = f"*{place}. <@{e.user}>*{mark}: {_answers(e.answers)}"
        if e.links:
            line += "\n" + "  ".join(f"<{link}|answer {i}>" for i, link in enumerate(e.links, start=1))
        blocks.append(_md(line))
    blocks.append(
        _context(
            "Ranked by answers given; linked are each expert's best-received answers (the asker came back to the thread). "
            "The community does not endorse or guarantee experts' paid services."
        )
    )
    text = f"Expert spotlight for {label}: " + ", ".join(f"<@{e.user}>" for e in entries)
    return text, blocks


# -- /experts --------------------------------------------------------------------
EXPERTS_USAGE = (
    "*Usage*\n"
    "• `/experts`: the expert roster and this month's most helpful members\n"
    "• `/experts add @member`, `/experts remove @member`: change the roster (moderators)\n"
    "• `/experts certify @member`, `/experts uncertify @member`: mark a certified expert (moderators)"
)


def experts_reply(roster: Sequence, top: Sequence[tuple[str, int]], *, month: str, show_status: bool, minimum: int) -> tuple[str, list[dict]]:
    label = month_label(month)
    blocks = [HeaderBlock(text="Experts").to_dict()]
    if roster:
        lines = []
        for e in roster:
            mark = " :white_check_mark: certified" if e.certified else ""
            extra = ""
            if show_status:
                extra = f" ({_answers(e.answers_this_month)} this month"
                extra += ", in grace)" if e.status == "grace" else ")"
            lines.append(f"• <@{e.user}>{mark}{extra}")
        chunks, current = [], "*Roster*"
        for line in lines:
            if len(current) + len(line) + 1 > SECTION_LIMIT:
                chunks.append(current)
                current = ""
            current += "\n" + line
        chunks.append(current)
        blocks += [_md(c) for c in chunks[:20]]
    else:
        blocks.append(_md("*Roster*\nThere are no experts yet."))
    blocks.append(DividerBlock().to_dict())
    if top:
        lines = [f"{i}. <@{u}>: {_answers(n)}" for i, (u, n) in enumerate(top, start=1)]
        blocks.append(_md(f"*Most helpful in {label} so far*\n" + "\n".join(lines)))
    else:
        blocks.append(_md(f"*Most helpful in {label} so far*\nNo answers yet this month."))
    blocks.append(_context(f"Experts give at least {minimum} answers a month. `/experts help` for the commands."))
    text = f"{len(roster)} expert{'' if len(roster) == 1 else 's'}. Most helpful in {label}: " + (", ".join(f"<@{u}>" for u, _ in top) or "nobody yet")
    return text, blocks


def notice(text: str) -> tuple[str, list[dict]]:
    """A one-line answer (a change made, a refusal, usage)."""
    return text.replace("*", ""), [_md(text)]


# -- /myactivity -----------------------------------------------------------------
ROLE_NAMES = {
    "admin": "Admin",
    "moderator": "Moderator",
    "employee": "Employee",
    "expert": "Expert",
    "new_member": "New member",
    "member": "Member",
}


def myactivity_reply(report) -> tuple[str, list[dict]]:
    tz = ZoneInfo(report.timezone)
    label = month_label(report.month)
    blocks: list[dict] = [HeaderBlock(text="Your activity").to_dict()]
    shown_role = ROLE_NAMES.get(report.role, report.role.title())
    if report.is_employee and report.role != "employee":
        shown_role += " · Employee"
    expert = report.expert
    if expert is None or expert.status == "revoked":
        status = "not an expert"
        if expert is not None and expert.removed_at:
            status += f" (the role ended {slack_date(expert.removed_at, tz)})"
    else:
        status = "certified expert" if expert.certified else "expert"
        if report.grace is not None:
            g = report.grace
            status += (
                f", *in a grace period*: {g.days_left} day{'s' if g.days_left != 1 else ''} left "
                f"(until {slack_date(g.grace_until, tz)}), {g.answers_since} of {g.minimum} answers since the review"
            )
    progress = f"*{_answers(report.answers)}* in {label} so far"
    if expert is not None and expert.status != "revoked":
        progress += f" (minimum {report.minimum})"
        progress += " :white_check_mark:" if report.answers >= report.minimum else f": {report.minimum - report.answers} to go"
    else:
        progress += f" (experts give at least {report.minimum})"
    blocks.append(
        _md(f"*Role:* {shown_role}\n*Expert programme:* {status}\n*Answers:* {progress}\n*Questions asked:* {report.questions} this month")
    )
    history = "  ".join(f"{month_label(m)[:3]} {m[2:4]}: *{n}*" for m, n in report.history.items())
    blocks.append(_md(f"*Answers in the last six months*\n{history}"))
    flags = report.flags
    flag_line = f"*Flags you made:* {flags.made}, {flags.upheld} upheld by the moderators"
    if flags.pending:
        flag_line += f", {flags.pending} still open"
    lines = [flag_line]
    if report.warnings:
        items = [f"• {w.guideline}: given {slack_date(w.issued_at, tz)}, expires {slack_date(w.expires_at, tz)}" for w in report.warnings]
        lines.append(f"*Active warnings:* {len(report.warnings)}\n" + "\n".join(items))
    else:
        lines.append("*Active warnings:* none")
    if report.suspension is not None:
        s = report.suspension
        end = f"until {slack_date(s.ends_at, tz)}" if s.ends_at else "until a moderator lifts it"
        lines.append(f"*Suspension:* in force {end}")
    else:
        lines.append("*Suspension:* none")
    blocks.append(DividerBlock().to_dict())
    blocks.append(_md("\n".join(lines)))
    blocks.append(_context("Only you can see this. An answer is a reply in someone else's question thread in a help channel."))
    text = (
        f"{_answers(report.answers)} in {label} (minimum {report.minimum}); flags {flags.made} made, {flags.upheld} upheld; "
        f"{len(report.warnings)} active warnings" + ("; suspended" if report.suspension else "")
    )
    return text, blocks


MYACTIVITY_USAGE = (
    "*Usage:* `/myactivity` (no arguments) shows your answers, flags, warnings and expert status, privately. "
    "`/myactivity suggestions off` (or `on`) stops (or restarts) suggestions of earlier threads for your questions."
)
