// Kiosk: the first tap also asks the browser for full screen (browsers allow it
// only after a tap). Without this script the page still fills the screen.
(function () {
  "use strict";
  document.addEventListener("click", function () {
    var root = document.documentElement;
    if (!document.fullscreenElement && root.requestFullscreen) {
      root.requestFullscreen().catch(function () {});
    }
  }, { once: true });
})();
