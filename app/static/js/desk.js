/* The agent's desk: the screen pop replaced live, and the Alt shortcuts.
 *
 * On a "pop" event the desk fetches the call's pop (an HTML fragment rendered by the
 * server) into #desk-call. A "state" event is passed on as the DOM event "postline:state"
 * for the state control. Alt+<key> activates the element carrying that accesskey, the same
 * in every browser (Firefox wants Alt+Shift for accesskey otherwise). */
(function () {
  "use strict";
  var desk = document.getElementById("desk");
  if (!desk) { return; }
  var callArea = document.getElementById("desk-call");
  var popTemplate = desk.getAttribute("data-pop-url") || "";
  var SHORTCUTS = "rsnckb";

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

  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) { return; }
    var key = (event.key || "").toLowerCase();
    if (key.length !== 1 || SHORTCUTS.indexOf(key) < 0) { return; }
    var target = document.querySelector('[accesskey="' + key + '"]');
    if (!target) { return; }
    event.preventDefault();
    target.focus();
    if (/^(INPUT|TEXTAREA)$/.test(target.tagName)) {
      if (target.select) { target.select(); }
    } else if (target.tagName !== "SELECT") {
      target.click();
    }
  });
})();
