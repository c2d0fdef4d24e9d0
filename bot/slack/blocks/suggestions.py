"""Block Kit for "this may have been answered before": the suggestion an
asker sees (privately, or in their thread where a channel asks for it) and
the short notes that answer its buttons. Pure: data in, (text, blocks) out."""
from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, SectionBlock
from slack_sdk.models.blocks.basic_components import MarkdownTextObject

from bot import ids
from bot.slack.blocks import clip, escape, to_dicts

LINE_LIMIT = 120


@dataclass(frozen=True)
class ThreadLink:
    url: str | None
    first_line: str
    answers: int


def _link(thread: ThreadLink) -> str:
    # The link text is a member's words: no mention, link or '|' may survive.
    label = escape(clip(thread.first_line, LINE_LIMIT)).replace("|", "\u2223") or "(a question)"
    answers = f"{thread.answers} answer" + ("" if thread.answers == 1 else "s")
    return f"\u2022 <{thread.url}|{label}> ({answers})" if thread.url else f"\u2022 {label} ({answers})"


def suggestion_message(threads: list[ThreadLink], *, suggestion_id: int, public: bool) -> tuple[str, list[dict]]:
    """Up to three earlier threads, with Not related and Don't suggest to me."""
    heading = "This may have been answered before:" if len(threads) > 1 else "This may have been answered before."
    text = f"{heading} " + "; ".join(clip(t.first_line, LINE_LIMIT) for t in threads)
    who = "Suggested because this question reads like earlier ones." if public else "Only you can see this."
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=f"*{heading}*\n" + "\n".join(_link(t) for t in threads))),
        ContextBlock(elements=[MarkdownTextObject(text=f"{who} If one of these answers it, you may not need to wait for a reply.")]),
        ActionsBlock(
            block_id="suggestion",
            elements=[
                ButtonElement(text="Not related", action_id=ids.ACT_SUGGEST_NOT_RELATED, value=str(suggestion_id)),
                ButtonElement(text="Don't suggest to me", action_id=ids.ACT_SUGGEST_OPT_OUT, value=str(suggestion_id)),
            ],
        ),
    ]
    return text, to_dicts(blocks)


def note(text: str) -> tuple[str, list[dict]]:
    """A one-line private answer to a click or a command."""
    return text, to_dicts([SectionBlock(text=MarkdownTextObject(text=text))])


NOT_RELATED_THANKS = "Thanks, noted: this suggestion was not related. It helps modbot suggest better."
NOT_RELATED_ALREADY = "You already marked this suggestion as not related."
NOT_RELATED_REFUSED = "Only moderators and the person who asked can mark a suggestion as not related."
OPTED_OUT = "Done: modbot will not suggest earlier threads to you. `/myactivity suggestions on` turns them back on."
OPTED_IN = "Done: modbot will suggest earlier threads that may answer your questions again."
ALREADY_OUT = "Suggestions were already off for you. `/myactivity suggestions on` turns them back on."
ALREADY_IN = "Suggestions were already on for you."
GONE = "That suggestion is no longer on record."
