"""The moderation modals: Flag, Warn, Suspend, Add note, Appeal, and the
one-message notice. Pure functions of plain data, like the card."""
from __future__ import annotations

from slack_sdk.models.blocks import (
    CheckboxesElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import ids
from bot.slack.blocks import clip, escape
from bot.slack.blocks.cases import OTHER_REASON, duration_label

# Block and action ids inside modals (the view callback ids live in bot.ids).
B_REASON, A_REASON = "reason", "reason_select"
B_NOTE, A_NOTE = "note", "note_input"
B_MESSAGE, A_MESSAGE = "message", "message_input"
B_GUIDELINE, A_GUIDELINE = "guideline", "guideline_select"
B_DURATION, A_DURATION = "duration", "duration_select"
B_OPTIONS, A_OPTIONS = "options", "options_check"
B_APPEAL, A_APPEAL = "appeal", "appeal_input"
OPT_REMOVE = "remove"
OPT_KICK = "kick"


def _options(pairs: list[tuple[str, str]]) -> list[Option]:
    return [Option(value=v, text=clip(label, 75)) for v, label in pairs]


def notice_view(title: str, text: str) -> dict:
    """A modal with one message and a Close button."""
    return View(type="modal", title=clip(title, 24), close="Close",
                blocks=[SectionBlock(text=MarkdownTextObject(text=clip(text, 2900)))]).to_dict()


def flag_modal(reasons: list[tuple[str, str]], *, private_metadata: str) -> dict:
    """`reasons`: (value, label) per guideline category; "Something else" is added."""
    options = _options(reasons + [(OTHER_REASON, "Something else")])
    return View(
        type="modal",
        callback_id=ids.VIEW_FLAG,
        title="Flag this message",
        submit="Flag",
        close="Cancel",
        private_metadata=private_metadata,
        blocks=[
            SectionBlock(text=MarkdownTextObject(
                text="Tell the moderators what is wrong. They review every flag; the author is never told who flagged.")),
            InputBlock(block_id=B_REASON, label="Reason",
                       element=StaticSelectElement(action_id=A_REASON, placeholder="Choose a reason", options=options)),
            InputBlock(block_id=B_NOTE, label="Note for the moderators", optional=True,
                       hint="Needed when you choose \u201cSomething else\u201d.",
                       element=PlainTextInputElement(action_id=A_NOTE, multiline=True, max_length=1000)),
        ],
    ).to_dict()


def flag_thanks_view(removed_pending_review: bool = False) -> dict:
    text = "Thank you. The moderators will look at this message. The author will not be told who flagged it."
    if removed_pending_review:
        text += "\nEnough members flagged it that it has been hidden until a moderator reviews it."
    return notice_view("Flag sent", text)


def warn_modal(*, case_number: int, guidelines: list[tuple[str, str]], guideline: str, message: str,
               private_metadata: str, offer_remove: bool) -> dict:
    options = _options(guidelines)
    initial = next((o for o in options if o.value == guideline), options[0] if options else None)
    blocks = [
        SectionBlock(text=MarkdownTextObject(
            text=f"Warn the author of case #{case_number}. They get this message as a DM with the guideline's text and an Appeal button.")),
        InputBlock(block_id=B_GUIDELINE, label="Guideline",
                   element=StaticSelectElement(action_id=A_GUIDELINE, options=options, initial_option=initial)),
        InputBlock(block_id=B_MESSAGE, label="Message to the author",
                   element=PlainTextInputElement(action_id=A_MESSAGE, multiline=True, initial_value=clip(message, 2900), max_length=3000)),
    ]
    if offer_remove:
        opt = Option(value=OPT_REMOVE, text="Also remove the message")
        blocks.append(InputBlock(block_id=B_OPTIONS, label="Also", optional=True,
                                 element=CheckboxesElement(action_id=A_OPTIONS, options=[opt], initial_options=[opt])))
    return View(type="modal", callback_id=ids.VIEW_WARN, title=f"Warn \u00b7 case #{case_number}"[:24], submit="Send warning",
                close="Cancel", private_metadata=private_metadata, blocks=blocks).to_dict()


def suspend_modal(*, case_number: int, steps: list[int], suggested: int, history: str, reason: str,
                  private_metadata: str, offer_remove: bool, kick_channels: list[str]) -> dict:
    options = _options([(str(s), duration_label(s)) for s in steps])
    initial = next((o for o in options if o.value == str(suggested)), options[0])
    blocks = [
        SectionBlock(text=MarkdownTextObject(
            text=f"Suspend the author of case #{case_number}. While suspended, modbot removes each new message they post "
                 f"and tells them once until when.\n_Suggested from their history: {duration_label(suggested)} ({escape(history)})._")),
        InputBlock(block_id=B_DURATION, label="Duration",
                   element=StaticSelectElement(action_id=A_DURATION, options=options, initial_option=initial)),
        InputBlock(block_id=B_MESSAGE, label="Reason (sent to the member)",
                   element=PlainTextInputElement(action_id=A_MESSAGE, multiline=True, initial_value=clip(reason, 2900), max_length=3000)),
    ]
    extra = []
    if offer_remove:
        extra.append(Option(value=OPT_REMOVE, text="Also remove the message"))
    if kick_channels:
        names = ", ".join(f"#{c}" if not c[:1] in ("C", "G") else c for c in kick_channels)
        extra.append(Option(value=OPT_KICK, text=clip(f"Remove them from {names}", 75)))
    if extra:
        blocks.append(InputBlock(block_id=B_OPTIONS, label="Also", optional=True,
                                 element=CheckboxesElement(action_id=A_OPTIONS, options=extra,
                                                           initial_options=[o for o in extra if o.value == OPT_REMOVE] or None)))
    return View(type="modal", callback_id=ids.VIEW_SUSPEND, title=f"Suspend \u00b7 case #{case_number}"[:24], submit="Suspend",
                close="Cancel", private_metadata=private_metadata, blocks=blocks).to_dict()


def note_modal(*, case_number: int, private_metadata: str) -> dict:
    return View(type="modal", callback_id=ids.VIEW_NOTE, title=f"Note \u00b7 case #{case_number}"[:24], submit="Add note",
                close="Cancel", private_metadata=private_metadata, blocks=[
                    InputBlock(block_id=B_NOTE, label="Note (posted in the case thread)",
                               element=PlainTextInputElement(action_id=A_NOTE, multiline=True, max_length=2000)),
                ]).to_dict()


def appeal_modal(*, what: str, private_metadata: str) -> dict:
    return View(type="modal", callback_id=ids.VIEW_APPEAL, title="Appeal", submit="Send appeal", close="Cancel",
                private_metadata=private_metadata, blocks=[
                    SectionBlock(text=MarkdownTextObject(
                        text=f"You are appealing {escape(what)}. A moderator who did not make the decision will review it. "
                             "You can appeal each decision once.")),
                    InputBlock(block_id=B_APPEAL, label="Your side",
                               element=PlainTextInputElement(action_id=A_APPEAL, multiline=True, min_length=10, max_length=3000)),
                ]).to_dict()
