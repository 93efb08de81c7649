/* diagram-js's `translate` service replaced by one reading translations-zh.js: the palette, context pad,
 * replace menu and the properties panel call translate(template, replacements). */
import zh from "./translations-zh.js";

export function translate(template, replacements) {
  const text = Object.prototype.hasOwnProperty.call(zh, template) ? zh[template] : template;
  const values = replacements || {};
  return text.replace(/{([^}]+)}/g, (whole, key) => (Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole));
}

export default { translate: ["value", translate] };
