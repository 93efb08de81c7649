/* What the browser editors (the BPMN modeler, the DMN table editor) share: posting the edited XML as a
 * draft (CSRF token from the page's meta tag, in the X-CSRFToken header) and listing the server's reasons
 * when it refuses. Loaded before the editor's own script; no inline script anywhere (CSP 'self'). */
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

  window.DibaoDrafts = { post: post, showErrors: showErrors };
})();
