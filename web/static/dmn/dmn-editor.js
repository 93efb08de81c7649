/* The DMN decision-table editor page: load the file's XML into dmn-js (the global DmnJS from
 * web/static/vendor/dmn-js/, copied by `make modeler-assets`), open its decision table directly, translate
 * the editor's texts (window.DibaoDmnTranslations, web/static/dmn/dmn-zh.js) and save the edited XML
 * as a draft. No inline script anywhere (the CSP allows scripts from 'self' only). */
(function () {
  "use strict";

  var canvas = document.getElementById("dmn-canvas");
  var saveButton = document.getElementById("dmn-save");
  var statusLine = document.getElementById("dmn-status");
  var errorList = document.getElementById("dmn-errors");
  var DmnJS = window.DmnJS;
  if (!canvas || typeof DmnJS !== "function") {
    if (statusLine) { statusLine.textContent = "决策表编辑器脚本未能加载，请刷新页面或在“草稿与部署”页上传 DMN 文件。"; }
    return;
  }

  var dictionary = window.DibaoDmnTranslations || {};
  // dmn-js's `translate` service: the English template → our Chinese text, then its {placeholders}.
  function translate(template, replacements) {
    var text = Object.prototype.hasOwnProperty.call(dictionary, template) ? dictionary[template] : template;
    replacements = replacements || {};
    return text.replace(/{([^}]+)}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(replacements, key) ? replacements[key] : whole;
    });
  }

  // dmn-js 17.10 builds each view's additionalModules from that view's own options only (its Manager
  // replaces, not merges, `common.additionalModules`), so the translation is given to every view by name.
  var translation = { translate: ["value", translate] };
  // A few tooltips dmn-js builds without its translate service ("Move Input"): translated where they appear.
  function translateTitles(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[title]"), function (element) {
      var title = element.getAttribute("title");
      if (Object.prototype.hasOwnProperty.call(dictionary, title)) { element.setAttribute("title", dictionary[title]); }
    });
  }
  new MutationObserver(function () { translateTitles(canvas); }).observe(canvas, { childList: true, subtree: true });

  var modeler = new DmnJS({
    container: canvas,
    common: { additionalModules: [translation] },
    drd: { additionalModules: [translation] },
    decisionTable: { additionalModules: [translation] },
    literalExpression: { additionalModules: [translation] },
    boxedExpression: { additionalModules: [translation] }
  });
  window.dibaoDmn = modeler; // for browser tests and the curious: the dmn-js API
  var unsaved = false;

  function say(text, kind) {
    statusLine.textContent = text;
    statusLine.className = kind || "";
  }

  function showErrors(messages) { window.DibaoDrafts.showErrors(errorList, messages); }

  function watchChanges() {
    var viewer = modeler.getActiveViewer();
    if (!viewer) { return; }
    viewer.get("eventBus").on("elements.changed", function () {
      unsaved = true;
      say("有未保存的修改");
    });
  }

  function openTable() {
    var table = modeler.getViews().filter(function (view) { return view.type === "decisionTable"; })[0];
    if (!table) { throw new Error("文件中没有决策表"); }
    return modeler.open(table);
  }

  function load() {
    return fetch(canvas.dataset.xmlUrl, { credentials: "same-origin", headers: { Accept: "application/xml" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("读取决策表文件失败（HTTP " + response.status + "）"); }
        return response.text();
      })
      .then(function (xml) { return modeler.importXML(xml); })
      .then(function (result) {
        return openTable().then(function () { return result; });
      })
      .then(function (result) {
        watchChanges();
        var warnings = (result && result.warnings) || [];
        say(warnings.length ? "已加载，有 " + warnings.length + " 条导入提示（见浏览器控制台）" : "已加载", "ok");
        warnings.forEach(function (w) { console.warn(w); });
        saveButton.disabled = false;
        checkProblems();
      })
      .catch(function (error) {
        var message = /only DMN 1\.3/.test(String(error && error.message)) ?
          "编辑器只能打开 DMN 1.3 文件，请上传 DMN 1.3 格式的文件" : error.message;
        say("无法打开决策表：" + message, "error");
      });
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
          checkProblems();
        } else {
          say(body.message || "保存失败", "error");
          showErrors(body.errors || []);
        }
      })
      .catch(function (error) { say("保存失败：" + error.message, "error"); })
      .then(function () { saveButton.disabled = false; });
  }

  // 校验问题: the file's problems in the region as it would deploy with the drafts, after loading and each
  // save (GET data-problems-url, as the BPMN modeler asks); a problem on a rule marks and scrolls to its row.
  var problemBox = document.getElementById("dmn-problems-box");
  function markRow(ruleId) {
    var id = window.CSS && CSS.escape ? CSS.escape(ruleId) : ruleId;
    var cells = canvas.querySelectorAll('[data-element-id="' + id + '"]'); // a cell (input or output entry)
    if (!cells.length) { cells = canvas.querySelectorAll('[data-row-id="' + id + '"]'); } // a whole rule
    Array.prototype.forEach.call(cells, function (cell) { cell.classList.add("dmn-problem-row"); });
    if (cells.length) { cells[0].scrollIntoView({ block: "center" }); }
    return cells.length > 0;
  }
  function showProblems(body) {
    var list = document.getElementById("dmn-problems");
    var summary = document.getElementById("dmn-problems-summary");
    list.textContent = "";
    Array.prototype.forEach.call(canvas.querySelectorAll(".dmn-problem-row"), function (cell) { cell.classList.remove("dmn-problem-row"); });
    body.problems.forEach(function (problem) {
      var entry = document.createElement("li");
      entry.textContent = (problem.name ? "「" + problem.name + "」" : "") + problem.message; // text, never HTML
      if (problem.element) { markRow(problem.element); }
      list.appendChild(entry);
    });
    window.DibaoDrafts.showSummary(summary, body);
    problemBox.hidden = false;
  }
  function checkProblems() {
    if (!problemBox) { return Promise.resolve(); }
    return window.DibaoDrafts.problems(problemBox.dataset.url)
      .then(showProblems)
      .catch(function (error) { document.getElementById("dmn-problems-summary").textContent = "校验失败：" + error.message; });
  }
  window.dibaoDmnCheck = checkProblems;

  window.addEventListener("beforeunload", function (event) {
    if (unsaved) { event.preventDefault(); event.returnValue = ""; }
  });
  saveButton.addEventListener("click", save);
  window.dibaoDmnSave = save; // the save button's action, returning a promise (browser tests)
  load();
})();
