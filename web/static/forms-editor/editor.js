// The form editor (web/designer/forms.py, docs/designer-forms.md): add, remove and move rows in the page, and
// refresh the preview as the designer types (debounced). Without this script the same buttons post the page.
(function () {
  "use strict";
  var form = document.getElementById("form-editor");
  if (!form) { return; }
  var list = document.getElementById("editor-rows");
  var template = document.getElementById("row-template");
  var preview = document.getElementById("form-preview");
  var counter = 0;
  var timer = null;
  var pending = null;

  function renumber() {
    var rows = list.querySelectorAll(".editor-row");
    for (var i = 0; i < rows.length; i++) {
      var number = rows[i].querySelector(".row-number");
      if (number) { number.textContent = String(i + 1); }
    }
  }

  function token() {
    var input = form.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function refresh() {
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var body = new FormData(form);
    fetch(form.getAttribute("data-preview"), {
      method: "POST", body: body, headers: { "X-CSRFToken": token() }, credentials: "same-origin",
      signal: pending.signal
    }).then(function (response) {
      return response.text();
    }).then(function (html) {
      preview.innerHTML = html;  // server-rendered by the clerk's renderer; no script in it
    }).catch(function () { /* aborted by a newer edit, or offline: the 预览 button still works */ });
  }

  function later() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(refresh, 400);
  }

  function addRow() {
    counter += 1;
    var id = "j" + Date.now().toString(36).slice(-6) + counter;
    var holder = document.createElement("ol");
    holder.innerHTML = template.innerHTML.replace(/tmpl/g, id);
    var row = holder.firstElementChild;
    list.appendChild(row);
    renumber();
    var first = row.querySelector("input[type=text]");
    if (first) { first.focus(); }
    later();
  }

  function move(row, how) {
    if (how === "remove") {
      row.parentNode.removeChild(row);
    } else if (how === "up") {
      var before = row.previousElementSibling;
      if (before && !before.classList.contains("editor-row-national")) { list.insertBefore(row, before); }
    } else if (how === "down") {
      var after = row.nextElementSibling;
      if (after) { list.insertBefore(after, row); }
    }
    renumber();
    later();
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    if (button.id === "add-row") {
      event.preventDefault();
      addRow();
    } else if (button.hasAttribute("data-move")) {
      event.preventDefault();
      move(button.closest(".editor-row"), button.getAttribute("data-move"));
      if (button.isConnected) { button.focus(); }
    } else if (button.id === "preview-button") {
      event.preventDefault();
      refresh();
    }
  });
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
