/* The exit-intent question's page, framed by loader.js: its close buttons (and Escape) ask the
 * loader to take the frame away. The message carries nothing but its type. See docs/widget.md. */
(function () {
  "use strict";
  function close() {
    if (window.parent !== window) window.parent.postMessage({ helpdesk: "chat", type: "exit-close" }, "*");
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-close]")) close();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close();
  });
  var first = document.querySelector(".hx-error") ? document.querySelector("input[type=radio]") : null;
  if (first) first.focus();
})();
