"""A dry run of a draft bundle: run one process in memory against a household, filling user tasks
automatically, and report the path it takes and the assessment under the draft's parameters.

Nothing is stored: the process runs on the real engine runtime (engine.workflow.runtime.LoadedProcess,
the sandboxed script engine, the bundle's parameters and forms) but without a case, an instance row or
human tasks. It runs inside the engine host's child process (engine.workflow.host_child), like every
engine step, so a hostile draft cannot hold the web server; engine.services.designer.dry_runs sends it there.
Each user task gets "minimal valid data" built from its form: the approving choice of an
enum ("approve", "accept", "agree", "pass" … when offered), the values the task already carries for
fields of the same name (the household), today for dates, the lowest allowed number, and "试运行" for
text. When that data does not pass the form (a cross-field rule, a vote count) the run stops there and
says so. It also stops at a timer (公示期 …) or a message catch event, since a dry run does not wait.
Each reached element carries the titles of the documents it would issue (nothing is rendered).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engine.clock import to_china, utcnow
from engine.documents.samples import document_title
from engine.domain.assessment import ParameterProblem, assess, household_problems
from engine.domain.household_copy import WIDGET as COPY_WIDGET
from engine.domain.parameters import layered_parameters
from engine.errors import DibaoError, InvalidData
from engine.workflow.catalog import BPMN_PREFIX, START_FORM_SUFFIX, bundle_parameter_texts
from engine.workflow.documents import PROCESS_LEVEL, template_file
from engine.workflow.namespaces import BPMN_NS
from engine.workflow.runtime import LoadedProcess, WorkflowRun
from engine.workflow.task_forms import validate_task_form
from engine.workflow.xmlsafe import UnsafeXml, parse_xml
from forms import FormDefinition, validate_form

MAX_TASKS = 40  # a loop in a draft (an objection sent back forever) must not spin the page
_APPROVING = ("approve", "accept", "agree", "pass", "approved", "yes", "confirm", "eligible", "grant", "none")
_TRUE_WORDS = ("signed", "consent", "agree", "confirm", "pass", "verified", "checked", "complete", "visited")
DRY_RUN_CASE_NUMBER = "试运行-0000000"

# The dry-run page's starting point: the shape of the household form (the walkthrough's three-person
# household; the ID numbers are made-up valid test numbers, as in tests/data/walkthrough/start.json).
SAMPLE_HOUSEHOLD: dict[str, Any] = {
    "registered_type": "urban",
    "existing_recipient": False,
    "poverty_alleviation_registered": False,
    "assets_pass": True,
    "last_year_total_income": "18000.00",
    "members": [
        {
            "name": "张三",
            "id_number": "110105198001010112",
            "relation": "self",
            "disability": None,
            "major_illness": False,
            "self_paid_medical_last_year": "0.00",
            "employment": {"status": "employed", "started": "2024-03-01"},
            "incomes": [{"kind": "wage", "monthly_amount": "1500.00"}],
        },
        {
            "name": "李四",
            "id_number": "110105198203150228",
            "relation": "spouse",
            "disability": None,
            "major_illness": False,
            "self_paid_medical_last_year": "0.00",
            "employment": {"status": "none", "started": None},
            "incomes": [],
        },
        {
            "name": "张小明",
            "id_number": "110105201006200315",
            "relation": "child",
            "disability": None,
            "major_illness": False,
            "self_paid_medical_last_year": "0.00",
            "employment": {"status": "student", "started": None},
            "incomes": [],
        },
    ],
    "rigid_expenses": [],
}


@dataclass(frozen=True)
class ReachedElement:
    process_id: str
    element_id: str
    name: str
    state: str  # "done" | "active"
    documents: tuple[str, ...] = ()  # the titles of the documents the element issues once it completes


@dataclass(frozen=True)
class FilledTask:
    element_id: str
    title: str
    form_key: str | None
    data: dict[str, Any]


@dataclass
class DryRunResult:
    region: str
    process_id: str
    as_of: date
    path: list[ReachedElement] = field(default_factory=list)
    tasks: list[FilledTask] = field(default_factory=list)
    assessment: dict[str, Any] | None = None
    assessment_error: str | None = None
    stopped: str = ""  # why the run stopped, in Chinese
    completed: bool = False
    input_errors: dict[str, list[str]] = field(default_factory=dict)
    outcome: dict[str, Any] = field(default_factory=dict)  # a few end data keys (decision, outcome …)


def element_names(files: Mapping[str, str]) -> dict[str, str]:
    """BPMN element id → its name, for labelling the path."""
    names: dict[str, str] = {}
    for name, text in files.items():
        if not name.startswith(BPMN_PREFIX):
            continue
        try:
            root = parse_xml(text.encode()).getroot()
        except UnsafeXml:
            continue
        for node in root.iter(f"{{{BPMN_NS}}}*"):
            element_id, label = node.get("id"), node.get("name")
            if element_id and label:
                names[element_id] = label
    return names


def assess_under(files: Mapping[str, str], region: str, household: Mapping[str, Any], as_of: date) -> dict[str, Any]:
    parameters = layered_parameters(bundle_parameter_texts(files))
    return assess(household, as_of, parameters, region)


def follow_bundle(process: LoadedProcess, start: Mapping[str, Any]) -> DryRunResult:
    """Run a validated bundle's process from `start` data as far as it goes without waiting."""
    files = process.files
    as_of = to_china(utcnow()).date()
    result = DryRunResult(process.region, process.process_id, as_of)
    start_form = process.forms.get(f"{process.process_id}{START_FORM_SUFFIX}")
    try:
        data = validate_form(start_form, start, today=as_of) if start_form is not None else dict(start)
    except InvalidData as exc:
        result.input_errors = exc.fields
        result.stopped = "启动数据未通过启动表单的校验，流程没有运行"
        return result
    household = data.get("household")
    if isinstance(household, Mapping):
        _assessment(result, files, household)
    names = element_names(files)
    issued = issued_titles(process)
    try:
        run = process.start({**data, "case_number": DRY_RUN_CASE_NUMBER})
        _follow(run, process, result, names, issued)
    except DibaoError as exc:
        result.stopped = f"流程运行出错：{exc.message}"
    return result


