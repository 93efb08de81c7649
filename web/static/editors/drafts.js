/* What the browser editors (the BPMN modeler, the DMN table editor) share: posting the edited XML as a
 * draft (CSRF token from the page's meta tag, in the X-CSRFToken header), listing the server's reasons
 * when it refuses, and asking for the file's validation problems (GET /designer/problems/…) and saying
 * how many there are. Loaded before the editor's own script; no inline script anywhere (CSP 'self'). */
(function () {
  "use strict";

  var tokenTag = document.querySelector('meta[name="csrf-token"]');

  /* Resolves to the server's JSON {ok, message, errors}; an answer that is not JSON (a proxy's error page)
   * becomes a failure naming its HTTP status. `ok` is true only for a 2xx answer that says ok. */
  function post(url, xml) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/xml; charset=utf-8", "X-CSRFToken": tokenTag ? tokenTag.content : "" },
      body: xml
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      var body = json ? response.json() : Promise.resolve({ ok: false, message: "保存失败（HTTP " + response.status + "）" });
      return body.then(function (answer) {
        answer.ok = Boolean(response.ok && answer.ok);
        return answer;
      });
    });
  }

  /* Fill `list` with the messages, each as text, never HTML: messages may quote the file's content. */
  function showErrors(list, messages) {
    list.textContent = "";
    (messages || []).forEach(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    });
    list.hidden = !messages || messages.length === 0;
  }

  /* Resolves to {problems: [{element, name, line, message}], elsewhere}; rejects naming the HTTP status. */
  function problems(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  /* The summary line over the list: this file's count (with `hint` after it) and the other files'. */
  function showSummary(line, body, hint) {
    var count = body.problems.length;
    var others = body.elsewhere ? "；本地区其他文件还有 " + body.elsewhere + " 个问题，见“草稿与部署”页" : "";
    line.textContent = (count ? "本文件有 " + count + " 个问题，部署前须改正" + (hint || "") : "本文件校验通过") + others;
    line.className = count || body.elsewhere ? "error" : "ok";
  }

  window.DibaoDrafts = { post: post, showErrors: showErrors, problems: problems, showSummary: showSummary };
})();
