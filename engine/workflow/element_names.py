"""What a designer calls the elements of a BPMN or DMN file: id → the name they see in the modeler.

Validation problems name an element by its id (`first_review`), which a designer never types; the
drafts page and the modeler show its name (初审) instead, with the id beside it for the curious. An
unnamed sequence flow reads as the two elements it joins, an unnamed DMN rule by its number
(and its description), a table cell by its rule.
"""

from __future__ import annotations

from lxml import etree

from engine.workflow.xmlsafe import UnsafeXml, parse_xml

# What an unnamed element is, by its XML tag (local name), for the few kinds designers leave unnamed.
_UNNAMED = {
    "startEvent": "开始事件",
    "endEvent": "结束事件",
    "exclusiveGateway": "排他网关",
    "parallelGateway": "并行网关",
    "inclusiveGateway": "包容网关",
    "eventBasedGateway": "事件网关",
    "intermediateCatchEvent": "中间事件",
    "boundaryEvent": "边界事件",
    "lane": "泳道",
    "decision": "决策",
    "decisionTable": "决策表",
    "input": "输入列",
    "output": "输出列",
}


def element_names(content: bytes) -> dict[str, str]:
    """Every element with an id, named as a designer sees it; {} for a file that does not parse (its
    problem is then reported by the validation itself)."""
    try:
        root = parse_xml(content).getroot()
    except UnsafeXml:
        return {}
    names: dict[str, str] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        ident = element.get("id")
        if ident:
            names[ident] = _own_name(element) or ""
    for element in root.iter():
        ident = element.get("id") if isinstance(element.tag, str) else None
        if ident and not names[ident]:
            names[ident] = _derived_name(element, names)
    return names


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _own_name(element: etree._Element) -> str | None:
    name = (element.get("name") or element.get("label") or "").strip()
    return name or None


def _derived_name(element: etree._Element, names: dict[str, str]) -> str:
    kind = _local(element)
    if kind == "sequenceFlow":
        source, target = element.get("sourceRef", ""), element.get("targetRef", "")
        return f"{_quoted(names.get(source) or source)}→{_quoted(names.get(target) or target)}的连线"
    if kind in ("inputEntry", "outputEntry"):
        rule = element.getparent()
        rule_name = names.get(rule.get("id") or "") if rule is not None else None
        rule_name = rule_name or (_derived_name(rule, names) if rule is not None else "规则")
        return f"{rule_name}的{'输入' if kind == 'inputEntry' else '输出'}"
    if kind == "rule":
        parent = element.getparent()
        rules = [r for r in parent if isinstance(r.tag, str) and _local(r) == "rule"] if parent is not None else []
        number = f"第 {rules.index(element) + 1} 条规则" if element in rules else "规则"
        description = next((c.text for c in element if isinstance(c.tag, str) and _local(c) == "description"), None)
        return f"{number}（{description.strip()}）" if description and description.strip() else number
    return _UNNAMED.get(kind, "元素")


def _quoted(name: str) -> str:
    return f"「{name}」"
