"""会签 rules (engine/domain/countersign.py): when the signatures decide, and what they decided."""

from __future__ import annotations

import pytest

from engine.domain.countersign import countersign_decided, countersign_outcome

MEMBERS = ["甲", "乙", "丙"]
YES, NO = {"decision": "approve", "approved_amount": "12000.00"}, {"decision": "reject"}


@pytest.mark.parametrize(
    ("rule", "votes", "decided", "decision"),
    [
        ("majority", [YES], False, "reject"),
        ("majority", [YES, NO], False, "reject"),
        ("majority", [YES, YES], True, "approve"),
        ("majority", [NO, NO], True, "reject"),  # a third approval could no longer make a majority
        ("all", [YES, YES], False, "reject"),
        ("all", [YES, NO], True, "reject"),
        ("all", [YES, YES, YES], True, "approve"),
        ("any", [NO, NO], False, "reject"),
        ("any", [NO, YES], True, "approve"),
        ("any", [NO, NO, NO], True, "reject"),
    ],
)
def test_rules(rule: str, votes: list[dict[str, str]], decided: bool, decision: str) -> None:
    assert countersign_decided(votes, MEMBERS, rule) is decided
    assert countersign_outcome(votes, MEMBERS, rule)["decision"] == decision


def test_an_approval_grants_the_lowest_amount_an_approving_member_signed_for() -> None:
    votes = [YES, {"decision": "approve", "approved_amount": "9000.00"}, {**NO, "approved_amount": "1.00"}]
    assert countersign_outcome(votes, MEMBERS, "majority")["approved_amount"] == "9000.00"


def test_no_members_and_unknown_rules_are_errors_not_refusals() -> None:
    with pytest.raises(ValueError, match="会签成员名单为空"):
        countersign_outcome([], [], "majority")
    with pytest.raises(ValueError, match="会签规则“most”无效"):
        countersign_decided([YES], MEMBERS, "most")
