/* Entry of the BPMN modeler bundle (built by `make modeler-assets` with esbuild into
 * web/static/vendor/modeler/bpmn-modeler.js; nothing built is committed). It puts one global,
 * window.DibaoBpmn, that web/static/modeler/modeler.js uses: bpmn-js's Modeler, the modules the page
 * adds to it (the properties panel with a renderer that sets no style attribute, the standard
 * provider, our provider, the Chinese translate service), the spiffworkflow moddle descriptor, and
 * keepNamedReferences for after an import (docs/designer-modeler.md). */
import Modeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import CspSafePropertiesPanelModule from "./csp-safe-panel.js";
import DibaoPropertiesProviderModule from "./dibao-provider.js";
import TranslateModule from "./translate.js";
import spiffworkflow from "./spiffworkflow.json";
import { keepNamedReferences } from "./named-refs.js";

window.DibaoBpmn = {
  Modeler: Modeler,
  modules: [CspSafePropertiesPanelModule, BpmnPropertiesProviderModule, DibaoPropertiesProviderModule, TranslateModule],
  moddleExtensions: { spiffworkflow: spiffworkflow },
  keepNamedReferences: keepNamedReferences
};
