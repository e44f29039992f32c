/* PostLine.live(topics, handlers[, options]): the live events of /desk/stream.
 *
 * An EventSource wrapper: `handlers` maps an event kind ("state", "pop", "queue",
 * "callback") to a function(payload, event). While the connection is down the page shows
 * its "connection lost, reconnecting" banner (the element #live-lost, or options.banner)
 * and the <html> element gets the class "live-offline"; the browser reconnects by itself
 * with Last-Event-ID, and when it gives up (an error answer) we reconnect with back-off,
 * passing the last id seen, so no event is missed. Returns {close()}. */
(function () {
  "use strict";
  var PostLine = window.PostLine = window.PostLine || {};

  // The running clocks of the live pages: a time the server wrote in UTC, and seconds as
  // "mm:ss" or "h:mm:ss".
  PostLine.utc = function (text) {
    return new Date(/Z$|[+-]\d\d:\d\d$/.test(text) ? text : text + "Z");
  };
  PostLine.duration = function (seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return (h ? h + ":" : "") + (m < 10 ? "0" : "") + m + ":" + (r < 10 ? "0" : "") + r;
  };

  PostLine.live = function (topics, handlers, options) {
    options = options || {};
    var base = options.url || streamUrl();
    var banner = document.getElementById(options.banner || "live-lost");
    var source = null;
    var lastId = "";
    var delay = 1000;
    var timer = null;
    var closed = false;

    function streamUrl() {
      var marked = document.querySelector("[data-stream]");
      return marked ? marked.getAttribute("data-stream") : "/desk/stream";
    }

    function lost(isLost) {
      if (banner) { banner.hidden = !isLost; }
      document.documentElement.classList.toggle("live-offline", isLost);
    }

    function connect() {
      var url = base + (base.indexOf("?") < 0 ? "?" : "&") + "topics=" + encodeURIComponent(topics.join(","));
      if (lastId) { url += "&last_event_id=" + encodeURIComponent(lastId); }
      source = new EventSource(url, {withCredentials: true});
      source.onopen = function () { delay = 1000; lost(false); };
      source.onerror = function () {
        lost(true);
        if (source.readyState === EventSource.CLOSED && !closed) {
          source.close();
          timer = window.setTimeout(connect, delay);
          delay = Math.min(delay * 2, 30000);
        }
      };
      Object.keys(handlers).forEach(function (kind) {
        source.addEventListener(kind, function (event) {
          if (event.lastEventId) { lastId = event.lastEventId; }
          var payload;
          try { payload = JSON.parse(event.data); } catch (e) { return; }
          handlers[kind](payload, event);
        });
      });
    }

    connect();
    return {
      close: function () {
        closed = true;
        window.clearTimeout(timer);
        if (source) { source.close(); }
      }
    };
  };
})();
