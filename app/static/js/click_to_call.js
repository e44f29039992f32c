// Click-to-call: a phone number's small form (app/templates/_phone.html) is sent in the
// background, so the agent stays on the page; the answer ("your phone rings now", or why
// not) is shown at the top of the page. Without this script the form posts normally.
(function () {
  "use strict";

  function say(text, ok) {
    var main = document.querySelector("main") || document.body;
    var note = document.getElementById("dial-status");
    if (!note) {
      note = document.createElement("p");
      note.id = "dial-status";
      note.setAttribute("role", "status");
      main.insertBefore(note, main.firstChild);
    }
    note.className = "flash " + (ok ? "info" : "error");
    note.textContent = text;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("dial-form")) {
      return;
    }
    event.preventDefault();
    var button = form.querySelector("button");
    if (button) { button.disabled = true; }
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {"Accept": "application/json"}
    }).then(function (response) {
      return response.json().catch(function () { return {ok: false, message: response.statusText}; });
    }).then(function (answer) {
      say(answer.message || "", answer.ok);
    }).catch(function () {
      form.submit();  // the background request failed: post the form the plain way
    }).finally(function () {
      if (button) { button.disabled = false; }
    });
  });
}());
