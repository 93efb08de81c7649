"""Turn XML bytes into a SpiffBpmnParser, collecting problems instead of stopping at the first one.

With `validate` (every deploy-time check, the designer's drafts, `dibao processes validate`), each
file is first held against the declared subset (subset.py, structure.py, dmn_subset.py) and only a
file without problems is handed to Spiff, whose own errors are then translated. Without it (loading
a deployed bundle, which passed all of this when it was deployed) the files go straight to Spiff.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.errors import Problem
from engine.workflow.dmn_subset import decision_ids, dmn_problems
from engine.workflow.namespaces import BPMN_NS
from engine.workflow.structure import structure_problems
from engine.workflow.subset import element_of, subset_problems
from engine.workflow.xmlsafe import UnsafeXml, parse_xml
from engine.workflow.xsd_messages import translate_xsd

_NOT_FOUND_PROCESS = re.compile(r"The (?:called )?process '([^']+)' was not found")
_NOT_FOUND_DECISION = re.compile(r'No DMN Diagram available with id "([^"]*)"')
# Spiff 3.2's DMN 1.2 schema imports a DMNDI namespace its bundled DMNDI12.xsd does not declare, so
# building that validator fails for every file; DMN 1.2 files get the structural checks only.
DMN_SCHEMAS = {ns: path for ns, path in SCHEMAS.items() if ns != "http://www.omg.org/spec/DMN/20180521/MODEL/"}
_SPIFF_MESSAGES = (
    ("Duplicate process ID", "流程标识重复"),
    ("No start event found", "流程没有开始事件"),
    ("Exactly one start event is required", "子流程必须恰好有一个开始事件"),
    ("A SubWorkflow Must contain an End event", "子流程必须至少有一个结束事件"),
    ("Multiple outgoing flows are not supported", "任务只能有一条出口顺序流：分支请用网关"),
    ("without condition", "排他网关的非默认出口缺少条件"),
    ("Malformed Output Expression", "决策表的输出单元格不是有效的 Python 表达式"),
    ("Time Specification Error", "定时器定义有误"),
    ("is not executable", "流程标记为不可执行（isExecutable=“false”）"),
)


@dataclass
class ParsedFiles:
    parser: SpiffBpmnParser
    problems: list[Problem] = field(default_factory=list)
    # element id -> (file, line), for messages that name where a problem is.
    positions: dict[str, tuple[str, int]] = field(default_factory=dict)
    trees: dict[str, etree._ElementTree] = field(default_factory=dict)
    # Process and decision ids of files refused before Spiff saw them: a reference to one of them
    # is not reported again as "not found".
    refused: set[str] = field(default_factory=set)
    # (file, line) -> the element a line belongs to, for Spiff's schema errors, which give a line only.
    lines: dict[tuple[str, int], str | None] = field(default_factory=dict)
    # (file, element id) -> line: element ids repeat across the files of a bundle (two processes may
    # each have a "first_review"), so a problem found in one process is placed in that process's file.
    lines_in_file: dict[tuple[str, str], int] = field(default_factory=dict)

    def problem(self, message: str, element: str | None, file: str | None = None) -> Problem:
        where = self.positions.get(element or "")
        line = where[1] if where else None
        return Problem(file or (where[0] if where else "?"), message, element, line)

    def placed_in(self, problem: Problem, origin: str | None) -> Problem:
        """The problem located in `origin` (the file of the process it was found in) when that file has its
        element; otherwise as it was."""
        line = self.lines_in_file.get((origin or "", problem.element or ""))
        return problem if line is None else Problem(origin or problem.file, problem.message, problem.element, line)


def missing_called_process(exc: ValidationException) -> str | None:
    match = _NOT_FOUND_PROCESS.search(str(exc))
    return match.group(1) if match else None


def missing_decision(exc: ValidationException) -> str | None:
    match = _NOT_FOUND_DECISION.search(str(exc))
    return match.group(1) if match else None


def translate(exc: ValidationException) -> str:
    text = str(exc).split("\n")[0]
    if match := _NOT_FOUND_PROCESS.search(text):
        return f"调用的流程 {match.group(1)} 不存在"
    if match := _NOT_FOUND_DECISION.search(text):
        return f"引用的决策表 {match.group(1)} 不存在"
    for english, chinese in _SPIFF_MESSAGES:
        if english in text:
            detail = text.split(":", 1)[-1].strip() if english == "Duplicate process ID" else ""
            return f"{chinese}：{detail}" if detail else chinese
    return f"流程定义无效：{text}"


def _exception_problem(parsed: ParsedFiles, exc: ValidationException, origin: str) -> Problem:
    line = exc.line_number if isinstance(exc.line_number, int) and exc.line_number > 0 else None
    file = exc.file_name or origin
    element = exc.id or (parsed.lines.get((file, line)) if line else None)
    message = translate(exc)
    if message.startswith("流程定义无效") and line:
        # What reaches here with a line and no known wording is the XML schema's complaint.
        message = translate_xsd(str(exc).splitlines()[0])
    return Problem(file, message, element, line)


def _index_positions(parsed: ParsedFiles, origin: str, tree: etree._ElementTree) -> None:
    for node in tree.iter():
        if not isinstance(node.tag, str):
            continue
        element_id = node.get("id")
        if element_id and element_id not in parsed.positions:
            parsed.positions[element_id] = (origin, node.sourceline or 0)
        if element_id:
            parsed.lines_in_file.setdefault((origin, element_id), node.sourceline or 0)
        if node.sourceline and (origin, node.sourceline) not in parsed.lines:
            parsed.lines[(origin, node.sourceline)] = element_of(node)


def parse_files(bpmn: Mapping[str, bytes], dmn: Mapping[str, bytes], *, validate: bool = True) -> ParsedFiles:
    """Parse every file with the hardened parser and hand the trees to Spiff. `bpmn`/`dmn` map a
    file's origin (used in messages) to its bytes."""
    parsed = ParsedFiles(SpiffBpmnParser(validator=VALIDATOR if validate else None, dmn_schemas=DMN_SCHEMAS))
    for origin, content in dmn.items():
        tree = _safe_tree(parsed, origin, content)
        if tree is not None:
            _add_dmn(parsed, origin, content, tree, validate)
    for origin, content in bpmn.items():
        tree = _safe_tree(parsed, origin, content)
        if tree is None:
            continue
        if validate:
            screened = [*_encoding(origin, content), *subset_problems(origin, tree), *structure_problems(origin, tree)]
            if screened:
                parsed.problems.extend(screened)
                parsed.refused.update(p.get("id") or "" for p in tree.getroot().iter(f"{{{BPMN_NS}}}process"))
                continue
        try:
            parsed.parser.add_bpmn_xml(tree, filename=origin)
        except ValidationException as exc:
            parsed.problems.append(_exception_problem(parsed, exc, origin))
    return parsed


