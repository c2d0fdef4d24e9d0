"""Resolving overlapping sensitive spans costs O(n log n) comparisons, not
O(n^2): counted, not timed. Positions are ints that count every comparison
made on them, so whatever the algorithm compares (sorting, bisecting, or
each span against every kept one) is tallied."""
from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

import policies
from policies import Finding

KINDS = ["secret", "card", "iban", "email", "ip", "phone", "password", "address"]


class Tally:
    count = 0


class CountedInt(int):
    def _cmp(op):
        def compare(self, other):
            Tally.count += 1
            return getattr(int, op)(self, other)

        return compare

    __lt__, __le__, __gt__, __ge__ = _cmp("__lt__"), _cmp("__le__"), _cmp("__gt__"), _cmp("__ge__")


def _finding(start: int, end: int, kind: str, score: float = 0.9) -> Finding:
    return Finding("privacy", f"privacy.{kind}", score, "medium", CountedInt(start), CountedInt(end), "x", True,
                   extra={"kind": kind})


def _comparisons(findings: list[Finding]) -> int:
    Tally.count = 0
    policies._resolve_overlaps(findings)
    return Tally.count


def _bound(n: int) -> float:
    return 12 * n * max(1.0, math.log2(n)) + 20


@given(st.integers(min_value=2, max_value=3000), st.sampled_from(KINDS), st.integers(min_value=1, max_value=40))
@settings(max_examples=25, deadline=None)
def test_disjoint_spans_cost_n_log_n_comparisons(n, kind, width):
    # Many addresses in one line: every span kept, the case that was n^2/2.
    findings = [_finding(i * (width + 1), i * (width + 1) + width, kind) for i in range(n)]
    assert _comparisons(findings) <= _bound(n)


@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 60), st.sampled_from(KINDS),
                          st.floats(0.1, 1.0)), min_size=2, max_size=1500))
@settings(max_examples=40, deadline=None)
def test_any_mix_of_spans_costs_n_log_n_comparisons(spans):
    findings = [_finding(s, s + w, k, p) for s, w, k, p in spans]
    assert _comparisons(findings) <= _bound(len(findings))


def test_growth_from_1000_to_8000_spans_is_near_linear():
    small = _comparisons([_finding(i * 3, i * 3 + 2, "email") for i in range(1000)])
    large = _comparisons([_finding(i * 3, i * 3 + 2, "email") for i in range(8000)])
    # n log n grows 8 * 13/10 = 10.4 times here; n^2 would grow 64 times.
    assert large / small < 16


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 8), st.sampled_from(KINDS + ["other"]),
                          st.sampled_from([0.5, 0.7, 0.9])), max_size=14))
@settings(max_examples=300, deadline=None)
def test_the_kept_spans_are_those_the_priority_rule_picks(spans):
    """The same answer as the plain rule: in priority order, keep a span
    that overlaps none kept so far; report in order of start."""
    findings = [Finding("privacy", "r", p, "low", s, s + w, "x", True, extra={"kind": k}) for s, w, k, p in spans]
    ordered = sorted(findings, key=lambda f: (policies._PRIORITY.get(f.extra.get("kind"), 9), -f.score))
    expected: list[Finding] = []
    for f in ordered:
        if all(f.end <= k.start or f.start >= k.end for k in expected):
            expected.append(f)
    expected.sort(key=lambda f: f.start)
    assert [id(f) for f in policies._resolve_overlaps(findings)] == [id(f) for f in expected]


@given(st.integers(min_value=2, max_value=3000), st.integers(min_value=1, max_value=30))
@settings(max_examples=20, deadline=None)
def test_masking_the_kept_spans_costs_n_log_n_comparisons(n, width):
    findings = [_finding(i * (width + 1), i * (width + 1) + width, "password") for i in range(n)]
    text = "x" * (n * (width + 1))
    Tally.count = 0
    masked = policies.mask(text, findings)
    assert Tally.count <= _bound(n)
    assert masked.count("\u2022\u2022\u2022") == n  # every span was masked
