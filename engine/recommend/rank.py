"""Ranking, numbering and totals of a plan's actions."""

from __future__ import annotations

import shlex
from collections import Counter

from mediaopt.engine.model import Action, ActionKind, Plan, PlanTotals, Risk

RISK_WEIGHT = {Risk.SAFE: 1, Risk.REVIEW: 4, Risk.DESTRUCTIVE: 16}
"""Bytes over risk: a safe gigabyte ranks with four to review and sixteen destructive
ones. Powers of four so that risk decides between lines of like size, bytes otherwise."""


def score(action: Action) -> float:
    weight = RISK_WEIGHT[action.risk] * (2 if action.estimate_only else 1)
    return action.bytes / weight


def finish(plan: Plan, actions: list[Action], total_bytes: int, plan_file: str) -> Plan:
    """Rank by bytes over risk, number A001..., fill each command and the totals."""
    actions = sorted(actions, key=lambda a: (-score(a), a.title))
    width = max(3, len(str(len(actions))))
    for number, action in enumerate(actions, 1):
        action.id = f"A{number:0{width}d}"
        if not action.command:
            action.command = command(action, plan_file)
    plan.actions = actions
    totals = PlanTotals(bytes_under_roots=total_bytes)
    by_category: Counter[str] = Counter()
    by_risk: Counter[str] = Counter()
    for action in actions:
        if action.estimate_only:
            totals.estimated += action.bytes
            continue
        totals.reclaimable += action.bytes
        by_category[str(action.category)] += action.bytes
        by_risk[str(action.risk)] += action.bytes
    totals.by_category = dict(by_category.most_common())
    totals.by_risk = dict(by_risk.most_common())
    plan.totals = totals
    return plan


def command(action: Action, plan_file: str) -> str:
    parts = ["mediaopt", "apply", plan_file, "--only", action.id, "--execute"]
    if action.kind in (ActionKind.ARCHIVE, ActionKind.DELETE):
        parts += ["--archive-root", "ARCHIVE"]
    if action.kind is ActionKind.DELETE and action.risk is not Risk.SAFE:
        parts.append("--confirm-destructive")
    return " ".join(shlex.quote(p) if p != "ARCHIVE" else p for p in parts)
