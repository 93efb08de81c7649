// Imports each .bpmn named on the command line with bpmn-moddle (bpmn-js's reader and writer) and our
// spiffworkflow descriptor, exports it again and prints {file: {xml, warnings, typed}} as JSON.
// typed / untyped: spiffworkflow extension elements read as our descriptor's types / as generic elements.
// Run by tests/web/test_modeler_roundtrip.py with the project root as the working directory.
import { readFileSync } from "node:fs";
import { BpmnModdle } from "bpmn-moddle";
import { keepNamedReferences } from "../../../web/static/modeler/src/named-refs.js";

const descriptor = JSON.parse(readFileSync("web/static/modeler/src/spiffworkflow.json", "utf-8"));
const moddle = new BpmnModdle({ spiffworkflow: descriptor });
const TYPED = ["spiffworkflow:Properties", "spiffworkflow:CalledDecisionId", "spiffworkflow:MessageVariable"];
const out = {};
for (const file of process.argv.slice(2)) {
  const read = await moddle.fromXML(readFileSync(file, "utf-8"));
  const { rootElement, elementsById } = read;
  const warnings = keepNamedReferences(moddle, read.warnings);
  let typed = 0;
  let untyped = 0;
  for (const element of Object.values(elementsById)) {
    for (const extension of (element.extensionElements && element.extensionElements.values) || []) {
      if (TYPED.includes(extension.$type)) { typed += 1; } else if (extension.$type.startsWith("spiffworkflow:")) { untyped += 1; }
    }
  }
  const { xml } = await moddle.toXML(rootElement, { format: true });
  out[file] = { xml, warnings: warnings.map((w) => w.message), typed, untyped };
}
process.stdout.write(JSON.stringify(out));
