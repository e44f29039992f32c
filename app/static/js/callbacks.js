// The desk's call-back link (agents/_callbacks_link.html): when the worker gives this agent a
// call-back task, the live stream's "callback" event says so next to the link. Uses
// PostLine.live (live.js) when the page has it; without it the link still works.
(function () {
  "use strict";
  var link = document.querySelector("[data-callback-alert]");
  if (!link || !window.PostLine || typeof window.PostLine.live !== "function") {
    return;
  }
  var news = document.querySelector(".callback-news");
  window.PostLine.live(["agent:" + link.getAttribute("data-user")], {
    callback: function (payload) {
      if (news) {
        news.textContent = (link.getAttribute("data-new") || "") + " " + (payload.phone || "");
      }
      link.classList.add("has-news");
    }
  });
}());
