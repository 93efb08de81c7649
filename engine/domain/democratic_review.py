"""民主评议 tallies (docs/rules.md#democratic-review): recusal, attendance and the region's pass threshold.

Participants related to the applicant are recused: they neither count as present nor vote. The
result passes when the votes for reach numerator/denominator of those present (default 2/3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def _voters(participants: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [p for p in participants if p.get("present") and not p.get("related_to_applicant")]


def vote_problems(record: Mapping[str, Any]) -> dict[str, list[str]]:
    """Field errors of a review record whose tally does not add up; {} when it does."""
    participants = list(record.get("participants") or [])
    voters = len(_voters(participants))
    cast = sum(int(record.get(key) or 0) for key in ("votes_for", "votes_against", "votes_abstain"))
    problems: dict[str, list[str]] = {}
    if voters == 0:
        problems["participants"] = ["参加人员：没有可参加表决的出席人员（回避人员不计入）"]
    if cast != voters:
        problems["votes_for"] = [f"同意票：同意、反对、弃权票合计 {cast} 票，应等于出席且无需回避的人数 {voters}"]
    return problems


def review_result(
    participants: Sequence[Mapping[str, Any]],
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    numerator: int,
    denominator: int,
) -> dict[str, Any]:
    voters = len(_voters(participants))
    passed = voters > 0 and votes_for * denominator >= voters * numerator
    return {
        "present": voters,
        "recused": [str(p.get("name")) for p in participants if p.get("related_to_applicant")],
        "votes_for": votes_for,
        "votes_against": votes_against,
        "votes_abstain": votes_abstain,
        "threshold": f"{numerator}/{denominator}",
        "passed": passed,
    }
