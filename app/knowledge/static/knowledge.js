// The knowledge base on the keyboard, and "use this answer" (no inline script: strict CSP).
//
// Another page (a work order form) can offer the same button: an element with
// data-knowledge-insert="/knowledge/<id>/answer" and data-csrf="<token>" POSTs to the
// endpoint, which counts the use and returns {id, title, version, answer}; with
// data-target="#some-textarea" the answer is appended to that textarea, otherwise it is
// copied to the clipboard.
(function () {
  "use strict";

  function hitLinks() {
    var list = document.querySelector("[data-knowledge-hits]");
    return list ? Array.prototype.slice.call(list.querySelectorAll("li > a")) : [];
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") { return; }
    var links = hitLinks();
    if (!links.length) { return; }
    var at = links.indexOf(document.activeElement);
    var search = document.querySelector("[data-knowledge-search]");
    if (event.key === "ArrowDown") {
      at = Math.min(at + 1, links.length - 1);
    } else if (at <= 0) {
      if (search) { search.focus(); }
      event.preventDefault();
      return;
    } else {
      at -= 1;
    }
    links[at].focus();
    event.preventDefault();
  });

  function insert(button) {
    var request = new XMLHttpRequest();
    request.open("POST", button.getAttribute("data-knowledge-insert"));
    request.setRequestHeader("X-CSRFToken", button.getAttribute("data-csrf") || "");
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200) { return; }
      var answer = JSON.parse(request.responseText).answer;
      var targetSelector = button.getAttribute("data-target");
      var target = targetSelector ? document.querySelector(targetSelector) : null;
      if (target) {
        target.value = target.value ? target.value + "\n" + answer : answer;
        target.focus();
      } else if (navigator.clipboard) {
        navigator.clipboard.writeText(answer);
      }
      if (button.getAttribute("data-done")) { button.textContent = button.getAttribute("data-done"); }
    };
    request.send();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-knowledge-insert]") : null;
    if (button) { insert(button); event.preventDefault(); }
  });
}());
