"""A one-line progress bar for a terminal, silent anywhere else.

Twenty lines of our own instead of a dependency: the audit needs a bar, a
count and a rate, nothing more, and a pipe or a log file must get none of it.
"""
from __future__ import annotations

import sys
import time
from typing import Callable, TextIO


class Progress:
    def __init__(self, total: int, *, stream: TextIO | None = None, enabled: bool | None = None,
                 clock: Callable[[], float] = time.monotonic, width: int = 28):
        self.total = max(total, 1)
        self.stream = stream or sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = enabled if enabled is not None else bool(isatty and isatty())
        self.clock = clock
        self.width = width
        self.start = clock()
        self._last = -1.0
        self.done = 0
        self.messages = 0

    def update(self, done: int, messages: int, *, force: bool = False) -> None:
        self.done, self.messages = done, messages
        if not self.enabled:
            return
        now = self.clock()
        if not force and now - self._last < 0.1 and done < self.total:
            return  # redrawing faster than the eye reads only costs time
        self._last = now
        frac = min(done / self.total, 1.0)
        filled = int(frac * self.width)
        rate = messages / max(now - self.start, 1e-9)
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {frac:4.0%} "
                          f"{done:,}/{self.total:,} day files  {messages:,} messages  {rate:,.0f}/s ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.update(self.done, self.messages, force=True)
            self.stream.write("\n")
            self.stream.flush()
