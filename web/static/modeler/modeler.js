/* The BPMN modeler page: load the file's XML into bpmn-js with its properties panel (the global
 * DibaoBpmn from web/static/vendor/modeler/bpmn-modeler.js, built by `make modeler-assets` from
 * web/static/modeler/src/), with the choices of our 办理设置 fields read first from the options URL,
 * and save the edited XML as a draft.
 * No inline script anywhere (the CSP allows scripts from 'self' only). */
(function () {
  "use strict";

  var canvas = document.getElementById("modeler-canvas");
  var saveButton = document.getElementById("modeler-save");
  var statusLine = document.getElementById("modeler-status");
  var errorList = document.getElementById("modeler-errors");
  var tokenTag = document.querySelector('meta[name="csrf-token"]');
  var panel = document.getElementById("modeler-properties");
  var bundle = window.DibaoBpmn;
  if (!canvas || !bundle || typeof bundle.Modeler !== "function") {
    if (statusLine) { statusLine.textContent = "建模器脚本未能加载，请刷新页面或在“草稿与部署”页上传 BPMN 文件。"; }
    return;
  }

  // Filled before the import (load()), read by the panel's provider (src/dibao-provider.js).
  var options = {};
  var modeler = new bundle.Modeler({
    container: canvas,
    propertiesPanel: { parent: panel },
    dibao: { options: options, checkUrl: canvas.dataset.checkUrl, token: tokenTag ? tokenTag.content : "" },
    additionalModules: bundle.modules,
    moddleExtensions: bundle.moddleExtensions
  });
  window.dibaoModeler = modeler; // for browser tests and the curious: the bpmn-js API
  var unsaved = false;

  function say(text, kind) {
    statusLine.textContent = text;
    statusLine.className = kind || "";
  }

  function showErrors(messages) { window.DibaoDrafts.showErrors(errorList, messages); }

  function loadOptions() {
    return fetch(canvas.dataset.optionsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("读取可选项失败（HTTP " + response.status + "）"); }
        return response.json();
      })
      .then(function (body) { Object.assign(options, body); });
  }

  function load() {
    var xml = fetch(canvas.dataset.xmlUrl, { credentials: "same-origin", headers: { Accept: "application/xml" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("读取流程文件失败（HTTP " + response.status + "）"); }
        return response.text();
      });
    return Promise.all([xml, loadOptions()])
      .then(function (loaded) { return modeler.importXML(loaded[0]); })
      .then(function (result) {
        modeler.get("canvas").zoom("fit-viewport");
        // Multi-instance collections named by variable (SpiffWorkflow) are kept, not reported.
        var warnings = bundle.keepNamedReferences(modeler.get("moddle"), (result && result.warnings) || []);
        say(warnings.length ? "已加载，有 " + warnings.length + " 条导入提示（见浏览器控制台）" : "已加载", "ok");
        warnings.forEach(function (w) { console.warn(w); });
        saveButton.disabled = false;
      })
      .catch(function (error) { say("无法打开流程图：" + error.message, "error"); });
  }

  function save() {
    saveButton.disabled = true;
    say("正在保存…");
    showErrors([]);
    return modeler.saveXML({ format: true })
      .then(function (result) { return window.DibaoDrafts.post(canvas.dataset.saveUrl, result.xml); })
      .then(function (body) {
        if (body.ok) {
          unsaved = false;
          say(body.message, "ok");
          document.dispatchEvent(new CustomEvent("dibao:modeler-saved")); // problems.js re-checks
        } else {
          say(body.message || "保存失败", "error");
          showErrors(body.errors || []);
        }
      })
      .catch(function (error) { say("保存失败：" + error.message, "error"); })
      .then(function () { saveButton.disabled = false; });
  }

  modeler.on("commandStack.changed", function () {
    unsaved = true;
    say("有未保存的修改");
  });
  window.addEventListener("beforeunload", function (event) {
    if (unsaved) { event.preventDefault(); event.returnValue = ""; }
  });
  saveButton.addEventListener("click", save);
  window.dibaoModelerSave = save; // the save button's action, returning a promise (browser tests)
  load();
})();
