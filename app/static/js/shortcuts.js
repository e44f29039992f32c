/* Alt+<letter> activates the element of the page carrying that accesskey, the same in every
 * browser (Firefox wants Alt+Shift for an accesskey otherwise, and a headless or embedded
 * Chromium may not honour it at all): a field gets the focus (its text selected), a button
 * or link is clicked. The pages show each shortcut next to its element ("Alt+S"). */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var key = (event.key || "").toLowerCase();
    if (!/^[a-z0-9]$/.test(key)) { return; }
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
