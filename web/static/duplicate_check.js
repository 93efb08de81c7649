/* 受理登记: warn while typing when a member's 身份证号 is already in a running case or an enrolment.
   Progressive enhancement only: without JavaScript the server checks on 提交登记 (and asks for 「仍然登记」).
   The numbers are POSTed (never in a URL) with the page's CSRF token; the server answers only with what
   the clerk may see (a case link inside the clerk's scope, a plain sentence outside it). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-duplicate-check]");
  var box = document.getElementById("duplicate-live");
  if (!form || !box || !window.fetch) { return; }
  var url = form.getAttribute("data-duplicate-check");
  var tokenInput = form.querySelector("input[name=csrf_token]");
  var pattern = /^[0-9]{17}[0-9Xx]$/;
  var lastAsked = "";
  var timer = null;
  // A household's members (低保), or the one applicant of a 特困 or 临时救助 application.
  var NUMBER_FIELDS = "input[name$='.id_number'], input[name$='.applicant_id_number']";

  function isNumberField(name) {
    return /(^|\.)(applicant_)?id_number$/.test(name || "");
  }

  function numbers() {
    var found = [];
    form.querySelectorAll(NUMBER_FIELDS).forEach(function (input) {
      var value = input.value.trim().toUpperCase();
      if (pattern.test(value) && found.indexOf(value) < 0) { found.push(value); }
    });
    return found;
  }

  function show(matches) {
    box.textContent = "";
    if (!matches.length) { box.hidden = true; return; }
    var title = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = "身份证号与在办案件或在保记录重复，请先核实：";
    title.appendChild(strong);
    box.appendChild(title);
    var list = document.createElement("ul");
    matches.forEach(function (match) {
      var item = document.createElement("li");
      if (match.url) {
        var link = document.createElement("a");
        link.href = match.url;
        link.textContent = match.text;
        item.appendChild(link);
      } else {
        item.textContent = match.text;
      }
      list.appendChild(item);
    });
    box.appendChild(list);
    box.hidden = false;
  }

  function ask() {
    var wanted = numbers();
    var key = wanted.join(",");
    if (key === lastAsked) { return; }
    lastAsked = key;
    if (!wanted.length) { show([]); return; }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": tokenInput ? tokenInput.value : "" },
      body: JSON.stringify({ id_numbers: wanted })
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (answer) {
      if (answer && answer.matches) { show(answer.matches); }
    }).catch(function () { /* the server checks again on 提交登记 */ });
  }

  form.addEventListener("input", function (event) {
    if (!isNumberField(event.target && event.target.name)) { return; }
    clearTimeout(timer);
    timer = setTimeout(ask, 400);
  });
  if (document.getElementById("duplicates")) {
    lastAsked = numbers().join(",");  // the server has just listed these matches: do not show them twice
  } else {
    ask();
  }
})();
