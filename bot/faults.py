"""Named crash points for the crash-safety tests.

tests/scenario/test_crash_safety.py starts `modbot serve` with
MODBOTTEST_CRASH_AT=<point> and the process dies there (like SIGKILL: no
clean-up, no flush), then restarts it and checks nothing was lost or done
twice. Unset (always, outside those tests) a crash point costs one dict
lookup.
"""
from __future__ import annotations

import os

CRASH_ENV = "MODBOTTEST_CRASH_AT"
_TARGET = os.environ.get(CRASH_ENV, "")


def crash_point(name: str) -> None:
    if _TARGET and _TARGET == name:
        os._exit(137)
