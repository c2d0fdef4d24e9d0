"""Guideline text as Block Kit: /guidelines answers and the welcome DM.
Pure functions: data in, (fallback text, blocks) out."""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from slack_sdk.models.blocks import ContextBlock, DividerBlock, HeaderBlock, SectionBlock
from slack_sdk.models.blocks.basic_components import MarkdownTextObject

from bot.slack.blocks import escape

MAX_BLOCKS = 50  # Slack's limit for a message
SECTION_LIMIT = 3000  # characters in a section's text
HEADER_LIMIT = 150
TOPIC_SHOWN = 100  # characters of an unknown topic repeated back

# Sections of the default guidelines a newcomer sees first in the welcome DM.
WELCOME_KEY_SECTIONS = ("harassment", "privacy", "confidential", "selling", "flagging")

_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"(\*\*|__)(.+?)\1")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![*\w])")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+")


def _section(text: str) -> dict:
    return SectionBlock(text=MarkdownTextObject(text=text)).to_dict()


def _context(text: str) -> dict:
    return ContextBlock(elements=[MarkdownTextObject(text=text)]).to_dict()


def markdown_to_mrkdwn(markdown: str) -> str:
    """Markdown as written in a guidelines file -> Slack mrkdwn.

    Paragraph lines are joined (Slack would keep the file's hard wraps),
    list items stay one per line with a bullet, **bold** becomes *bold*,
    *emphasis* becomes _emphasis_ and [text](url) becomes <url|text>.
    """
    out: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(" ".join(paragraph))
            paragraph.clear()

    for raw in markdown.split("\n"):
        line = raw.rstrip()
        if not line.strip():
            flush()
            if out and out[-1] != "":
                out.append("")
            continue
        if _BULLET.match(line):
            flush()
            out.append("• " + _BULLET.sub("", line))
        elif _NUMBERED.match(line):
            flush()
            out.append(line.strip())
        elif out and out[-1].startswith("• ") and raw.startswith(("  ", "\t")) and not paragraph:
            out[-1] += " " + line.strip()  # a wrapped list item
        else:
            paragraph.append(line.strip())
    flush()
    # Escaped first; Markdown links become <url|text> after, so they stay links.
    text = escape("\n".join(out).strip())
    links: list[str] = []

    def keep_link(m: re.Match) -> str:
        links.append(f"<{m.group(2)}|{m.group(1)}>")
        return f"\x00{len(links) - 1}\x00"

    text = _LINK.sub(keep_link, text)
    text = _BOLD.sub(lambda m: f"\x01{m.group(2)}\x01", text)
    text = _ITALIC.sub(lambda m: f"_{m.group(1)}_", text)
    text = text.replace("\x01", "*")
    text = re.sub(r"\x00(\d+)\x00", lambda m: links[int(m.group(1))], text)
    return text


def _chunks(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split at paragraph, then line, then word boundaries to fit a section."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for piece in re.split(r"(\n\n|\n| )", text):
        if len(current) + len(piece) > limit:
            if current.strip():
                parts.append(current.strip())
            current = piece if piece.strip() else ""
            while len(current) > limit:
                parts.append(current[:limit])
                current = current[limit:]
        else:
            current += piece
    if current.strip():
        parts.append(current.strip())
    return parts


def section_blocks(section, *, with_title: bool = True) -> list[dict]:
    """One guideline section: its title in bold, then its text."""
    body = markdown_to_mrkdwn(section.text)
    title = f"*{escape(section.title)}*"
    if not body:
        return [_section(title)]
    return [_section(c) for c in _chunks(f"{title}\n{body}" if with_title else body)]


def guidelines_reply(sections: Sequence, *, community: str, topic: str = "", command: str = "/guidelines") -> tuple[str, list[dict]]:
    """The /guidelines answer: every section, or those matching a topic."""
    heading = f"Community guidelines: {topic}" if topic else f"{community.strip() or 'Community'} guidelines"
    blocks: list[dict] = [HeaderBlock(text=heading[:HEADER_LIMIT]).to_dict()]
    shown = 0
    for i, section in enumerate(sections):
        rendered = section_blocks(section)
        needed = len(rendered) + (1 if i else 0)
        if len(blocks) + needed > MAX_BLOCKS - 1:
            break
        if i:
            blocks.append(DividerBlock().to_dict())
        blocks.extend(rendered)
        shown += 1
    tip = f"Type `{command} <topic>` for one subject, for example `{command} privacy`."
    if shown < len(sections):
        left = ", ".join(f"`{s.id}`" for s in sections[shown:])
        tip = f"More sections: {left}. " + tip
    blocks.append(_context(tip))
    text = heading + ": " + ", ".join(s.title for s in sections)
    return text[:3000], blocks


def topics_usage(topics: Iterable[tuple[str, str]], *, unknown: str = "", command: str = "/guidelines") -> tuple[str, list[dict]]:
    """Usage and the list of topics, for an unknown topic or `help`."""
    lines = [f"• `{sid}`: {escape(title)}" for sid, title in topics]
    # The member's words come back cut and on one line: a slash command's
    # text can be thousands of characters, more than a section may hold.
    shown = " ".join(unknown.split())
    if len(shown) > TOPIC_SHOWN:
        shown = shown[:TOPIC_SHOWN] + "…"
    intro = (
        f"I have no guideline section about *{escape(shown)}*." if shown else "Ask for the whole text or one topic."
    )
    usage = f"*Usage:* `{command}` shows all the guidelines; `{command} <topic>` shows the matching sections."
    blocks = [_section(f"{intro}\n{usage}")]
    blocks += [_section(chunk) for chunk in _chunks("*Topics*\n" + "\n".join(lines))]
    text = f"{intro} Usage: {command} [topic]. Topics: " + ", ".join(sid for sid, _ in topics)
    return text[:3000], blocks


def _first_sentence(markdown: str) -> str:
    plain = " ".join(markdown_to_mrkdwn(markdown).split())
    match = re.match(r"(.+?[.!?])(\s|$)", plain)
    return match.group(1) if match else plain[:200]


PROFILE_ITEMS = {
    "real_name": "Add your full name, so people know who they are talking to.",
    "title": "Add your job title.",
    "company": "Add the company you work for.",
    "photo": "Upload a profile photo.",
}


def welcome_message(
    *,
    user: str,
    community: str,
    key_sections: Sequence,
    missing: Sequence[str],
    command: str = "/guidelines",
) -> tuple[str, list[dict]]:
    """The newcomer's DM: a welcome, the key guidelines, and only the profile
    items still missing (none: a thank-you instead of the checklist)."""
    name = community.strip() or "the community"
    blocks: list[dict] = [
        _section(f"Welcome to {escape(name)}, <@{user}>! :wave:\n"
                 "People here help each other: ask in the help channels, and answer when you know something.")
    ]
    if key_sections:
        lines = [f"• *{escape(s.title)}*: {_first_sentence(s.text)}" for s in key_sections]
        text = "\n".join(["*A few guidelines to know*", *lines, f"The full text: `{command}`."])
        blocks.append(_section(text[:SECTION_LIMIT]))
    if missing:
        items = "\n".join(f"• {PROFILE_ITEMS.get(m, m)}" for m in missing)
        blocks.append(_section(f"*Complete your profile*\nA complete profile helps people trust your answers:\n{items}"))
    else:
        blocks.append(_context("Your profile is complete. Thank you!"))
    text = f"Welcome to {name}! Read the guidelines with {command}."
    if missing:
        text += " Your profile is missing: " + ", ".join(m.replace("_", " ") for m in missing) + "."
    return text, blocks
