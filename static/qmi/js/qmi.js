// Progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Countdowns: the server renders the remaining time; this keeps it current.
  function formatRemaining(ms, el) {
    if (ms <= 0) return el.dataset.closedLabel || "";
    var minutes = Math.floor(ms / 60000);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    var t = el.dataset;
    var parts = [];
    // A non-breaking space keeps each number with its unit.
    if (days) parts.push(days + "\u00a0" + (days > 1 ? t.days : t.day));
    if (days || hours) parts.push(hours + "\u00a0" + (hours > 1 ? t.hours : t.hour));
    parts.push(mins + "\u00a0" + (mins > 1 ? t.minutes : t.minute));
    return (t.prefix ? t.prefix + " " : "") + parts.join(" ");
  }
  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var deadline = Date.parse(el.dataset.countdown);
      if (!isNaN(deadline)) el.textContent = formatRemaining(deadline - Date.now(), el);
    });
  }
  function scrollBoxes() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        var caption = box.querySelector("caption");
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : document.title);
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 30000);
    // A table wider than the screen scrolls in its own box: reachable by keyboard.
    scrollBoxes();
    window.addEventListener("resize", scrollBoxes);
    // Move focus to an error summary so screen readers announce it.
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
    // Confirmation for destructive actions (the server asks again without JS).
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
  });
})();
