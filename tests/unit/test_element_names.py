"""Validation problems name elements as the designer sees them: by name, an unnamed flow by what it joins,
an unnamed DMN rule by its number; a file that does not parse names nothing."""

from __future__ import annotations

from pathlib import Path

from engine.workflow.element_names import element_names

PROCESSES = Path(__file__).resolve().parents[2] / "processes" / "default"


def test_bpmn_tasks_lanes_and_unnamed_flows_read_as_the_modeler_shows_them() -> None:
    names = element_names((PROCESSES / "dibao_application.bpmn").read_bytes())
    assert names["first_review"] == "初审"
    assert names["lane_township_clerk"] == "乡镇经办人"  # a lane is named by its role
    assert names["flow_first_review_to_first_review_gateway"] == "「初审」→「初审意见」的连线"


def test_dmn_rules_are_numbered_within_their_table() -> None:
    names = element_names((PROCESSES / "reference_approval_level.dmn").read_bytes())
    rules = [name for name in names.values() if name.endswith("条规则")]
    assert rules[:2] == ["第 1 条规则", "第 2 条规则"]


def test_a_file_that_does_not_parse_names_nothing() -> None:
    assert element_names(b"<bpmn:definitions") == {}
    assert element_names(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x id="a"/>') == {}
