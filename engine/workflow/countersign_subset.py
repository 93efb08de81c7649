"""会签 on the XML: what a multi-instance user task must declare before Spiff sees it (docs/countersign.md).

SpiffWorkflow accepts a multiInstanceLoopCharacteristics on any activity, with a cardinality or a
collection, with or without items, and fails at run time when a name is missing. Our engine runs one
shape only, the one a 会签 needs: a user task, one task per member of a collection in the process data
(loopDataInputRef + inputDataItem), each member's record gathered into an output collection
(loopDataOutputRef + outputDataItem), and an optional completion condition that compiles in the
sandbox. Everything else is refused here, naming the element, in Chinese.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Iterator

from lxml import etree

from engine.errors import Problem
from engine.workflow.helpers import ENGINE_NAMES, HELPER_NAMES
from engine.workflow.namespaces import BPMN_NS
from engine.workflow.sandbox import check_expression, check_names

ProblemMaker = Callable[[str], Problem]

# The child elements a 会签 may carry; loopCardinality is refused by subset (members are named, not counted).
CHILDREN = frozenset(
    {"loopDataInputRef", "inputDataItem", "loopDataOutputRef", "outputDataItem", "completionCondition"}
)
_NEEDED = (
    ("loopDataInputRef", "成员列表 loopDataInputRef（流程数据中的列表变量名）"),
    ("inputDataItem", "成员变量 inputDataItem（id 为每个任务中成员的变量名）"),
    ("loopDataOutputRef", "结果列表 loopDataOutputRef（汇总各成员意见的变量名）"),
    ("outputDataItem", "结果变量 outputDataItem（id 为每个成员意见的变量名）"),
)


def _child(node: etree._Element, name: str) -> etree._Element | None:
    return node.find(f"{{{BPMN_NS}}}{name}")


def _name_of(node: etree._Element) -> str:
    """The variable a child names: the text of a *Ref, the id of an *Item (Spiff's TaskDataReference)."""
    if etree.QName(node).localname.endswith("Ref"):
        return (node.text or "").strip()
    return (node.get("id") or "").strip()


def _is_variable(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_")


def multi_instance_problems(origin: str, node: etree._Element) -> Iterator[Problem]:
    """Problems of one multiInstanceLoopCharacteristics, each naming the task it belongs to."""
    holder = node.getparent()
    element = holder.get("id") if holder is not None else None

    def problem(message: str) -> Problem:
        return Problem(origin, message, element, node.sourceline)

    kind = etree.QName(holder).localname if holder is not None else ""
    if kind != "userTask":
        yield problem(f"多实例（会签）只能用于用户任务 userTask，不能用于 {kind or '此处'}")
        return
    names: dict[str, str] = {}
    for tag, label in _NEEDED:
        found = _child(node, tag)
        name = _name_of(found) if found is not None else ""
        if found is None or not name:
            yield problem(f"会签任务缺少{label}")
        elif not _is_variable(name):
            yield problem(f"会签任务的 {tag}“{name[:40]}”不是合法的变量名")
        else:
            names[tag] = name
    if len(set(names.values())) < len(names):
        yield problem("会签任务的成员列表、成员变量、结果列表和结果变量必须是四个不同的变量名")
    yield from _condition_problems(node, problem)


def _condition_problems(node: etree._Element, problem: ProblemMaker) -> Iterator[Problem]:
    condition = _child(node, "completionCondition")
    if condition is None:
        return  # all members sign
    source = (condition.text or "").strip()
    if not source:
        yield problem("会签任务的完成条件 completionCondition 为空：不需要时请删除该元素")
        return
    reason = check_expression(source) or check_names(source, "eval", HELPER_NAMES | ENGINE_NAMES)
    if reason:
        yield problem(f"会签任务的完成条件无法在沙箱中编译：{reason}")


_SUMMARY = (("loopDataInputRef", "成员"), ("loopDataOutputRef", "结果"), ("completionCondition", "完成条件"))


def countersign_summary(task: etree._Element) -> str | None:
    """How a user task's 会签 reads in a version diff: its members, results and condition; None if none."""
    node = _child(task, "multiInstanceLoopCharacteristics")
    if node is None:
        return None
    parts = ["依次会签" if node.get("isSequential") == "true" else "并行会签"]
    for tag, label in (
        ("loopDataInputRef", "成员"),
        ("loopDataOutputRef", "结果"),
        ("completionCondition", "完成条件"),
    ):
        found = _child(node, tag)
        if found is not None and (text := (found.text or "").strip()):
            parts.append(f"{label} {text}")
    return "，".join(parts)
