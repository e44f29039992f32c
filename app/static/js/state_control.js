// The desk's state control, live: the agent's "state" events (PostLine.live, live.js)
// change the tag's colour and words, the reason and the "since" clock without a reload.
// Without live.js (or JavaScript) the page shows the state as of its last load.
(function () {
  "use strict";

  if (!window.PostLine || typeof window.PostLine.duration !== "function") { return; }  // no live.js
  var utc = window.PostLine.utc, duration = window.PostLine.duration;

  function tick(root) {
    var clocks = root.querySelectorAll("[data-clock]");
    var now = Date.now();
    for (var i = 0; i < clocks.length; i += 1) {
      clocks[i].textContent = "(" + duration((now - utc(clocks[i].getAttribute("data-clock")).getTime()) / 1000) + ")";
    }
  }

  function start() {
    var control = document.querySelector("[data-state-control]");
    if (!control) { return; }
    var labels = JSON.parse(control.getAttribute("data-state-labels") || "{}");
    var tag = control.querySelector("[data-state-tag]");
    var reason = control.querySelector("[data-state-reason]");
    var clock = control.querySelector("[data-clock]");
    tick(control);
    window.setInterval(function () { tick(control); }, 1000);
    if (!window.PostLine || typeof window.PostLine.live !== "function") { return; }
    window.PostLine.live([control.getAttribute("data-topic")], {
      state: function (data) {
        tag.className = "tag state-" + data.state;
        tag.textContent = labels[data.state] || data.state;
        if (reason) {
          var select = control.querySelector("select[name=reason]");
          var option = select ? select.querySelector("option[value='" + (data.reason || "").replace(/'/g, "") + "']") : null;
          reason.textContent = option && data.reason ? option.textContent : (data.reason || "");
        }
        if (clock) { clock.setAttribute("data-clock", data.since); }
        control.setAttribute("data-state", data.state);
        tick(control);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
