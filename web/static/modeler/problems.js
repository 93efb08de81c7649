/* 校验问题 on the modeler page: after the file loads and after each save, ask the server for this
 * file's validation problems (GET data-url → {problems: [{element, name, line, message}], elsewhere}),
 * put a red badge on each element that has one and list them; clicking an item or a badge selects the
 * element and scrolls to it. `?element=<id>` in the address (the drafts page's links) selects that
 * element once the diagram has loaded. Runs after modeler.js, which creates window.dibaoModeler. */
(function () {
  "use strict";

  var box = document.getElementById("modeler-problems-box");
  var modeler = window.dibaoModeler;
  if (!box || !modeler) { return; }
  var list = document.getElementById("modeler-problems");
  var summary = document.getElementById("modeler-problems-summary");
  var checkButton = document.getElementById("modeler-check");

  function select(elementId) {
    var element = modeler.get("elementRegistry").get(elementId);
    if (!element) { return false; }
    var canvas = modeler.get("canvas");
    modeler.get("selection").select(element);
    if (canvas.zoom() < 0.8) { canvas.zoom(1); } // a whole procedure fitted to the screen is too small to read
    canvas.scrollToElement(element, { top: 120, bottom: 120, left: 160, right: 160 });
    return true;
  }

  function badge(elementId, messages) {
    var mark = document.createElement("button");
    mark.type = "button";
    mark.className = "modeler-problem-badge";
    mark.textContent = String(messages.length);
    mark.title = messages.join("\n");
    mark.setAttribute("aria-label", "该元素有 " + messages.length + " 个问题：" + messages.join("；"));
    mark.addEventListener("click", function () { select(elementId); });
    return mark;
  }

  function item(problem) {
    var entry = document.createElement("li");
    var where = problem.name || problem.element;
    var text = (where ? "「" + where + "」" : "") + problem.message + (problem.line ? "（第 " + problem.line + " 行）" : "");
    if (problem.element && modeler.get("elementRegistry").get(problem.element)) {
      var link = document.createElement("button");
      link.type = "button";
      link.className = "link-button";
      link.textContent = text; // text, never HTML: messages may quote the file
      link.addEventListener("click", function () { select(problem.element); });
      entry.appendChild(link);
    } else {
      entry.textContent = text;
    }
    return entry;
  }

  function render(body) {
    var overlays = modeler.get("overlays");
    overlays.remove({ type: "dibao-problem" });
    list.textContent = "";
    var byElement = {};
    body.problems.forEach(function (problem) {
      list.appendChild(item(problem));
      if (problem.element) { (byElement[problem.element] = byElement[problem.element] || []).push(problem.message); }
    });
    var registry = modeler.get("elementRegistry");
    Object.keys(byElement).forEach(function (elementId) {
      if (registry.get(elementId)) {
        overlays.add(elementId, "dibao-problem", { position: { top: -10, left: -10 }, html: badge(elementId, byElement[elementId]) });
      }
    });
    window.DibaoDrafts.showSummary(summary, body, "（点击问题选中元素）");
    box.hidden = false;
  }

  function check() {
    summary.textContent = "正在校验…";
    summary.className = "";
    box.hidden = false;
    return window.DibaoDrafts.problems(box.dataset.url)
      .then(render)
      .catch(function (error) {
        summary.textContent = "校验失败：" + error.message;
        summary.className = "error";
      });
  }

  modeler.on("import.done", function () {
    var wanted = new URLSearchParams(window.location.search).get("element");
    // After modeler.js has fitted the diagram to the viewport, or that would undo the scroll.
    window.setTimeout(function () { if (wanted) { select(wanted); } check(); }, 0);
  });
  document.addEventListener("dibao:modeler-saved", check);
  if (checkButton) { checkButton.addEventListener("click", check); }
  window.dibaoCheckProblems = check; // returns a promise (browser tests)
})();
