"""The closed loop: each decision is credited to the rules that opened the
case (acted on = right, dismissed = wrong); from enough decisions modbot
suggests a rule's new threshold, or trusting it to remove at once. A
suggestion is only shown: a moderator applies it (App Home), it is stored
as an override of modbot.toml, audited, and read by intake for the next
message (`policy_config`). The arithmetic here is pure; storage does SQL."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import policies
from storage import audit as audit_db
from storage import rule_quality as rq_db
from storage import transaction

# What a rule should reach: a raised threshold keeps precision at or above
# TARGET; a rule right this often may remove by itself.
TARGET_PRECISION = 0.8
TRUST_PRECISION = 0.95
Z95 = 1.959964


def wilson(right: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion (95 % by default)."""
    if n == 0:
        return 0.0, 1.0
    p = right / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    den = 1 + z * z / n
    return max(0.0, (centre - spread) / den), min(1.0, (centre + spread) / den)


@dataclass(frozen=True)
class Suggestion:
    rule: str
    kind: str  # "threshold" | "auto_remove"
    threshold: float | None
    why: str

    @property
    def value(self) -> str:
        """What the App Home button carries (a signed payload, checked again on click)."""
        return f"{self.kind}|{self.rule}|{'' if self.threshold is None else f'{self.threshold:.4f}'}"


@dataclass(frozen=True)
class RuleReport:
    rule: str
    category: str
    cases: int  # decided and open
    right: int
    wrong: int
    low: float  # Wilson interval of the precision
    high: float
    shadow: int
    shadow_right: int
    shadow_wrong: int
    override: rq_db.Override | None
    suggestion: Suggestion | None

    @property
    def decided(self) -> int:
        return self.right + self.wrong

    @property
    def precision(self) -> float | None:
        return self.right / self.decided if self.decided else None


def suggest(rule: str, credits: list[rq_db.Credit], *, min_decisions: int, threshold: float,
            auto_remove: bool) -> Suggestion | None:
    """From a rule's decided cases: the lowest threshold above the current
    one at which precision would have been >= TARGET_PRECISION (keeping at
    least one case), or, at >= TRUST_PRECISION, removing by itself."""
    n = len(credits)
    if n < min_decisions:
        return None
    right = sum(c.right for c in credits)
    if right / n >= TRUST_PRECISION:
        if auto_remove:
            return None
        return Suggestion(rule, "auto_remove", None,
                          f"right in {right} of {n} decisions ({right / n:.0%})")
    if right / n >= TARGET_PRECISION:
        return None
    for cut in sorted({c.score for c in credits}):
        if cut <= threshold:
            continue
        kept = [c for c in credits if c.score >= cut]
        kept_right = sum(c.right for c in kept)
        if kept and kept_right / len(kept) >= TARGET_PRECISION:
            return Suggestion(rule, "threshold", round(cut, 4),
                              f"right in {right} of {n} decisions ({right / n:.0%}); at score {cut:.2f} it would "
                              f"have been right in {kept_right} of {len(kept)} ({kept_right / len(kept):.0%})")
    return None


def with_overrides(config: policies.PolicyConfig | None, overrides: list[rq_db.Override]) -> policies.PolicyConfig:
    """The policy settings the next message gets: modbot.toml's, with the
    moderators' applied overrides on top (policies stay pure: this is data)."""
    config = config or policies.PolicyConfig()
    if not overrides:
        return config
    rules = dict(config.rules)
    for o in overrides:
        rules[o.rule] = policies.RuleOverride(threshold=o.threshold, auto_remove=o.auto_remove)
    return replace(config, rules=rules)


def trusted_rules(config: policies.PolicyConfig) -> frozenset[str]:
    """The rules moderators trusted to remove by themselves (from the config
    `with_overrides` made, so one read of the overrides serves a message)."""
    return frozenset(rule for rule, over in config.rules.items() if over.auto_remove)


class RuleQuality:
    """Per-rule figures and suggestions, and applying one."""

    def __init__(self, *, store, clock, min_decisions: int):
        self.store = store
        self.clock = clock
        self.min_decisions = min_decisions

    @property
    def db(self):
        return self.store.db  # one connection per thread

    def policy_config(self, base: policies.PolicyConfig | None) -> policies.PolicyConfig:
        return with_overrides(base, rq_db.overrides(self.db))

    def reports(self, base: policies.PolicyConfig | None) -> list[RuleReport]:
        categories = (base or policies.PolicyConfig()).categories  # overrides change rules, not categories
        overrides = {o.rule: o for o in rq_db.overrides(self.db)}
        by_rule: dict[str, list[rq_db.Credit]] = {}
        for c in rq_db.credits(self.db):
            by_rule.setdefault(c.rule, []).append(c)
        open_counts = rq_db.open_counts(self.db)
        shadows: dict[str, list[rq_db.ShadowFinding]] = {}
        for s in rq_db.shadow_findings(self.db):
            shadows.setdefault(s.rule, []).append(s)
        out = []
        for rule in sorted(set(by_rule) | set(open_counts) | set(shadows) | set(overrides)):
            credits = by_rule.get(rule, [])
            category = credits[0].category if credits else rule.split(".", 1)[0]
            right = sum(c.right for c in credits)
            cc = categories.get(category)
            over = overrides.get(rule)
            threshold = over.threshold if over and over.threshold is not None else (cc.threshold if cc else 0.0)
            low, high = wilson(right, len(credits))
            marks = [s.right for s in shadows.get(rule, []) if s.right is not None]
            out.append(RuleReport(
                rule=rule, category=category, cases=len(credits) + open_counts.get(rule, 0), right=right,
                wrong=len(credits) - right, low=low, high=high, shadow=len(shadows.get(rule, [])),
                shadow_right=sum(marks), shadow_wrong=len(marks) - sum(marks), override=over,
                suggestion=suggest(rule, credits, min_decisions=self.min_decisions, threshold=threshold,
                                   auto_remove=bool(over and over.auto_remove) or (cc is not None and cc.action == "remove")),
            ))
        return out

    def apply(self, value: str, *, by: str, base: policies.PolicyConfig | None) -> Suggestion | None:
        """Apply the suggestion a button carried, if modbot still suggests it
        (the figures may have moved since the view was drawn)."""
        current = {r.rule: r.suggestion for r in self.reports(base) if r.suggestion is not None}
        wanted = next((s for s in current.values() if s.value == value), None)
        if wanted is None:
            return None
        with transaction(self.db):
            rq_db.set_override(self.db, rule=wanted.rule, threshold=wanted.threshold,
                               auto_remove=wanted.kind == "auto_remove", by=by, now=self.clock.now())
            audit_db.append(self.db, actor=by, action="rule_override_applied", now=self.clock.now(),
                            detail={"rule": wanted.rule, "kind": wanted.kind, "threshold": wanted.threshold,
                                    "why": wanted.why})
        return wanted

    def mark_shadow(self, audit_id: int, *, right: bool, by: str) -> bool:
        finding = rq_db.shadow_finding(self.db, audit_id)
        if finding is None:
            return False
        with transaction(self.db):
            marked = rq_db.mark_shadow(self.db, audit_id=audit_id, rule=finding.rule, right=right, by=by,
                                       now=self.clock.now())
            if marked:
                    audit_db.append(self.db, actor=by, action="shadow_marked", now=self.clock.now(),
                                detail={"rule": finding.rule, "audit_id": audit_id, "right": right})
        return marked
