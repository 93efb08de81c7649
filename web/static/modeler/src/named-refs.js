/* SpiffWorkflow names a multi-instance task's collections by variable name:
 * <bpmn:loopDataInputRef>committee_members</bpmn:loopDataInputRef> (likewise loopDataOutputRef).
 * BPMN reads these as references to elements with that id; there are none, so bpmn-moddle reports
 * "unresolved reference" and would drop them on export — the engine would then reject the file.
 * keepNamedReferences puts a detached placeholder (id = the name) in each such reference, which
 * the exporter writes back as the same name. Used by the modeler after import and by the
 * round-trip test (tests/web/modeler_js/roundtrip.mjs). Returns the warnings it did not handle. */
const NAMED = ["bpmn:loopDataInputRef", "bpmn:loopDataOutputRef"];

export function keepNamedReferences(moddle, warnings) {
  return (warnings || []).filter(function (warning) {
    if (!warning.element || NAMED.indexOf(warning.property) < 0 || !warning.value) { return true; }
    const placeholder = moddle.create("bpmn:DataInput", { id: warning.value });
    warning.element.set(warning.property, placeholder);
    return false;
  });
}
