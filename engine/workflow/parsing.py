"""Turn XML bytes into a SpiffBpmnParser, collecting problems instead of stopping at the first one."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.errors import Problem
from engine.workflow.xmlsafe import UnsafeXml, parse_xml

_NOT_FOUND_PROCESS = re.compile(r"The (?:called )?process '([^']+)' was not found")
_NOT_FOUND_DECISION = re.compile(r'No DMN Diagram available with id "([^"]*)"')


@dataclass
class ParsedFiles:
    parser: SpiffBpmnParser
    problems: list[Problem] = field(default_factory=list)
    # element id -> (file, line), for messages that name where a problem is.
    positions: dict[str, tuple[str, int]] = field(default_factory=dict)
    trees: dict[str, etree._ElementTree] = field(default_factory=dict)

    def problem(self, message: str, element: str | None, file: str | None = None) -> Problem:
        where = self.positions.get(element or "")
        line = where[1] if where else None
        return Problem(file or (where[0] if where else "?"), message, element, line)


def missing_called_process(exc: ValidationException) -> str | None:
    match = _NOT_FOUND_PROCESS.search(str(exc))
    return match.group(1) if match else None


def translate(exc: ValidationException) -> str:
    text = str(exc).split("\n")[0]
    if match := _NOT_FOUND_PROCESS.search(text):
        return f"调用的流程 {match.group(1)} 不存在"
    if match := _NOT_FOUND_DECISION.search(text):
        return f"引用的决策表 {match.group(1)} 不存在"
    if "Duplicate process ID" in text:
        return f"流程标识重复：{text.split(':', 1)[-1].strip()}"
    if "without condition" in text:
        return "排他网关的非默认出口缺少条件"
    return f"流程定义无效：{text}"


def _exception_problem(exc: ValidationException, default_file: str) -> Problem:
    line = exc.line_number if isinstance(exc.line_number, int) and exc.line_number > 0 else None
    return Problem(exc.file_name or default_file, translate(exc), exc.id or None, line)


def _index_positions(parsed: ParsedFiles, origin: str, tree: etree._ElementTree) -> None:
    for node in tree.iter():
        if not isinstance(node.tag, str):
            continue
        element_id = node.get("id")
        if element_id and element_id not in parsed.positions:
            parsed.positions[element_id] = (origin, node.sourceline or 0)


def parse_files(bpmn: Mapping[str, bytes], dmn: Mapping[str, bytes], *, validate: bool = True) -> ParsedFiles:
    """Parse every file with the hardened parser and hand the trees to Spiff. `bpmn`/`dmn` map a
    file's origin (used in messages) to its bytes."""
    parsed = ParsedFiles(SpiffBpmnParser(validator=VALIDATOR if validate else None))
    for origin, content in dmn.items():
        tree = _safe_tree(parsed, origin, content)
        if tree is None:
            continue
        try:
            parsed.parser.add_dmn_xml(tree.getroot(), filename=origin)
        except ValidationException as exc:
            parsed.problems.append(_exception_problem(exc, origin))
        except Exception as exc:  # Spiff raises bare KeyErrors/AttributeErrors on odd DMN
            parsed.problems.append(Problem(origin, f"决策表文件无法解析：{exc}"))
    for origin, content in bpmn.items():
        tree = _safe_tree(parsed, origin, content)
        if tree is None:
            continue
        try:
            parsed.parser.add_bpmn_xml(tree, filename=origin)
        except ValidationException as exc:
            problem = _exception_problem(exc, origin)
            if problem.message.startswith("流程定义无效") and exc.line_number:
                problem = Problem(
                    problem.file, f"不符合 BPMN 规范（XSD）：{str(exc).splitlines()[0]}", problem.element, problem.line
                )
            parsed.problems.append(problem)
    return parsed


def _safe_tree(parsed: ParsedFiles, origin: str, content: bytes) -> etree._ElementTree | None:
    try:
        tree = parse_xml(content)
    except UnsafeXml as exc:
        parsed.problems.append(Problem(origin, exc.message, None, exc.line))
        return None
    parsed.trees[origin] = tree
    _index_positions(parsed, origin, tree)
    return tree
