"""会签 rules: when a committee's signatures decide the matter, and what they decided (docs/countersign.md).

A rule is one of "all" (unanimity), "majority" (more than half of all members) or "any" (one member
suffices). Votes are the records a multi-instance task gathers, one per member who signed, each with
the member's "decision" ("approve" or "reject") and, on approval, the "approved_amount" they agreed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

RULES = ("all", "majority", "any")


def _counts(votes: Sequence[Mapping[str, Any]]) -> tuple[int, int]:
    approvals = sum(1 for vote in votes if vote.get("decision") == "approve")
    return approvals, len(votes) - approvals


def _approved(approvals: int, members: int, rule: str) -> bool:
    if rule not in RULES:
        raise ValueError(f"会签规则“{rule}”无效：应为 {'、'.join(RULES)} 之一")
    if rule == "all":
        return members > 0 and approvals == members
    if rule == "any":
        return approvals >= 1
    return approvals * 2 > members


def countersign_decided(votes: Sequence[Mapping[str, Any]], members: Sequence[Any], rule: str) -> bool:
    """Whether the outcome can no longer change, so the members still to sign need not (the completion
    condition of a 会签 task)."""
    approvals, refusals = _counts(votes)
    total = len(members)
    if _approved(approvals, total, rule):
        return True
    # The most approvals still possible: every member not yet signed approves.
    return not _approved(total - refusals, total, rule)


def _lowest_amount(votes: Sequence[Mapping[str, Any]]) -> str | None:
    amounts = []
    for vote in votes:
        if vote.get("decision") == "approve" and vote.get("approved_amount") not in (None, ""):
            try:
                amounts.append(Decimal(str(vote["approved_amount"])))
            except InvalidOperation:
                continue
    return str(min(amounts)) if amounts else None


def countersign_outcome(votes: Sequence[Mapping[str, Any]], members: Sequence[Any], rule: str) -> dict[str, Any]:
    """The combined decision. An approval grants the lowest amount an approving member agreed to: no
    member is held to more than they signed for. Without members nobody could decide: an error, never a
    silent refusal (a county without committee members must get them before a 一事一议 can be held)."""
    if not members:
        raise ValueError("会签成员名单为空，无法作出决定：请先配置成员（如县协调机制成员）")
    approvals, refusals = _counts(votes)
    approved = _approved(approvals, len(members), rule)
    return {
        "decision": "approve" if approved else "reject",
        "rule": rule,
        "members": len(members),
        "approvals": approvals,
        "refusals": refusals,
        "approved_amount": _lowest_amount(votes) if approved else None,
    }
