"""How many CPUs this process may use. One count sizes every pool of work:
the sentence reader's threads, `modbot check --jsonl`'s workers and the
export audit's default --jobs."""
from __future__ import annotations

import math
import os
from pathlib import Path

# Work queued per worker process: one piece running and one waiting keeps
# each worker busy, and memory stays bounded however long the input.
IN_FLIGHT = 2


def cores() -> int:
    """CPUs this process may use: the ones it may run on (taskset), and no
    more than a container's CPU quota (cgroup v2 cpu.max, or v1's CFS
    quota), which a container with many visible CPUs often has."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    quota = _cpu_quota()
    return max(1, min(n, quota)) if quota else n


def _cpu_quota(cgroup: Path = Path("/sys/fs/cgroup")) -> int | None:
    """CPUs a container's quota allows (rounded up), None without a quota."""
    try:  # cgroup v2: "<quota> <period>" or "max <period>"
        quota, period = (cgroup / "cpu.max").read_text().split()[:2]
    except (OSError, ValueError):
        try:  # cgroup v1
            quota = (cgroup / "cpu" / "cpu.cfs_quota_us").read_text().strip()
            period = (cgroup / "cpu" / "cpu.cfs_period_us").read_text().strip()
        except OSError:
            return None
    try:
        return max(1, math.ceil(int(quota) / int(period))) if quota not in ("max", "-1") else None
    except (ValueError, ZeroDivisionError):
        return None
