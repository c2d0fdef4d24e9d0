"""Modal submissions: Flag, Warn, Suspend, Add note, Appeal. Each listener
reads the form, asks the moderation service, and acks with what it answers
(field errors, an updated view, or nothing to close the modal)."""
from __future__ import annotations

from slack_bolt import App

from bot import ids
from bot.slack.blocks import case_forms as forms
from handlers.payload import field, moderation, text


def _element(view: dict, block: str, action: str) -> dict:
    element = field(field(field(view.get("state"), "values"), block), action)
    return element if isinstance(element, dict) else {}


def _value(view: dict, block: str, action: str) -> str | None:
    element = _element(view, block, action)
    option = element.get("selected_option")
    return text(option.get("value") if isinstance(option, dict) else element.get("value"))


def _checked(view: dict, block: str, action: str) -> set[str]:
    options = _element(view, block, action).get("selected_options")
    if not isinstance(options, list):
        return set()
    return {o["value"] for o in options if isinstance(o, dict) and isinstance(o.get("value"), str)}


def _user(body: dict) -> str:
    return text(field(body.get("user"), "id")) or ""


def _metadata(view: dict) -> str:
    """The private_metadata the modal was opened with ("" if none)."""
    return text(view.get("private_metadata")) or ""


def _who(ack, body: dict) -> str | None:
    """The submitter, or None (and the modal closed) when the payload has none."""
    user = _user(body)
    if not user:
        ack()
    return user or None


def _ack(ack, answer: dict | None) -> None:
    if answer:
        ack(**answer)
    else:
        ack()


def register(app: App) -> None:
    @app.view(ids.VIEW_FLAG)
    def on_flag(ack, body: dict, view: dict, context) -> None:
        user = _who(ack, body)
        if user is None:
            return
        answer = moderation(context).flags.submit_flag(
            user=user, private_metadata=_metadata(view),
            reason=_value(view, forms.B_REASON, forms.A_REASON), note=_value(view, forms.B_NOTE, forms.A_NOTE),
        )
        _ack(ack, answer)

    @app.view(ids.VIEW_WARN)
    def on_warn(ack, body: dict, view: dict, context) -> None:
        user = _who(ack, body)
        if user is None:
            return
        answer = moderation(context).decisions.submit_warn(
            user=user, private_metadata=_metadata(view),
            guideline=_value(view, forms.B_GUIDELINE, forms.A_GUIDELINE),
            message=_value(view, forms.B_MESSAGE, forms.A_MESSAGE),
            also_remove=forms.OPT_REMOVE in _checked(view, forms.B_OPTIONS, forms.A_OPTIONS),
        )
        _ack(ack, answer)

    @app.view(ids.VIEW_SUSPEND)
    def on_suspend(ack, body: dict, view: dict, context) -> None:
        user = _who(ack, body)
        if user is None:
            return
        checked = _checked(view, forms.B_OPTIONS, forms.A_OPTIONS)
        answer = moderation(context).decisions.submit_suspend(
            user=user, private_metadata=_metadata(view),
            duration=_value(view, forms.B_DURATION, forms.A_DURATION),
            reason=_value(view, forms.B_MESSAGE, forms.A_MESSAGE),
            also_remove=forms.OPT_REMOVE in checked, kick=forms.OPT_KICK in checked,
        )
        _ack(ack, answer)

    @app.view(ids.VIEW_NOTE)
    def on_note(ack, body: dict, view: dict, context) -> None:
        user = _who(ack, body)
        if user is None:
            return
        answer = moderation(context).decisions.submit_note(
            user=user, private_metadata=_metadata(view),
            note=_value(view, forms.B_NOTE, forms.A_NOTE), view_id=str(view.get("id") or ""),
        )
        _ack(ack, answer)

    @app.view(ids.VIEW_APPEAL)
    def on_appeal(ack, body: dict, view: dict, context) -> None:
        user = _who(ack, body)
        if user is None:
            return
        answer = moderation(context).appeals.submit_appeal(
            user=user, private_metadata=_metadata(view),
            text=_value(view, forms.B_APPEAL, forms.A_APPEAL),
        )
        _ack(ack, answer)
