// The report run page: polls the run's progress (JSON) until it is done or failed, moves
// the <progress> bar, and turns into the download link (or the error) at the end.
(function () {
  "use strict";
  var box = document.getElementById("report-run");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = document.getElementById("run-progress");
  var percent = document.getElementById("run-percent");
  var status = document.getElementById("run-status");
  var error = document.getElementById("run-error");
  var done = document.getElementById("run-done");
  var link = document.getElementById("run-download");
  var size = document.getElementById("run-size");
  var delay = 1000;

  function show(run) {
    box.setAttribute("data-status", run.status);
    status.textContent = run.label;
    bar.value = Math.round((run.progress || 0) * 100);
    bar.textContent = percent.textContent = bar.value + "%";
    percent.hidden = run.status !== "running";
    if (run.status === "done") {
      bar.hidden = true;
      link.href = run.download;
      document.getElementById("run-file").textContent = run.filename || "";
      size.textContent = run.size || "";
      done.hidden = false;
    } else if (run.status === "failed") {
      bar.hidden = true;
      error.textContent = run.error;
      error.hidden = false;
    }
    return run.status === "done" || run.status === "failed";
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (run) {
        if (run && show(run)) { return; }
        delay = Math.min(delay * 1.2, 5000);
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  var initial = box.getAttribute("data-status");
  if (initial !== "done" && initial !== "failed") { window.setTimeout(poll, 300); }
}());
