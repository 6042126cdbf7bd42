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
    if (days) parts.push(days + " " + (days > 1 ? t.days : t.day));
    if (days || hours) parts.push(hours + " " + (hours > 1 ? t.hours : t.hour));
    parts.push(mins + " " + (mins > 1 ? t.minutes : t.minute));
    return (t.prefix ? t.prefix + " " : "") + parts.join(" ");
  }
  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var deadline = Date.parse(el.dataset.countdown);
      if (!isNaN(deadline)) el.textContent = formatRemaining(deadline - Date.now(), el);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 30000);
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
