/* Entry of the BPMN modeler bundle (built by `make modeler-assets` with esbuild into
 * web/static/vendor/modeler/bpmn-modeler.js; nothing built is committed). It puts one global,
 * window.DibaoBpmn, that web/static/modeler/modeler.js uses: bpmn-js's Modeler and the modules the
 * page adds to it (the properties panel with its standard provider). */
import Modeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";

window.DibaoBpmn = {
  Modeler: Modeler,
  modules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule],
  moddleExtensions: {}
};