def _assessment(result: DryRunResult, files: Mapping[str, str], household: Mapping[str, Any]) -> None:
    problems = household_problems(household)
    if problems:
        result.assessment_error = "家庭数据不完整，无法评估：" + "；".join(m for ms in problems.values() for m in ms)
        return
    try:
        result.assessment = assess_under(files, result.region, household, result.as_of)
    except (ParameterProblem, InvalidData, KeyError) as exc:
        result.assessment_error = f"评估失败：{getattr(exc, 'message', None) or exc}"


Issued = dict[tuple[str, str], tuple[str, ...]]


def issued_titles(process: LoadedProcess) -> Issued:
    """(process id, element id) → the titles of the documents the element declares (docs/documents.md)."""
    templates = process.document_templates
    return {
        key: tuple(document_title(template_file(name), templates) for name in names)
        for key, names in process.documents.items()
        if key[1] != PROCESS_LEVEL  # a case action's documents (终止) are on no path
    }


def _follow(
    run: WorkflowRun, process: LoadedProcess, result: DryRunResult, names: dict[str, str], issued: Issued
) -> None:
    _record_path(run, result, names, issued)
    for _ in range(MAX_TASKS):
        if run.completed:
            result.completed = True
            result.stopped = "流程已走到结束事件"
            data = run.data()
            result.outcome = {k: data[k] for k in ("outcome", "decision", "result") if k in data}
            return
        ready = run.ready_user_tasks()
        if not ready:
            timer = run.next_timer_at()
            messages = run.waiting_messages()
            if timer is not None:
                result.stopped = f"流程在计时器处等待（到期时间 {to_china(timer):%Y-%m-%d %H:%M}），试运行不等待计时器"
            elif messages:
                result.stopped = f"流程在等待消息“{messages[0].name}”，试运行不发送消息"
            else:
                result.stopped = "流程停在了没有待办任务的位置"
            return
        task = ready[0]
        form = process.forms.get(task.form_key or "")
        if form is None:
            result.stopped = f"用户任务“{task.title}”（{task.name}）的表单 {task.form_key} 不在流程包中"
            return
        before = run.task_data(task.spiff_task_id)
        filled = sample_object(form.schema, before, result.as_of)
        try:
            clean = validate_task_form(form, filled, before, today=result.as_of)
        except InvalidData as exc:
            details = "；".join(m for ms in exc.fields.values() for m in ms)
            result.stopped = f"无法自动填写用户任务“{task.title}”（{task.name}）：{details or exc.message}"
            return
        result.tasks.append(FilledTask(task.name, task.title, task.form_key, _shown(form, clean)))
        run.complete(task.spiff_task_id, clean)
        _record_path(run, result, names, issued)
    result.stopped = f"已自动完成 {MAX_TASKS} 个用户任务仍未结束（可能有循环），试运行停止"


def _record_path(run: WorkflowRun, result: DryRunResult, names: dict[str, str], issued: Issued) -> None:
    """Append the elements reached since the last look and update the states of those listed (a user
    task first met "active" becomes "done" once filled). Within one step the order is the engine's
    task creation order, which follows the flow."""
    states = run.element_states()
    listed = {(e.process_id, e.element_id): i for i, e in enumerate(result.path)}
    for process_id, elements in states.items():
        for element_id, state in elements.items():
            documents = issued.get((process_id, element_id), ())
            reached = ReachedElement(process_id, element_id, names.get(element_id, element_id), state, documents)
            index = listed.get((process_id, element_id))
            if index is None:
                result.path.append(reached)
            else:
                result.path[index] = reached


def _shown(form: FormDefinition, clean: Mapping[str, Any]) -> dict[str, Any]:
    """The filled values worth showing: scalars only (the household is long and shown once above)."""
    return {
        k: v
        for k, v in clean.items()
        if isinstance(v, str | int | float | bool) and k in form.schema.get("properties", {})
    }


# ---- minimal valid data from a form definition ------------------------------------------------------


def sample_object(node: Mapping[str, Any], known: Mapping[str, Any], today: date) -> dict[str, Any]:
    properties: Mapping[str, Any] = node.get("properties") or {}
    required = set(node.get("required") or [])
    data: dict[str, Any] = {}
    for name, child in properties.items():
        if child.get("x-widget") == COPY_WIDGET:
            continue  # left out: the verified copy of a household is then its baseline, unchanged
        if name in known and known[name] is not None:
            data[name] = known[name]
        elif name in required or "enum" in child:
            data[name] = sample_value(name, child, today)
    return data


def sample_value(name: str, node: Mapping[str, Any], today: date) -> Any:
    enum = node.get("enum")
    if enum:
        return next((choice for choice in _APPROVING if choice in enum), enum[0])
    kind = node.get("type")
    if kind == "boolean":
        return any(word in name for word in _TRUE_WORDS)
    if kind in ("integer", "number"):
        return node.get("minimum", 0)
    if kind == "array":
        count = int(node.get("minItems", 0))
        return [sample_value(name, node.get("items") or {}, today) for _ in range(count)]
    if kind == "object":
        return sample_object(node, {}, today)
    fmt = node.get("format")
    if fmt == "date":
        return today.isoformat()
    if fmt == "money":
        return "0.00"
    return "试运行"
