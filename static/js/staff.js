// The hand-in page while a batch's files are being prepared: it checks again every few
// seconds, but never while someone is typing in one of its forms.
"use strict";
(function () {
  if (!document.querySelector("[data-check-again]")) return;
  function checkAgain() {
    var active = document.activeElement;
    if (active && active.matches("input, select, textarea")) {
      setTimeout(checkAgain, 3000);
      return;
    }
    window.location.reload();
  }
  setTimeout(checkAgain, 3000);
})();
