// Back-office forms: extra formset rows and slugs made from names.
// Progressive enhancement: without this file, saving the form gives new empty rows
// and an empty slug is made from the name by the server.
(function () {
  "use strict";

  // The same rules as django.utils.text.slugify.
  function slugify(value) {
    return value
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^\w\s-]/g, "")
      .trim()
      .toLowerCase()
      .replace(/[-\s]+/g, "-")
      .replace(/^[-_]+|[-_]+$/g, "");
  }

  function addRows(button) {
    var prefix = button.dataset.formsetAdd;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var template = document.getElementById(prefix + "-empty");
    var rows = document.getElementById(prefix + "-rows");
    if (!total || !template || !rows) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) return;
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var field = rows.lastElementChild.querySelector("input:not([type=hidden]), textarea, select");
      if (field) field.focus();
    });
  }

  function followName(slug) {
    var source = document.getElementById(slug.dataset.slugFrom);
    if (!source) return;
    var typed = slug.value !== "";
    var limit = parseInt(slug.getAttribute("maxlength") || "0", 10);
    slug.addEventListener("input", function () {
      typed = slug.value !== "";
    });
    source.addEventListener("input", function () {
      if (typed) return;
      var value = slugify(source.value);
      slug.value = limit ? value.slice(0, limit).replace(/-+$/, "") : value;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-formset-add]").forEach(addRows);
    document.querySelectorAll("input[data-slug-from]").forEach(followName);
  });
})();
