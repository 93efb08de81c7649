"""web/kit/diagram/: BPMN DI drawn as SVG. Every shape and flow of the real procedures is drawn, lanes show
the Chinese role labels, states become classes and colours, and names from a BPMN file are escaped."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine.settings import PROJECT_ROOT
from web.kit.diagram import DiagramError, call_activities, element_names, render_svg, wrap

PROCESSES = PROJECT_ROOT / "processes"
APPLICATION = PROCESSES / "default" / "dibao_application.bpmn"
SVG = "{http://www.w3.org/2000/svg}"
BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def _svg(text: str) -> etree._Element:
    return etree.fromstring(text.encode())


def _groups(svg: etree._Element) -> dict[str, etree._Element]:
    return {str(g.get("data-element")): g for g in svg.iter(f"{SVG}g") if g.get("data-element")}


def _texts(svg: etree._Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def _di(path: Path) -> tuple[list[str], list[str]]:
    root = etree.parse(str(path)).getroot()
    shapes = [str(s.get("bpmnElement")) for s in root.iter(f"{BPMNDI}BPMNShape")]
    edges = [str(e.get("bpmnElement")) for e in root.iter(f"{BPMNDI}BPMNEdge")]
    return shapes, edges


def test_every_shape_and_edge_of_the_application_is_drawn() -> None:
    svg = _svg(render_svg(APPLICATION.read_text(), "dibao_application"))
    groups = _groups(svg)
    shapes, edges = _di(APPLICATION)
    assert len(shapes) > 50
    assert len(edges) > 50
    for element in shapes + edges:
        assert element in groups, element
    for edge in edges:
        (path,) = groups[edge].iter(f"{SVG}path")
        assert path.get("d", "").startswith("M")
        assert path.get("marker-end") == "url(#bpmn-arrow-pending)"
    # Sized to the DI: the pool is 4260 × 970 at (100, 80), plus a margin.
    x, y, width, height = (float(v) for v in svg.get("viewBox", "").split())
    assert (x, y) == (88, 68)
    assert width >= 4260
    assert height >= 970
    # Shapes by kind: rounded tasks, circles for events, diamonds for gateways.
    assert groups["intake_review"].find(f"{SVG}rect").get("rx") == "10"  # type: ignore[union-attr]
    assert groups["start"].find(f"{SVG}circle") is not None
    assert groups["intake_gateway"].find(f"{SVG}polygon") is not None


def test_lanes_show_the_chinese_role_labels_and_the_pool_its_name() -> None:
    svg = _svg(render_svg(APPLICATION.read_text(), "dibao_application"))
    texts = _texts(svg)
    for label in ("乡镇经办人", "县核对机构", "乡镇负责人", "县民政经办人", "县民政审批人", "最低生活保障审核确认"):
        assert label in texts
    assert not any("township_clerk" in t or "county_approver" in t for t in texts)
    assert "受理审查" in texts
    assert any("启动家庭经济状况" in t for t in texts)  # wrapped over two lines
    assert "予以受理" in texts  # a sequence flow's name


def test_states_become_classes_and_colours() -> None:
    states = {"start": "done", "register": "done", "intake_review": "done", "start_investigation": "active"}
    taken = {"flow_start_to_register"}
    svg = _svg(render_svg(APPLICATION.read_text(), "dibao_application", states=states, flows_taken=taken))
    groups = _groups(svg)
    assert groups["register"].get("class") == "bpmn-el bpmn-activity done"
    assert groups["start"].get("class") == "bpmn-el bpmn-event done"
    assert groups["start_investigation"].get("class") == "bpmn-el bpmn-activity active"
    assert groups["start_investigation"].get("id") == "bpmn-current"  # the "在图中定位" anchor
    assert groups["home_visit"].get("class") == "bpmn-el bpmn-activity pending"
    assert groups["flow_start_to_register"].get("class") == "bpmn-flow done"
    assert groups["flow_register_to_intake_merge"].get("class") == "bpmn-flow pending"
    # The look is in presentation attributes too, so it survives without the page's stylesheet.
    done_rect = groups["register"].find(f"{SVG}rect")
    active_rect = groups["start_investigation"].find(f"{SVG}rect")
    pending_rect = groups["home_visit"].find(f"{SVG}rect")
    assert done_rect is not None
    assert active_rect is not None
    assert pending_rect is not None
    assert done_rect.get("stroke") == "#1a6b35"
    assert active_rect.get("stroke") == "#c25700"
    assert float(active_rect.get("stroke-width", "0")) > float(pending_rect.get("stroke-width", "0"))
    (flow_path,) = groups["flow_start_to_register"].iter(f"{SVG}path")
    assert flow_path.get("marker-end") == "url(#bpmn-arrow-done)"
    title = groups["start_investigation"].find(f"{SVG}title")
    assert title is not None
    assert title.text == "启动家庭经济状况调查（当前所在）"


def test_call_activities_get_the_plus_marker_and_the_caller_s_link() -> None:
    text = APPLICATION.read_text()
    assert call_activities(text, "dibao_application") == {
        "democratic_review_call": "democratic_review",
        "public_notice_call": "public_notice",
    }
    link = "/cases/2026-0000001/diagram/public_notice"
    svg = _svg(render_svg(text, "dibao_application", links={"public_notice_call": link}))
    anchors = list(svg.iter(f"{SVG}a"))
    assert [a.get("href") for a in anchors] == [link]
    (group,) = anchors[0]
    assert group.get("data-element") == "public_notice_call"
    assert any(p.get("class") == "bpmn-marker" for p in group.iter(f"{SVG}path"))  # the "+"
    # Without a link the call activity is drawn, just not clickable.
    groups = _groups(svg)
    assert groups["democratic_review_call"].getparent().tag != f"{SVG}a"  # type: ignore[union-attr]


def test_event_and_gateway_markers() -> None:
    svg = _svg(render_svg((PROCESSES / "default" / "public_notice.bpmn").read_text(), "public_notice"))
    groups = _groups(svg)
    # Timer: a clock (circle with hands); message: an envelope; event-based gateway: circles and a pentagon.
    elapsed, arrived, wait = groups["notice_elapsed"], groups["objection_arrived"], groups["notice_wait"]
    assert len(list(elapsed.iter(f"{SVG}circle"))) == 3
    assert any(r.get("class") is None for r in arrived.iter(f"{SVG}rect"))
    assert len(list(wait.iter(f"{SVG}polygon"))) == 2  # the diamond and the pentagon
    assert len(list(wait.iter(f"{SVG}circle"))) == 2
    app = _groups(_svg(render_svg(APPLICATION.read_text(), "dibao_application")))
    (cross,) = list(app["intake_gateway"].iter(f"{SVG}path"))
    assert cross.get("d", "").count("M") == 2  # the X
    (plus,) = list(app["investigation_split"].iter(f"{SVG}path"))
    assert plus.get("d", "").count("M") == 2  # the +


FIXTURE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
    id="defs" targetNamespace="https://dibao.local/test">
  <bpmn:collaboration id="collab">
    <bpmn:participant id="pool" name="&lt;b&gt;池&lt;/b&gt;" processRef="evil" />
  </bpmn:collaboration>
  <bpmn:process id="evil" name="恶意流程" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane" name="&lt;img src=x onerror=alert(1)&gt;">
        <bpmn:flowNodeRef>s</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>t</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="s" name="开始 &amp; &quot;引号&quot;" />
    <bpmn:userTask id="t" name="&lt;script&gt;alert('x')&lt;/script&gt;" />
    <bpmn:sequenceFlow id="f" name="&lt;/text&gt;&lt;script&gt;" sourceRef="s" targetRef="t" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="d">
    <bpmndi:BPMNPlane id="p" bpmnElement="collab">
      <bpmndi:BPMNShape id="pool_di" bpmnElement="pool" isHorizontal="true">
        <dc:Bounds x="0" y="0" width="600" height="200" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="lane_di" bpmnElement="lane" isHorizontal="true">
        <dc:Bounds x="30" y="0" width="570" height="200" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="s_di" bpmnElement="s"><dc:Bounds x="80" y="80" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="t_di" bpmnElement="t">
        <dc:Bounds x="200" y="58" width="110" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f_di" bpmnElement="f"><di:waypoint x="116" y="98" /><di:waypoint x="200" y="98" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def test_names_from_the_file_are_escaped() -> None:
    text = render_svg(FIXTURE, "evil", states={"t": "active"}, links={"t": "/x"})
    assert "<script" not in text
    assert "<img" not in text
    assert "<b>" not in text
    assert "&lt;script&gt;" in text
    assert "&lt;/text&gt;&lt;script&gt;" in text
    assert "&amp;" in text
    svg = _svg(text)  # still well-formed XML
    texts = _texts(svg)
    assert "<img src=x onerror=alert(1)>" in texts
    assert any("<script>" in t for t in texts)
    assert "<b>池</b>" in texts
    assert not list(svg.iter(f"{SVG}a"))  # a link only wraps a call activity
    assert not list(svg.iter(f"{SVG}script"))


def test_no_inline_styles_so_the_page_s_content_security_policy_holds() -> None:
    text = render_svg(APPLICATION.read_text(), "dibao_application", states={"start": "done"})
    svg = _svg(text)
    assert not list(svg.iter(f"{SVG}style"))
    assert not [e for e in svg.iter() if isinstance(e.tag, str) and e.get("style") is not None]
    assert svg.get("font-family", "").startswith('"PingFang SC"')


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        b"<definitions><unclosed></definitions>",
        b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"/>',
    ],
)
def test_unsafe_broken_or_undrawable_files_are_refused(data: bytes) -> None:
    with pytest.raises(DiagramError):
        render_svg(data, "x")


def test_a_process_without_its_own_diagram_is_refused() -> None:
    with pytest.raises(DiagramError, match="没有流程 public_notice"):
        render_svg(APPLICATION.read_text(), "public_notice")


ALL_BPMN = sorted(PROCESSES.rglob("*.bpmn"))


@pytest.mark.parametrize("path", ALL_BPMN, ids=[str(p.relative_to(PROCESSES)) for p in ALL_BPMN])
def test_every_deployed_procedure_draws(path: Path) -> None:
    root = etree.parse(str(path)).getroot()
    (process,) = root.iter(f"{BPMN}process")
    svg = _svg(render_svg(path.read_bytes(), str(process.get("id"))))
    shapes, edges = _di(path)
    assert set(shapes + edges) <= set(_groups(svg))


def test_chinese_names_wrap_by_width() -> None:
    assert wrap("启动家庭经济状况调查", 98, 12) == ["启动家庭经济状况", "调查"]
    assert wrap("Hello wide world", 50, 12) == ["Hello", "wide", "world"]
    assert wrap("", 50, 12) == [""]


def test_element_names_for_the_where_is_it_line() -> None:
    names = element_names((PROCESSES / "default" / "public_notice.bpmn").read_text(), "public_notice")
    assert names["notice_wait"] == "公示期间"
