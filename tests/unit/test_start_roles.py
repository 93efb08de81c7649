"""Who may start a process, as the BPMN says it (engine/workflow/starters.py), and the deploy check."""

from __future__ import annotations

from lxml import etree

from engine.workflow.starters import check_start_roles, starters_of

HEAD = (
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d">'
)


def _bpmn(start: str, lanes: str = "") -> etree._ElementTree:
    text = f'{HEAD}<bpmn:process id="p" isExecutable="true">{lanes}{start}</bpmn:process></bpmn:definitions>'
    return etree.ElementTree(etree.fromstring(text.encode()))


def _declared(value: str) -> str:
    return (
        '<bpmn:startEvent id="s"><bpmn:extensionElements><spiffworkflow:properties>'
        f'<spiffworkflow:property name="startRoles" value="{value}"/>'
        "</spiffworkflow:properties></bpmn:extensionElements></bpmn:startEvent>"
    )


LANE = (
    '<bpmn:laneSet id="ls"><bpmn:lane id="l" name="乡镇经办人">'
    "<bpmn:flowNodeRef>s</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
)


def test_the_property_names_the_roles_by_key_or_label_else_the_start_lane_decides() -> None:
    declared = _bpmn(_declared("village_assistant, 乡镇负责人"), LANE).getroot()
    assert starters_of(declared) == {"p": frozenset({"village_assistant", "township_head"})}
    assert starters_of(_bpmn('<bpmn:startEvent id="s"/>', LANE).getroot()) == {"p": frozenset({"township_clerk"})}
    assert starters_of(_bpmn('<bpmn:startEvent id="s"/>').getroot()) == {"p": None}  # says nothing


def test_deploy_refuses_unknown_or_empty_start_roles() -> None:
    (unknown,) = check_start_roles({"p.bpmn": _bpmn(_declared("township_clerk, 村长"))})
    assert "村长" in unknown.message
    assert unknown.element == "s"
    (empty,) = check_start_roles({"p.bpmn": _bpmn(_declared(" , "))})
    assert "为空" in empty.message
    assert list(check_start_roles({"p.bpmn": _bpmn(_declared("designer"))}))  # not a casework role
    assert not list(check_start_roles({"p.bpmn": _bpmn(_declared("county_approver"))}))


def test_the_review_grounds_of_the_start_form_are_the_vocabulary() -> None:
    import json

    from engine.domain.vocabulary import REVIEW_TRIGGERS
    from engine.settings import PROJECT_ROOT

    form = json.loads((PROJECT_ROOT / "forms" / "definitions" / "periodic_review_start.json").read_text("utf-8"))
    trigger = form["properties"]["trigger"]
    assert trigger["enum"] == list(REVIEW_TRIGGERS)
    assert trigger["x-enum-labels"] == REVIEW_TRIGGERS
