/* The wallboard, live: /stats/wallboard/stream sends a "snapshot" event at once and then every
 * few seconds; each one replaces the figures and colours of every card. The longest-wait
 * clocks run every second between snapshots. When no snapshot came for three refresh
 * periods the page says so (#wallboard-stale, and the class "stale" greys the figures);
 * PostLine.live (live.js) reconnects the EventSource. A snapshot with other queues than
 * the page shows reloads the page, which draws the new cards. */
(function () {
  "use strict";

  function start() {
    var board = document.querySelector("[data-wallboard]");
    if (!board || !window.PostLine || !window.PostLine.live) { return; }
    var PostLine = window.PostLine;
    var refresh = parseFloat(board.getAttribute("data-refresh")) || 5;
    var queues = board.getAttribute("data-queues");
    var stale = document.getElementById("wallboard-stale");
    var updated = document.querySelector("[data-updated]");
    var lastSeen = Date.now();

    function percent(value) {
      return value === null || value === undefined ? "\u2014" : (value * 100).toFixed(1) + "%";
    }

    function setText(card, selector, text) {
      var element = card.querySelector(selector);
      if (element) { element.textContent = text; }
    }

    function fill(card, row) {
      setText(card, "[data-field=waiting]", String(row.waiting));
      setText(card, "[data-field=received]", String(row.received));
      setText(card, "[data-field=answered]", String(row.answered));
      setText(card, "[data-field=service_level]", percent(row.service_level));
      setText(card, "[data-field=answer_rate]", percent(row.answer_rate));
      var longest = card.querySelector("[data-field=longest]");
      if (longest) {
        longest.setAttribute("data-since", row.longest_since || "");
        longest.textContent = PostLine.duration(row.longest_s);
      }
      Object.keys(row.agents).forEach(function (state) {
        setText(card, "[data-agents='" + state + "']", String(row.agents[state]));
      });
      Object.keys(row.colours).forEach(function (figure) {
        var tile = card.querySelector("[data-colour='" + figure + "']");
        if (tile) { tile.className = "tile c-" + row.colours[figure]; }
      });
    }

    function onSnapshot(snap) {
      var names = snap.queues.map(function (row) { return row.queue; }).join("|");
      if (names !== queues) { window.location.reload(); return; }
      lastSeen = Date.now();
      refresh = snap.refresh_s || refresh;
      markStale(false);
      if (updated) { updated.textContent = snap.clock; }
      [snap.total].concat(snap.queues).forEach(function (row) {
        var cards = board.querySelectorAll("[data-board-queue]");
        for (var i = 0; i < cards.length; i += 1) {
          if (cards[i].getAttribute("data-board-queue") === row.queue) { fill(cards[i], row); }
        }
      });
    }

    function markStale(isStale) {
      if (stale) { stale.hidden = !isStale; }
      document.documentElement.classList.toggle("stale", isStale);
    }

    function tick() {
      markStale(Date.now() - lastSeen > 3 * refresh * 1000);
      var clocks = board.querySelectorAll("[data-field=longest][data-since]");
      for (var i = 0; i < clocks.length; i += 1) {
        var since = clocks[i].getAttribute("data-since");
        if (since) { clocks[i].textContent = PostLine.duration((Date.now() - PostLine.utc(since).getTime()) / 1000); }
      }
    }

    var full = document.querySelector("[data-fullscreen]");
    if (full && document.documentElement.requestFullscreen) {
      full.hidden = false;
      full.addEventListener("click", function () {
        if (document.fullscreenElement) { document.exitFullscreen(); } else { document.documentElement.requestFullscreen(); }
      });
    }

    PostLine.live([], {snapshot: onSnapshot}, {url: board.getAttribute("data-stream"), banner: "wallboard-lost"});
    window.setInterval(tick, 1000);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
