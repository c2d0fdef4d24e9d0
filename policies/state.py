"""An in-memory ActivityView: for tests, `modbot check` and the offline audit.

Memory is bounded: each author keeps at most `per_user` recent events and at
most `max_users` authors are remembered (least recently active dropped).
"""
from __future__ import annotations

from collections import OrderedDict, deque
from typing import NamedTuple


class _Event(NamedTuple):
    ts: float
    channel: str
    fingerprint: str
    links: int


class MemoryActivity:
    def __init__(self, *, per_user: int = 200, max_users: int = 10_000):
        self.per_user = per_user
        self.max_users = max_users
        self._users: OrderedDict[str, deque[_Event]] = OrderedDict()

    def record(self, *, user: str, channel: str, ts: float, fingerprint: str, links: int) -> None:
        events = self._users.get(user)
        if events is None:
            events = self._users[user] = deque(maxlen=self.per_user)
            while len(self._users) > self.max_users:
                self._users.popitem(last=False)
        else:
            self._users.move_to_end(user)
        events.append(_Event(ts, channel, fingerprint, links))

    # Each query walks the author's events once, without a generator
    # chain: they run for every message the audit checks.
    def count_since(self, *, user: str, since: float) -> int:
        return sum(1 for e in self._users.get(user, ()) if e.ts >= since)

    def channels_with_fingerprint(self, *, user: str, fingerprint: str, since: float) -> set[str]:
        return {e.channel for e in self._users.get(user, ()) if e.ts >= since and e.fingerprint == fingerprint}

    def links_since(self, *, user: str, since: float) -> int:
        return sum(e.links for e in self._users.get(user, ()) if e.ts >= since)

    def __len__(self) -> int:
        return len(self._users)
