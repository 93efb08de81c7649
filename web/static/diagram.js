/* Process diagrams on task and case pages (docs/forms-ux.md). Without this script the diagram is shown
   fitted to the width of its box (app.css) and "在图中定位" jumps to the current step by its fragment.
   With it: 放大 / 缩小 / 适应宽度 buttons, zooming keeps the current step in view, and on a phone
   (under 600 px) the diagram card starts collapsed. CSSOM only: the CSP forbids style attributes in markup. */
(function () {
  "use strict";

  var STEP = 1.5;
  var MAX_SCALE = 2; // twice the drawing's own size

  function naturalWidth(svg) {
    return parseFloat(svg.getAttribute("width")) || svg.viewBox.baseVal.width || svg.clientWidth;
  }

  function centreOn(box, target) {
    if (!target) {
      return;
    }
    var outer = box.getBoundingClientRect();
    var inner = target.getBoundingClientRect();
    box.scrollLeft += inner.left + inner.width / 2 - (outer.left + box.clientWidth / 2);
    box.scrollTop += inner.top + inner.height / 2 - (outer.top + box.clientHeight / 2);
  }

  function setup(figure) {
    var box = figure.querySelector(".diagram-scroll");
    var svg = box ? box.querySelector("svg") : null;
    var tools = figure.querySelector(".diagram-zoom");
    if (!svg || !tools) {
      return;
    }
    var natural = naturalWidth(svg);
    var shown = tools.querySelector(".diagram-scale");
    var current = svg.querySelector("[id$='-current']");
    var scale = null; // null: fitted to the box

    function fitScale() {
      return Math.min(1, box.clientWidth / natural);
    }

    function apply() {
      if (scale === null) {
        svg.style.removeProperty("width");
        svg.style.removeProperty("max-width");
        box.classList.remove("zoomed");
      } else {
        svg.style.maxWidth = "none";
        svg.style.width = Math.round(natural * scale) + "px";
        box.classList.add("zoomed");
      }
      var percent = Math.round((scale === null ? fitScale() : scale) * 100);
      shown.textContent = (scale === null ? "适应宽度 · " : "") + percent + "%";
      centreOn(box, current);
    }

    tools.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-zoom]");
      if (!button) {
        return;
      }
      var now = scale === null ? fitScale() : scale;
      var kind = button.getAttribute("data-zoom");
      if (kind === "in") {
        scale = Math.min(MAX_SCALE, now * STEP);
      } else if (kind === "out") {
        scale = now / STEP <= fitScale() ? null : now / STEP;
      } else if (kind === "current") {
        scale = Math.max(now, 1);
      } else {
        scale = null;
      }
      apply();
    });
    tools.hidden = false;
    figure.dibaoFit = apply; // measured again when a closed <details> around it opens
    apply();
  }

  function collapseOnPhones() {
    if (!window.matchMedia || !window.matchMedia("(max-width: 600px)").matches) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("details.diagram-details[open]"), function (details) {
      if (!details.querySelector(":target")) {
        details.open = false;
      }
    });
  }

  function start() {
    collapseOnPhones();
    Array.prototype.forEach.call(document.querySelectorAll("figure.diagram"), setup);
    document.addEventListener("toggle", function (event) {
      // A diagram in a <details> opened later is measured then (closed, it has no width).
      var figure = event.target.querySelector && event.target.querySelector("figure.diagram");
      if (figure && event.target.open && figure.dibaoFit) {
        figure.dibaoFit();
      }
    }, true);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
