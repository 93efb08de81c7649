/* Reading and writing the spiffworkflow extension elements of a BPMN element, as typed moddle
 * elements (the descriptor in spiffworkflow.json):
 *   <bpmn:extensionElements>
 *     <spiffworkflow:properties><spiffworkflow:property name="formKey" value="…"/></spiffworkflow:properties>
 *     <spiffworkflow:calledDecisionId>…</spiffworkflow:calledDecisionId>
 *   </bpmn:extensionElements>
 * Every change is one command on bpmn-js's command stack (undo/redo, "有未保存的修改"). An empty value
 * removes the property, so the XML says nothing rather than something empty (deploy refuses empty lists). */
import { getBusinessObject } from "bpmn-js/lib/util/ModelUtil";

const MULTI = "properties-panel.multi-command-executor";
// Commas (ASCII or full width), 顿号, semicolons and whitespace separate list items, as the engine reads them.
const SEPARATORS = /[\s,，、;；]+/;

function extension(bo, type) {
  const values = (bo.extensionElements && bo.extensionElements.get("values")) || [];
  return values.find((value) => value.$instanceOf(type));
}

export function getProperty(element, name) {
  const properties = extension(getBusinessObject(element), "spiffworkflow:Properties");
  const found = properties && properties.get("properties").find((property) => property.name === name);
  return found ? found.value || "" : undefined;
}

export function splitList(value) {
  return (value || "").split(SEPARATORS).filter(Boolean);
}

function created(bpmnFactory, type, attrs, parent) {
  const element = bpmnFactory.create(type, attrs);
  element.$parent = parent;
  return element;
}

function update(element, moddleElement, properties) {
  return { cmd: "element.updateModdleProperties", context: { element, moddleElement, properties } };
}

/* The commands that give `bo` an extensionElements holding an element of `type` (created if missing),
 * and that element. */
function ensureExtension(element, bo, type, bpmnFactory, commands) {
  let extensionElements = bo.extensionElements;
  if (!extensionElements) {
    extensionElements = created(bpmnFactory, "bpmn:ExtensionElements", { values: [] }, bo);
    commands.push(update(element, bo, { extensionElements }));
  }
  let found = extension(bo, type);
  if (!found) {
    found = created(bpmnFactory, type, {}, extensionElements);
    commands.push(update(element, extensionElements, { values: [...extensionElements.get("values"), found] }));
  }
  return found;
}

export function setProperty(injector, element, name, value) {
  const bo = getBusinessObject(element);
  const bpmnFactory = injector.get("bpmnFactory");
  const text = (value || "").trim();
  const commands = [];
  const existing = extension(bo, "spiffworkflow:Properties");
  const current = existing && existing.get("properties").find((property) => property.name === name);
  if (!text) {
    if (!current) { return; }
    commands.push(update(element, existing, { properties: existing.get("properties").filter((p) => p !== current) }));
  } else if (current) {
    commands.push(update(element, current, { value: text }));
  } else {
    const holder = ensureExtension(element, bo, "spiffworkflow:Properties", bpmnFactory, commands);
    const property = created(bpmnFactory, "spiffworkflow:Property", { name, value: text }, holder);
    commands.push(update(element, holder, { properties: [...(holder.get("properties") || []), property] }));
  }
  injector.get("commandStack").execute(MULTI, commands);
}

export function getCalledDecision(element) {
  const found = extension(getBusinessObject(element), "spiffworkflow:CalledDecisionId");
  return found ? found.value || "" : "";
}

export function setCalledDecision(injector, element, value) {
  const bo = getBusinessObject(element);
  const commands = [];
  const text = (value || "").trim();
  const current = extension(bo, "spiffworkflow:CalledDecisionId");
  if (!text) {
    if (!current) { return; }
    const values = bo.extensionElements.get("values").filter((v) => v !== current);
    commands.push(update(element, bo.extensionElements, { values }));
  } else {
    const holder = current || ensureExtension(element, bo, "spiffworkflow:CalledDecisionId", injector.get("bpmnFactory"), commands);
    commands.push(update(element, holder, { value: text }));
  }
  injector.get("commandStack").execute(MULTI, commands);
}
