/* Forms that do not fight the user (docs/forms-ux.md). Progressive enhancement only: without this
   script every button still posts the form and the server shows it again (web/kit/forms_render.py).

   - 添加一项 / 删除此项 of a list (household members, investigators, incomes) change the page in place:
     a new item is a clone of the list's <template> (numbered "__new__"), and after a removal the
     items below are renumbered, so the posted names are exactly what parse_submission reads.
   - After a refused submit the error summary gets the focus (and so the scroll).
   - 上传 inside a task form sends only the file, then updates the attachment list in place: what was
     typed in the form stays where it is.
   Served from web/static (no CDN); the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";

  var NEW = "__new__";

  function escapeRe(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function listPath(fieldset) {
    return fieldset.getAttribute("data-list");
  }

  function idPath(path) {
    return path.replace(/\./g, "-");
  }

  function itemsOf(fieldset) {
    var box = fieldset.querySelector(":scope > .list-items");
    return box ? Array.prototype.filter.call(box.children, function (el) {
      return el.classList.contains("list-item");
    }) : [];
  }

  /* Rewrite `path.old` to `path.now` (names, button values) and `f-path-old` to `f-path-now` (ids) in
     every attribute that carries them, inside <template>s too (a nested list's blank item). */
  var ATTRIBUTES = ["name", "id", "for", "aria-describedby", "aria-labelledby", "value", "data-list", "href"];

  function renumber(root, path, old, now) {
    var dotted = new RegExp(escapeRe(path + "." + old) + "(?=$|[.\\s])", "g");
    var dashed = new RegExp(escapeRe(idPath(path) + "-" + old) + "(?=$|[-\\s])", "g");
    var fix = function (text) {
      return text.replace(dotted, path + "." + now).replace(dashed, idPath(path) + "-" + now);
    };
    var elements = [root].concat(Array.prototype.slice.call(root.querySelectorAll("*")));
    elements.forEach(function (el) {
      ATTRIBUTES.forEach(function (name) {
        var value = el.getAttribute(name);
        if (value !== null && (name !== "value" || el.getAttribute("name") === "_op")) {
          var fixed = fix(value);
          if (fixed !== value) {
            el.setAttribute(name, fixed);
          }
        }
      });
      if (el.tagName === "TEMPLATE") {
        el.innerHTML = fix(el.innerHTML);
      }
    });
  }

  /* The item's own heading ("家庭成员 第 2 项"): the first legend or label in it. */
  function setNumber(item, number) {
    var own = item.querySelector("legend, label");
    if (!own) {
      return;
    }
    var walker = document.createTreeWalker(own, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      var node = walker.currentNode;
      if (/第 \S+ 项/.test(node.nodeValue)) {
        node.nodeValue = node.nodeValue.replace(/第 \S+ 项/, "第 " + number + " 项");
        return;
      }
    }
  }

  function refresh(fieldset) {
    var path = listPath(fieldset);
    var count = itemsOf(fieldset).length;
    var min = parseInt(fieldset.getAttribute("data-min"), 10) || 0;
    var max = parseInt(fieldset.getAttribute("data-max"), 10) || 0;
    var counter = fieldset.querySelector(":scope > input[type=hidden][name='" + CSS.escape("f." + path + "._n") + "']");
    if (counter) {
      counter.value = String(count);
    }
    var empty = fieldset.querySelector(":scope > .list-empty");
    if (empty) {
      empty.hidden = count > 0;
    }
    var add = fieldset.querySelector(":scope > button[name=_op][value='" + CSS.escape("add:" + path) + "']");
    if (add) {
      add.hidden = count >= max;
    }
    itemsOf(fieldset).forEach(function (item, index) {
      var remove = item.querySelector("button[name=_op][value='" + CSS.escape("remove:" + path + "." + index) + "']");
      if (remove) {
        remove.hidden = count <= min;
      }
    });
  }

  function firstInput(scope) {
    return scope.querySelector("input:not([type=hidden]), select, textarea");
  }

  function addItem(fieldset) {
    var path = listPath(fieldset);
    var template = fieldset.querySelector(":scope > .list-items > template.list-template");
    if (!template) {
      return false;
    }
    var index = itemsOf(fieldset).length;
    var holder = document.createElement("template");
    holder.innerHTML = template.innerHTML;
    var item = holder.content.firstElementChild;
    renumber(item, path, NEW, String(index));
    setNumber(item, index + 1);
    template.parentNode.insertBefore(item, template);
    refresh(fieldset);
    var input = firstInput(item);
    if (input) {
      input.focus();
    }
    return true;
  }

  function removeItem(fieldset, index) {
    var path = listPath(fieldset);
    var items = itemsOf(fieldset);
    if (index >= items.length) {
      return false;
    }
    items[index].remove();
    for (var k = index + 1; k < items.length; k += 1) {
      renumber(items[k], path, String(k), String(k - 1));
      setNumber(items[k], k);
    }
    refresh(fieldset);
    var rest = itemsOf(fieldset);
    var next = rest[Math.min(index, rest.length - 1)];
    var focus = next ? firstInput(next) : fieldset.querySelector(":scope > button[name=_op]:not([hidden])");
    if (focus) {
      focus.focus();
    }
    return true;
  }

  function listById(path) {
    var fieldset = document.getElementById("f-" + idPath(path));
    return fieldset && fieldset.hasAttribute("data-list") ? fieldset : null;
  }

  function onListButton(event) {
    var button = event.target.closest("button[name=_op]");
    if (!button) {
      return;
    }
    var op = button.value;
    var done = false;
    if (op.indexOf("add:") === 0) {
      var list = listById(op.slice(4));
      done = list ? addItem(list) : false;
    } else if (op.indexOf("remove:") === 0) {
      var path = op.slice(7);
      var cut = path.lastIndexOf(".");
      var owner = cut > 0 ? listById(path.slice(0, cut)) : null;
      var index = parseInt(path.slice(cut + 1), 10);
      done = owner && !isNaN(index) ? removeItem(owner, index) : false;
    }
    if (done) {
      event.preventDefault(); // handled in the page; otherwise the button posts the form as without JS
    }
  }

  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
      summary.scrollIntoView({ block: "start" });
    }
  }

  /* ---- 上传 in a task form: send the file alone, update the list in place ---- */

  function showMessage(box, text, isError) {
    var out = box.querySelector(".upload-result");
    if (out) {
      out.textContent = text;
      out.className = "upload-result flash " + (isError ? "flash-error" : "flash-success");
      out.hidden = false;
    }
  }

  function onUpload(event) {
    var button = event.target.closest("button[data-upload-url]");
    if (!button || !window.fetch || !window.FormData || !window.DOMParser) {
      return;
    }
    event.preventDefault();
    var box = button.closest(".upload-fields");
    var form = button.form;
    var file = box.querySelector("input[type=file]");
    if (!file.files.length) {
      showMessage(box, "附件未能上传：请选择要上传的文件", true);
      file.focus();
      return;
    }
    var data = new FormData();
    data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    data.append("file", file.files[0]);
    data.append("description", box.querySelector("input[name=description]").value);
    button.disabled = true;
    fetch(button.getAttribute("data-upload-url"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (html) {
          return { ok: response.ok, html: html };
        });
      })
      .then(function (answer) {
        var page = new DOMParser().parseFromString(answer.html, "text/html");
        var flash = page.querySelector(".flashes .flash");
        var fresh = page.getElementById("attachments");
        var here = document.getElementById("attachments");
        if (fresh && here) {
          here.replaceWith(fresh);
        }
        var error = !answer.ok || (flash && flash.classList.contains("flash-error"));
        showMessage(box, flash ? flash.textContent : "附件未能上传，请稍后重试", error);
        if (!error) {
          file.value = "";
          box.querySelector("input[name=description]").value = "";
        }
      })
      .catch(function () {
        showMessage(box, "附件未能上传：网络连接失败，请稍后重试", true);
      })
      .then(function () {
        button.disabled = false;
      });
  }

  document.addEventListener("click", function (event) {
    onListButton(event);
    onUpload(event);
  });
  // Enter in the upload's 附件说明 uploads; it must not press the task form's first button (提交).
  document.addEventListener("keydown", function (event) {
    var box = event.key === "Enter" && event.target.closest && event.target.closest(".upload-fields");
    var button = box ? box.querySelector("button[data-upload-url]") : null;
    if (button && event.target.tagName === "INPUT") {
      event.preventDefault();
      button.click();
    }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrorSummary);
  } else {
    focusErrorSummary();
  }
})();
