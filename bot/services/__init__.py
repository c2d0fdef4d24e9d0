"""The deciding layer: what happens to a message, a flag, a click or a month."""
from __future__ import annotations

from bot.runtime import Modbot


def build_services(rt: Modbot) -> None:
    """Construct every service on the runtime; order matters for message
    observers (moderation sees a message before activity counting)."""
    from bot.services.messages import MessageService

    rt.services.messages = MessageService(rt)

    from bot.services import retention

    retention.register(rt)
