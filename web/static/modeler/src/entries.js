/* Two entry components the standard properties panel lacks (preact, no JSX: h from the panel's preact):
 * - MultiCheckEntry: a list of checkboxes whose checked keys are written as one comma-separated value
 *   (生成文书, 可退回的步骤, 抄送角色, 上下文面板, 发起角色);
 * - CheckedExpressionEntry: a text field whose text the server checks with deploy's sandbox rules while
 *   the designer types (debounced), the Chinese answer shown under the field (条件, 定时表达式). */
import { h } from "@bpmn-io/properties-panel/preact";
import { useEffect, useState } from "@bpmn-io/properties-panel/preact/hooks";
import { TextFieldEntry } from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";

const CHECK_DELAY_MS = 400;

/* props: element, id, label, getOptions(element) → [{value, label}], getValue(element) → [keys],
 * setValue(keys). A selected key that is not an option (an unknown name typed into the XML) is still
 * listed, marked, so it can be unchecked. */
export function MultiCheckEntry(props) {
  const { element, id, label, getOptions, getValue, setValue } = props;
  const selected = getValue(element);
  const options = getOptions(element).slice();
  selected.forEach((key) => {
    if (!options.some((option) => option.value === key)) { options.push({ value: key, label: key + "（未知）" }); }
  });
  function toggle(key, checked) {
    const keys = checked ? selected.concat([key]) : selected.filter((k) => k !== key);
    setValue(options.map((option) => option.value).filter((value) => keys.indexOf(value) >= 0));
  }
  const items = options.map((option) => h("label", { class: "dibao-check", key: option.value },
    h("input", {
      type: "checkbox",
      name: id,
      value: option.value,
      checked: selected.indexOf(option.value) >= 0,
      onChange: (event) => toggle(option.value, event.target.checked)
    }),
    h("span", null, option.label)));
  return h("div", { class: "bio-properties-panel-entry dibao-multi", "data-entry-id": id },
    h("fieldset", { class: "dibao-multi-fieldset" },
      h("legend", { class: "bio-properties-panel-label" }, label),
      items.length ? items : h("p", { class: "dibao-empty" }, "（没有可选项）")));
}

/* props: element, id, label, kind ("condition" | "timer"), getValue(element), setValue(text),
 * description. The panel's own debounce writes the text into the diagram; this component asks
 * dibaoChecks (the service from dibao-provider.js) once the typing pauses. */
export function CheckedExpressionEntry(props) {
  const { element, id, kind, getValue } = props;
  const checks = useService("dibaoChecks");
  const debounce = useService("debounceInput");
  const value = getValue(element) || "";
  const [answer, setAnswer] = useState(null);
  useEffect(() => {
    let cancelled = false;
    if (!value.trim()) { setAnswer(null); return undefined; }
    const timer = setTimeout(() => {
      checks.check(kind, value).then((result) => { if (!cancelled) { setAnswer(result); } });
    }, CHECK_DELAY_MS);
    return () => { cancelled = true; clearTimeout(timer); };
  }, [value, kind]);
  const field = h(TextFieldEntry, Object.assign({}, props, { debounce }));
  const note = answer && h("div", {
    class: answer.ok ? "dibao-check-ok" : "bio-properties-panel-error dibao-check-error",
    role: answer.ok ? null : "alert", // one page status already (#modeler-status); a refusal is an alert
    "data-check-for": id
  }, answer.message);
  return h("div", { class: "dibao-checked" }, field, note);
}
