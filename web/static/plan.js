// Plan pages: print button, offline copy (service worker), VNeID walk-through.
// No inline scripts: the pages' Content-Security-Policy allows 'self' only.
(function () {
  "use strict";

  var printButton = document.getElementById("print");
  if (printButton) {
    printButton.addEventListener("click", function () { window.print(); });
  }

  // Offline: the service worker keeps the pages; this page and the guides it
  // links are stored at once, so they open without a connection from now on.
  var status = document.getElementById("offline-status");
  if ("serviceWorker" in navigator && "caches" in window) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      var pages = [location.pathname];
      document.querySelectorAll('a[href^="/huong-dan/"]').forEach(function (a) {
        pages.push(a.getAttribute("href"));
      });
      return caches.open("tro-ly-dvc-v1").then(function (cache) { return cache.addAll(pages); });
    }).then(function () {
      document.documentElement.setAttribute("data-offline", "ready");
      if (status) { status.textContent = "Đã lưu để xem khi không có mạng."; }
    }).catch(function () {
      if (status) { status.textContent = "Chưa lưu được để xem khi không có mạng."; }
    });
  }

  // VNeID walk-through: one step per screen.
  var screens = document.querySelectorAll(".screen");
  var next = document.getElementById("next");
  var back = document.getElementById("back");
  if (screens.length && next && back) {
    var current = 0;
    var show = function (index) {
      current = Math.max(0, Math.min(screens.length - 1, index));
      screens.forEach(function (screen, i) { screen.hidden = i !== current; });
      back.disabled = current === 0;
      next.disabled = current === screens.length - 1;
      history.replaceState(null, "", "#buoc-" + (current + 1));
    };
    next.addEventListener("click", function () { show(current + 1); });
    back.addEventListener("click", function () { show(current - 1); });
    var match = /^#buoc-(\d+)$/.exec(location.hash);
    show(match ? Number(match[1]) - 1 : 0);
  }
})();
