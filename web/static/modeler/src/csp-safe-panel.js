/* The properties panel's renderer without style attributes.
 *
 * bpmn-js-properties-panel's BpmnPropertiesPanelRenderer builds its two containers with
 * domify('<div style="height: 100%" …>'); parsing a style attribute is an inline style, which the
 * application's CSP (`default-src 'self'`, no 'unsafe-inline') blocks and reports as a
 * `style-src-attr` violation. This module registers the same renderer (its prototype: attachTo,
 * detach, _render …) with a constructor that creates the containers with createElement and leaves
 * their styles to modeler.css (.bio-properties-panel-container, …-header-container), so the page needs
 * no CSP exception. Keep it in step with the pinned version's constructor (package.json). */
import { BpmnPropertiesPanelModule } from "bpmn-js-properties-panel";
import { isUndo, isRedo } from "diagram-js/lib/features/keyboard/KeyboardUtil";
import { event as domEvent } from "min-dom";

const Upstream = BpmnPropertiesPanelModule.propertiesPanel[1];

function container(classes, tabIndex) {
  const element = document.createElement("div");
  element.className = classes;
  if (tabIndex !== undefined) { element.tabIndex = tabIndex; }
  return element;
}

function setupKeyboard(element, eventBus, commandStack) {
  function handleKeys(keyEvent) {
    const undo = isUndo(keyEvent);
    if (!undo && !isRedo(keyEvent)) { return; }
    if (undo) { commandStack.undo(); } else { commandStack.redo(); }
    keyEvent.preventDefault();
    keyEvent.stopPropagation();
  }
  eventBus.on("keyboard.bind", () => domEvent.bind(element, "keydown", handleKeys));
  eventBus.on("keyboard.unbind", () => domEvent.unbind(element, "keydown", handleKeys));
}

export function CspSafePropertiesPanelRenderer(config, injector, eventBus) {
  const options = config || {};
  this._eventBus = eventBus;
  this._injector = injector;
  this._layoutConfig = options.layout;
  this._descriptionConfig = options.description;
  this._tooltipConfig = options.tooltip;
  this._feelPopupContainer = options.feelPopupContainer;
  this._getFeelPopupLinks = options.getFeelPopupLinks;
  this._feelLanguageContext = options.feelLanguageContext;
  this._container = container("bio-properties-panel-container", -1);
  this._headerContainer = container(
    "bio-properties-panel bio-theme-parent bio-properties-panel-header-container");
  this._separateHeader = false;
  const commandStack = injector.get("commandStack", false);
  if (commandStack) { setupKeyboard(this._container, eventBus, commandStack); }
  eventBus.on("diagram.init", () => { if (options.parent) { this.attachTo(options.parent); } });
  eventBus.on("diagram.destroy", () => this.detach());
  eventBus.on("root.added", (rootEvent) => this._render(rootEvent.element));
}
CspSafePropertiesPanelRenderer.prototype = Object.create(Upstream.prototype);
CspSafePropertiesPanelRenderer.prototype.constructor = CspSafePropertiesPanelRenderer;
CspSafePropertiesPanelRenderer.$inject = Upstream.$inject;

export default {
  __depends__: BpmnPropertiesPanelModule.__depends__,
  __init__: ["propertiesPanel"],
  propertiesPanel: ["type", CspSafePropertiesPanelRenderer]
};
