// Sdelka's own script: CSRF header for htmx requests, the small-screen menu toggle.
(function () {
  "use strict";
  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  }
  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = csrf();
  });
  document.addEventListener("DOMContentLoaded", function () {
    var nav = document.getElementById("main-nav");
    var btn = document.querySelector(".menu-toggle");
    if (!nav || !btn) return;
    if (window.matchMedia("(max-width: 600px)").matches) nav.classList.add("collapsed");
    btn.addEventListener("click", function () {
      var open = nav.classList.toggle("collapsed") === false;
      btn.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
})();
