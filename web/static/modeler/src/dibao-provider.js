/* Our groups in the properties panel: what the engine reads from a BPMN element, as fields a designer
 * fills without touching XML (docs/designer-modeler.md has the field → XML table). The choices come
 * from GET /designer/modeler/<region>/options (config.dibao.options, loaded before the import);
 * expressions are checked by POST …/check-expression (the dibaoChecks service below). */
import { isSelectEntryEdited, isTextFieldEntryEdited, SelectEntry, TextFieldEntry } from "@bpmn-io/properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";
import { CheckedExpressionEntry, MultiCheckEntry } from "./entries.js";
import { getCalledDecision, getProperty, setCalledDecision, setProperty, splitList } from "./spiff-properties.js";

const PRIORITY = 500;
const TIMER_KINDS = [
  { value: "timeDuration", label: "时长（如 f\"P{notice_days}D\"）" },
  { value: "timeDate", label: "时间（如 notice_ends_at）" },
  { value: "timeCycle", label: "周期" }
];
const NONE = { value: "", label: "（未选择）" };

function choices(rows, current) {
  const options = [NONE].concat((rows || []).map((row) => ({ value: row.key, label: row.label + "（" + row.key + "）" })));
  if (current && !options.some((o) => o.value === current)) { options.push({ value: current, label: current + "（未知）" }); }
  return options;
}

function checks(rows) {
  return (rows || []).map((row) => ({ value: row.key, label: row.label }));
}

/* A role written by its Chinese label (lanes and lists may use either) read as its key. */
function roleKey(options, name) {
  const row = (options.roles || []).find((r) => r.key === name || r.label === name);
  return row ? row.key : name;
}

function processOf(bo) {
  let node = bo;
  while (node && !is(node, "bpmn:Process")) { node = node.$parent; }
  return node;
}

function DibaoPropertiesProvider(propertiesPanel, injector, config) {
  this._injector = injector;
  this._options = (config && config.options) || {};
  propertiesPanel.registerProvider(PRIORITY, this);
}
DibaoPropertiesProvider.$inject = ["propertiesPanel", "injector", "config.dibao"];

DibaoPropertiesProvider.prototype.getGroups = function (element) {
  const groups = this._groups(element);
  // Our 定时 group edits the same timer definition as bpmn-js's 定时器 group, with the expression check:
  // show one of them.
  const replaces = groups.some((group) => group.id === "dibao-timer") ? ["timer"] : [];
  return function (existing) {
    const kept = existing.filter((group) => replaces.indexOf(group.id) < 0);
    const at = kept.findIndex((group) => group.id === "general") + 1;
    kept.splice(at, 0, ...groups);
    return kept;
  };
};

DibaoPropertiesProvider.prototype._groups = function (element) {
  const groups = [];
  const add = (id, label, entries) => { if (entries.length) { groups.push({ id: "dibao-" + id, label, entries, shouldOpen: true }); } };
  if (is(element, "bpmn:UserTask")) { add("task", "办理设置", this._taskEntries(element)); }
  if (is(element, "bpmn:StartEvent") && is(getBusinessObject(element).$parent, "bpmn:Process")) {
    add("start", "发起设置", [this._rolesList(element, "startRoles", "发起角色（可发起本流程的角色）")]);
  }
  if (is(element, "bpmn:Process") || is(element, "bpmn:Participant")) {
    add("process", "流程设置", [this._list(element, "documents", "案件操作可生成的文书", this._options.documents)]);
  }
  if (is(element, "bpmn:Lane")) { add("lane", "泳道角色", [this._laneRole(element)]); }
  if (is(element, "bpmn:SequenceFlow")) { add("condition", "条件", this._conditionEntries(element)); }
  if (this._timer(element)) { add("timer", "定时", this._timerEntries(element)); }
  if (is(element, "bpmn:CallActivity")) { add("call", "调用", [this._calledProcess(element)]); }
  if (is(element, "bpmn:BusinessRuleTask")) { add("decision", "决策", [this._decision(element)]); }
  return groups;
};

DibaoPropertiesProvider.prototype._select = function (element, id, label, rows, get, set) {
  return {
    id, label, component: SelectEntry, isEdited: isSelectEntryEdited,
    getValue: () => get() || "",
    setValue: (value) => set(value),
    getOptions: () => choices(rows, get())
  };
};

