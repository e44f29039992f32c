// The team lead's view, live: agents' "state" events (topic "team") update each row's tag,
// reason and clock, and mark a pause (or after-call work) past its limit; "queue" events (topic
// "queues") update the waiting count and the longest wait. Clocks run every second.
// Without JavaScript a reload shows the same page as of now.
(function () {
  "use strict";

  if (!window.PostLine || typeof window.PostLine.duration !== "function") { return; }  // no live.js
  var utc = window.PostLine.utc, duration = window.PostLine.duration;

  function start() {
    var team = document.querySelector("[data-team]");
    if (!team) { return; }
    var labels = JSON.parse(team.getAttribute("data-state-labels") || "{}");
    var names = JSON.parse(team.getAttribute("data-reason-names") || "{}");
    var limits = JSON.parse(team.getAttribute("data-reason-limits") || "{}");
    var acwLimits = JSON.parse(team.getAttribute("data-acw-limits") || "{}");
    var overLabel = team.getAttribute("data-over-label");

    function tick() {
      var now = Date.now();
      var clocks = team.querySelectorAll("[data-clock]");
      for (var i = 0; i < clocks.length; i += 1) {
        var seconds = (now - utc(clocks[i].getAttribute("data-clock")).getTime()) / 1000;
        clocks[i].textContent = duration(seconds);
        var limit = parseInt(clocks[i].getAttribute("data-limit") || "", 10);
        var row = clocks[i].closest("tr[data-agent]");
        if (row && limit) { markOver(row, seconds > limit); }
      }
    }

    function markOver(row, over) {
      row.classList.toggle("over-limit", over);
      var reason = row.querySelector("[data-state-reason]");
      var tag = reason.querySelector("[data-over]");
      if (over && !tag) {
        tag = document.createElement("span");
        tag.className = "tag bad";
        tag.setAttribute("data-over", "");
        tag.textContent = overLabel;
        reason.appendChild(document.createTextNode(" "));
        reason.appendChild(tag);
      } else if (!over && tag) {
        tag.remove();
      }
    }

    // A pause's limit is its reason's; after-call work's is its queue's (or the default).
    function limitOf(data) {
      if (data.state === "paused") { return limits[data.reason] || ""; }
      if (data.state === "acw") {
        var queue = data.queue && Object.prototype.hasOwnProperty.call(acwLimits, data.queue) ? data.queue : "";
        return acwLimits[queue] || limits[data.reason] || "";
      }
      return "";
    }

    function onState(data) {
      var row = team.querySelector("tr[data-agent='" + Number(data.user_id) + "']");
      if (!row) { return; }
      var tag = row.querySelector("[data-state-tag]");
      tag.className = "tag state-" + data.state;
      tag.textContent = labels[data.state] || data.state;
      row.querySelector("[data-state-reason]").textContent = data.reason ? (names[data.reason] || data.reason) : "";
      var clock = row.querySelector("[data-clock]");
      if (!clock) {
        clock = document.createElement("span");
        row.cells[4].appendChild(clock);
      }
      clock.setAttribute("data-clock", data.since);
      clock.setAttribute("data-limit", limitOf(data));
      markOver(row, false);
      tick();
    }

    function onQueue(data) {
      var row = team.querySelector("tr[data-queue='" + String(data.queue).replace(/'/g, "") + "']");
      if (!row) { return; }
      row.querySelector("[data-waiting]").textContent = data.waiting;
      var longest = row.querySelector("[data-longest]");
      longest.textContent = "";
      if (data.longest_since) {
        var clock = document.createElement("span");
        clock.setAttribute("data-clock", data.longest_since);
        longest.appendChild(clock);
      } else {
        longest.textContent = "—";
      }
      tick();
    }

    tick();
    window.setInterval(tick, 1000);
    if (window.PostLine && typeof window.PostLine.live === "function") {
      window.PostLine.live(team.getAttribute("data-topics").split(","), {state: onState, queue: onQueue});
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
