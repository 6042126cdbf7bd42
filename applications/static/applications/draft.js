// Autosave of application drafts and the receipt's print button.
// Everything works without this file: the buttons post the form.
(function () {
  "use strict";

  function autosave(form) {
    var status = form.querySelector(".autosave-status");
    var version = form.querySelector("input[name=version]");
    var timer = null;
    var stopped = false;

    function save() {
      if (stopped) return;
      var data = new FormData(form);
      fetch(form.dataset.autosave, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Autosave": "1", "X-CSRFToken": data.get("csrfmiddlewaretoken") },
      })
        .then(function (response) {
          return response.json().then(function (body) {
            return { ok: response.ok, status: response.status, body: body };
          });
        })
        .then(function (result) {
          if (result.ok) {
            version.value = result.body.version;
            status.textContent = form.dataset.savedLabel + " " + result.body.saved_at;
          } else {
            status.textContent = result.body.error;
            // A conflict, an expired session or a closed call: the buttons take over.
            if (result.status !== 400) stopped = true;
          }
        })
        .catch(function () {
          status.textContent = form.dataset.failedLabel;
        });
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(save, 2000);
    }
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.addEventListener("submit", function () {
      clearTimeout(timer);
      stopped = true;
    });
  }

  // The challenges offered are those of the communes ticked; unticking a commune
  // unticks its challenges.
  function challengesFollowCommunes(form) {
    var groups = form.querySelectorAll(".challenge-group[data-participation]");
    if (!groups.length) return;
    var none = form.querySelector("[data-challenges-none]");
    function update() {
      var shown = 0;
      groups.forEach(function (group) {
        var box = form.querySelector(
          "input[name=participations][value='" + group.dataset.participation + "']"
        );
        var chosen = box && box.checked;
        group.hidden = !chosen;
        if (chosen) {
          shown += 1;
        } else {
          group.querySelectorAll("input[type=checkbox]").forEach(function (input) {
            input.checked = false;
          });
        }
      });
      if (none) none.hidden = shown > 0;
    }
    form.querySelectorAll("input[name=participations]").forEach(function (box) {
      box.addEventListener("change", update);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.step-form").forEach(challengesFollowCommunes);
    document.querySelectorAll("form[data-autosave]").forEach(autosave);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () {
        window.print();
      });
    });
  });
})();
