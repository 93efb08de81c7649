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


# --- 民主评议 as a 会签 (docs/countersign.md): the panel, its quorum and each member's signed vote -----
# The panel is entered first; members related to the applicant withdraw (回避) and get no task; every
# seated member's attendance, vote and signature is a task of its own. `rules` are the region's
# parameters as the process gathers them: min_panel, attendance, representatives and pass thresholds as
# [numerator, denominator].

RESIDENT_REP = "resident_rep"


def seats(panel: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The members who sit (not related to the applicant), each a 会签 member: name, kind, resident rep."""
    return [
        {"name": str(p.get("name")), "kind": p.get("kind"), "resident_rep": p.get("kind") == RESIDENT_REP}
        for p in panel
        if not p.get("related_to_applicant")
    ]


def _share(part: int, whole: int, fraction: Sequence[int]) -> bool:
    numerator, denominator = int(fraction[0]), int(fraction[1])
    return whole > 0 and part * denominator >= whole * numerator


def panel_problems(record: Mapping[str, Any], rules: Mapping[str, Any]) -> dict[str, list[str]]:
    """Field errors of a panel too small or with too few resident representatives once the related withdraw."""
    seated = seats(list(record.get("panel") or []))
    reps = sum(1 for s in seated if s["resident_rep"])
    problems: list[str] = []
    minimum = int(rules.get("min_panel") or 1)
    if len(seated) < minimum:
        problems.append(f"评议人员：回避后 {len(seated)} 人，少于最低人数 {minimum} 人")
    fraction = rules.get("representatives") or (2, 3)
    if seated and not _share(reps, len(seated), fraction):
        share = f"{fraction[0]}/{fraction[1]}"
        problems.append(f"评议人员：居民代表 {reps} 人，不足回避后评议人员 {len(seated)} 人的 {share}")
    return {"panel": problems} if problems else {}


def vote_record_problems(record: Mapping[str, Any]) -> dict[str, list[str]]:
    """A member present votes and signs; a member absent does neither."""
    if record.get("attendance") == "present":
        problems = {}
        if not record.get("decision"):
            problems["decision"] = ["表决意见：出席的评议人员必须表决"]
        if record.get("signed") is not True:
            problems["signed"] = ["签字确认：出席的评议人员须在评议记录上签字确认"]
        return problems
    if record.get("decision"):
        return {"decision": ["表决意见：缺席的评议人员不能表决"]}
    return {}


def panel_tally(
    panel: Sequence[Mapping[str, Any]], votes: Sequence[Mapping[str, Any]], rules: Mapping[str, Any]
) -> dict[str, Any]:
    """Quorum and result of one sitting. Without quorum the review does not stand (`refusal` says why)."""
    seated = len(seats(panel))
    present = [v for v in votes if v.get("attendance") == "present"]
    reps = sum(1 for v in present if (v.get("member") or {}).get("resident_rep"))
    attendance, representatives = rules.get("attendance") or (2, 3), rules.get("representatives") or (2, 3)
    reasons = []
    if not _share(len(present), seated, attendance):
        reasons.append(f"出席 {len(present)} 人，不足应到 {seated} 人的 {attendance[0]}/{attendance[1]}")
    if present and not _share(reps, len(present), representatives):
        reasons.append(f"出席的居民代表 {reps} 人，不足出席人数的 {representatives[0]}/{representatives[1]}")
    counts = {key: sum(1 for v in present if v.get("decision") == key) for key in ("agree", "against", "abstain")}
    threshold = rules.get("pass") or (2, 3)
    quorum = not reasons
    return {
        "seated": seated,
        "present": len(present),
        "recused": [str(p.get("name")) for p in panel if p.get("related_to_applicant")],
        "votes_for": counts["agree"],
        "votes_against": counts["against"],
        "votes_abstain": counts["abstain"],
        "threshold": f"{threshold[0]}/{threshold[1]}",
        "quorum": quorum,
        "passed": quorum and _share(counts["agree"], len(present), threshold),
        "refusal": "" if quorum else "；".join(reasons) + "：本次民主评议不成立，请重新组织",
    }
