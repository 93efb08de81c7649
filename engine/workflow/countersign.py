"""会签 at run time: which member a multi-instance user task is for, and what it hands back.

Spiff runs a multi-instance user task as a wrapper task (MultiInstanceTask) with one child per item of
the input collection; the child carries its item under the inputDataItem's id. Each child becomes a
HumanTask of its own (engine.records.writeback), carrying the member this module reads. When a member
completes theirs, the output item is set to the member with the form's values, so the output
collection ends up as one record per member, in the order they signed. Spiff evaluates the
completion condition in the completing child's data after merging it into the wrapper; that copy of
the output collection would still be the empty list it inherited, so the child's copy is brought up
to date (the records so far plus its own) before it runs: the condition sees the tally.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask


def _wrapper(task: Any) -> Any | None:
    parent = getattr(task, "parent", None)
    if parent is not None and isinstance(parent.task_spec, MultiInstanceTask):
        return parent
    return None


def member_name(item: Any) -> str:
    """How a member reads on a page: the `name` of a mapping (else its username), or the item itself."""
    if isinstance(item, Mapping):
        return str(item.get("name") or item.get("username") or "")
    return str(item)


def member_of(task: Any) -> dict[str, Any] | None:
    """The member a ready child of a 会签 is for: {"group", "item", "name", "username"}; None otherwise.

    `group` is the wrapper's Spiff task id: one 会签 round (a 民主评议 held again is a new group)."""
    wrapper = _wrapper(task)
    if wrapper is None:
        return None
    spec = wrapper.task_spec
    item = task.data.get(spec.input_item.bpmn_id) if spec.input_item is not None else None
    username = item.get("username") if isinstance(item, Mapping) else None
    return {
        "group": str(wrapper.id),
        "item": deepcopy(item),
        "name": member_name(item),
        "username": str(username) if username else None,
    }


def member_title(title: str, member: Mapping[str, Any] | None) -> str:
    """A member's task is titled with the member: 民主评议：张三."""
    return f"{title}：{member['name']}" if member and member.get("name") else title


def prepare_completion(task: Any, clean: Mapping[str, Any]) -> None:
    """Before a 会签 child runs: its output item (member + form) and its view of the output collection."""
    wrapper = _wrapper(task)
    if wrapper is None:
        return
    spec = wrapper.task_spec
    if spec.output_item is None or spec.data_output is None:
        return
    item = task.data.get(spec.input_item.bpmn_id) if spec.input_item is not None else None
    record = {"member": deepcopy(item), **deepcopy(dict(clean))}
    spec.output_item.set(task, record)
    so_far = spec.data_output.get(wrapper)
    if isinstance(so_far, list):
        spec.data_output.set(task, [*deepcopy(so_far), record])
