// The household-copy widget (docs/household-copy.md): ticking 「有变化」 shows the member's inputs at once,
// instead of posting the form back with 「修改」. Without this script the page works the same way, with one
// more round trip. The server reads the inputs only when 「有变化」 is ticked, so hiding them again is enough.
(function () {
  "use strict";
  function sync(member) {
    var changed = member.querySelector("[data-hc-changed]");
    var removed = member.querySelector("[data-hc-remove]");
    var edit = member.querySelector("[data-hc-edit]");
    if (!changed || !edit) { return; }
    if (removed && removed.checked && changed.checked) { changed.checked = false; }
    edit.hidden = !changed.checked;
  }
  function init(widget) {
    if (widget.getAttribute("data-hc-ready")) { return; }
    widget.setAttribute("data-hc-ready", "1");
    var refresh = widget.querySelector("[data-hc-refresh]");
    if (refresh) { refresh.hidden = true; }
    Array.prototype.forEach.call(widget.querySelectorAll(".hc-member"), function (member) {
      member.addEventListener("change", function (event) {
        var target = event.target;
        if (target.hasAttribute("data-hc-remove") && target.checked) {
          var changed = member.querySelector("[data-hc-changed]");
          if (changed) { changed.checked = false; }
        }
        if (target.hasAttribute("data-hc-changed") || target.hasAttribute("data-hc-remove")) { sync(member); }
      });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-household-copy]"), init);
}());