DibaoPropertiesProvider.prototype._property = function (element, name) {
  return {
    get: () => getProperty(element, name),
    set: (value) => setProperty(this._injector, element, name, value)
  };
};

DibaoPropertiesProvider.prototype._list = function (element, name, label, rows, normalise) {
  const property = this._property(element, name);
  return {
    id: "dibao-" + name, label, component: MultiCheckEntry,
    getOptions: () => checks(rows),
    getValue: () => splitList(property.get()).map(normalise || ((key) => key)),
    setValue: (keys) => property.set(keys.join(", "))
  };
};

DibaoPropertiesProvider.prototype._rolesList = function (element, name, label) {
  return this._list(element, name, label, this._options.roles, (key) => roleKey(this._options, key));
};

/* A time limit is a whole number of working days, or the name of a region parameter holding one
 * (engine/workflow/due_days.py), so a limit the region sets in its parameters is set in one place. */
function dueDescription(parameters) {
  const named = (parameters || []).map((p) => p.label + "：" + p.key).join("；");
  return "0–365 的整数（工作日），或填写参数名使用本地区参数的取值" + (named ? "（" + named + "）" : "") + "；留空表示不设时限";
}

function dueProblem(value, parameters) {
  const text = (value || "").trim();
  if (!text || (/^\d+$/.test(text) && Number(text) <= 365)) { return null; }
  if ((parameters || []).some((p) => p.key === text)) { return null; }
  return "办理时限必须是 0–365 的整数（工作日），或本地区以工作日计的参数名";
}

DibaoPropertiesProvider.prototype._taskEntries = function (element) {
  const form = this._property(element, "formKey");
  const due = this._property(element, "dueWorkingDays");
  const prefill = this._property(element, "prefill");
  const debounce = this._injector.get("debounceInput");
  return [
    this._select(element, "dibao-formKey", "表单", this._options.forms, form.get, form.set),
    {
      id: "dibao-dueWorkingDays", label: "办理时限（工作日）", component: TextFieldEntry, isEdited: isTextFieldEntryEdited, debounce,
      description: dueDescription(this._options.parameters),
      getValue: () => due.get() || "",
      validate: (value) => dueProblem(value, this._options.parameters),
      setValue: (value, error) => { if (!error) { due.set(value.trim()); } }
    },
    this._list(element, "documents", "生成文书", this._options.documents),
    this._list(element, "returnTargets", "可退回的步骤", this._userTasks(element)),
    this._rolesList(element, "copies", "抄送角色（办结时告知）"),
    this._list(element, "contextPanels", "上下文面板（决策依据）", this._options.panels),
    {
      id: "dibao-prefill", label: "预填字段", component: TextFieldEntry, isEdited: isTextFieldEntryEdited, debounce,
      description: "表单字段从同名流程变量预填；写作“字段”或“字段=流程变量”，以逗号分隔",
      getValue: () => prefill.get() || "",
      validate: (value) => (!value || value.split(",").every((item) => !item.trim() || /^\s*[A-Za-z_]\w*\s*(=\s*[A-Za-z_]\w*\s*)?$/.test(item))
        ? null : "预填字段应写作“字段”或“字段=流程变量”，以逗号分隔"),
      setValue: (value, error) => { if (!error) { prefill.set(value); } }
    }
  ];
};

/* The other user tasks of the element's process: where a case may be sent back to. */
DibaoPropertiesProvider.prototype._userTasks = function (element) {
  const process = processOf(getBusinessObject(element));
  return this._injector.get("elementRegistry")
    .filter((other) => is(other, "bpmn:UserTask") && other.id !== element.id && processOf(getBusinessObject(other)) === process)
    .map((other) => ({ key: other.id, label: (getBusinessObject(other).name || other.id) + "（" + other.id + "）" }));
};

DibaoPropertiesProvider.prototype._laneRole = function (element) {
  const modeling = this._injector.get("modeling");
  return this._select(element, "dibao-laneRole", "角色（泳道名称即角色）", this._options.roles,
    () => roleKey(this._options, getBusinessObject(element).name || ""),
    (value) => modeling.updateProperties(element, { name: value || undefined }));
};

