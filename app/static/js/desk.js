/* The agent's desk: the screen pop replaced live, and the Alt shortcuts.
 *
 * On a "pop" event the desk fetches the call's pop (an HTML fragment rendered by the
 * server) into #desk-call. A "state" event is passed on as the DOM event "postline:state"
 * for the state control. The Alt shortcuts are shortcuts.js's, on every page. */
(function () {
  "use strict";
  var desk = document.getElementById("desk");
  if (!desk) { return; }
  var callArea = document.getElementById("desk-call");
  var popTemplate = desk.getAttribute("data-pop-url") || "";

  function showPop(payload) {
    var url = popTemplate ? popTemplate.replace("/0/pop", "/" + payload.desk_call_id + "/pop") : payload.url;
    fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        callArea.innerHTML = html;
        var pop = document.getElementById("pop");
        var typing = document.activeElement && /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
        if (pop && !typing) { pop.focus(); }
      })
      .catch(function () { /* the next pop or a reload shows it */ });
  }

  window.PostLine.live(desk.getAttribute("data-topics").split(","), {
    pop: showPop,
    state: function (payload) {
      document.dispatchEvent(new CustomEvent("postline:state", {detail: payload}));
    }
  });
})();