def _encoding(origin: str, content: bytes) -> list[Problem]:
    """Bundles keep files as text: one in another encoding parses as XML, yet could not be stored."""
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        return [Problem(origin, "文件必须是 UTF-8 编码（请在建模器中另存为 UTF-8）", None, line)]
    return []


def _add_dmn(parsed: ParsedFiles, origin: str, content: bytes, tree: etree._ElementTree, validate: bool) -> None:
    if validate:
        screened = [*_encoding(origin, content), *dmn_problems(origin, tree)]
        for decision in tree.getroot() if not screened else ():
            decision_id = decision.get("id") if isinstance(decision.tag, str) else None
            if decision_id in parsed.parser.dmn_parsers:
                other = parsed.parser.dmn_parsers[decision_id].filename
                message = f"决策标识 {decision_id} 重复（另见 {other}）"
                screened.append(Problem(origin, message, decision_id, decision.sourceline))
        if screened:
            parsed.problems.extend(screened)
            parsed.refused.update(decision_ids(tree))
            return
    try:
        parsed.parser.add_dmn_xml(tree.getroot(), filename=origin)
        if validate:
            # Spiff parses a table only when a task first uses it; parse now so every table is checked.
            for decision_id in decision_ids(tree):
                parsed.parser.dmn_parsers[decision_id].parse()
    except ValidationException as exc:
        parsed.problems.append(_exception_problem(parsed, exc, origin))


def _safe_tree(parsed: ParsedFiles, origin: str, content: bytes) -> etree._ElementTree | None:
    try:
        tree = parse_xml(content)
    except UnsafeXml as exc:
        parsed.problems.append(Problem(origin, exc.message, None, exc.line))
        return None
    parsed.trees[origin] = tree
    _index_positions(parsed, origin, tree)
    return tree