DibaoPropertiesProvider.prototype._conditionEntries = function (element) {
  const bo = getBusinessObject(element);
  const source = bo.sourceRef;
  if (!source || !(is(source, "bpmn:ExclusiveGateway") || is(source, "bpmn:InclusiveGateway")) || source.default === bo) {
    return [];
  }
  const modeling = this._injector.get("modeling");
  const bpmnFactory = this._injector.get("bpmnFactory");
  return [{
    id: "dibao-condition", label: "条件（Python 表达式）", component: CheckedExpressionEntry, isEdited: isTextFieldEntryEdited, kind: "condition",
    description: "例如 decision == \"approve\"；在沙箱中求值，与部署校验规则相同",
    getValue: () => (bo.conditionExpression && bo.conditionExpression.body) || "",
    setValue: (value) => {
      const text = (value || "").trim();
      if (!text) { modeling.updateProperties(element, { conditionExpression: undefined }); return; }
      modeling.updateProperties(element, { conditionExpression: bpmnFactory.create("bpmn:FormalExpression", { body: text }) });
    }
  }];
};

DibaoPropertiesProvider.prototype._timer = function (element) {
  const definitions = getBusinessObject(element).eventDefinitions || [];
  return definitions.find((definition) => is(definition, "bpmn:TimerEventDefinition"));
};

DibaoPropertiesProvider.prototype._timerEntries = function (element) {
  const timer = this._timer(element);
  const modeling = this._injector.get("modeling");
  const bpmnFactory = this._injector.get("bpmnFactory");
  const kindOf = () => TIMER_KINDS.map((k) => k.value).find((k) => timer.get(k)) || "timeDuration";
  const bodyOf = () => { const expression = timer.get(kindOf()); return (expression && expression.body) || ""; };
  const write = (kind, text) => {
    const properties = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
    properties[kind] = text ? bpmnFactory.create("bpmn:FormalExpression", { body: text }) : undefined;
    modeling.updateModdleProperties(element, timer, properties);
  };
  return [
    {
      id: "dibao-timerKind", label: "定时类型", component: SelectEntry,
      getValue: kindOf, getOptions: () => TIMER_KINDS,
      setValue: (kind) => write(kind, bodyOf())
    },
    {
      id: "dibao-timerExpression", label: "定时表达式", component: CheckedExpressionEntry, isEdited: isTextFieldEntryEdited, kind: "timer",
      description: "Python 表达式，如流程变量 notice_ends_at 或 f\"P{notice_days}D\"；参数用 param(\"名称\")",
      getValue: bodyOf,
      setValue: (value) => write(kindOf(), (value || "").trim())
    }
  ];
};

DibaoPropertiesProvider.prototype._calledProcess = function (element) {
  const modeling = this._injector.get("modeling");
  const bo = getBusinessObject(element);
  return this._select(element, "dibao-calledElement", "调用的流程", this._options.processes,
    () => bo.calledElement, (value) => modeling.updateProperties(element, { calledElement: value || undefined }));
};

DibaoPropertiesProvider.prototype._decision = function (element) {
  return this._select(element, "dibao-calledDecisionId", "决策表", this._options.decisions,
    () => getCalledDecision(element), (value) => setCalledDecision(this._injector, element, value));
};

/* POSTs one expression to config.dibao.checkUrl; answers {ok, message} (a network failure says so). */
function DibaoChecks(config) {
  this._config = config || {};
}
DibaoChecks.$inject = ["config.dibao"];
DibaoChecks.prototype.check = function (kind, text) {
  const config = this._config;
  if (!config.checkUrl) { return Promise.resolve(null); }
  return fetch(config.checkUrl, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": config.token || "" },
    body: JSON.stringify({ kind, text })
  })
    .then((response) => response.json())
    .catch(() => ({ ok: false, message: "暂时无法校验表达式（网络或服务器错误）" }));
};

/* A late write (the panel writes typed text after a debounce) of an element the designer already left:
 * bpmn-js-properties-panel's listener then redraws that element, not the selected one (its handler keeps
 * the element of its last render). After that listener, say the selection again so the panel shows it. */
function SelectionGuard(eventBus, selection) {
  eventBus.on("elements.changed", 500, function (event) {
    const selected = selection.get();
    if (selected.length !== 1 || event.elements.indexOf(selected[0]) >= 0) { return; }
    eventBus.fire("selection.changed", { oldSelection: selected, newSelection: selected });
  });
}
SelectionGuard.$inject = ["eventBus", "selection"];

export default {
  __init__: ["dibaoPropertiesProvider", "dibaoSelectionGuard"],
  dibaoSelectionGuard: ["type", SelectionGuard],
  dibaoPropertiesProvider: ["type", DibaoPropertiesProvider],
  dibaoChecks: ["type", DibaoChecks]
};
