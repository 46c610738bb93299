// Conditional questions: hide those whose condition does not hold. Without this
// script every question shows, with a hint, and the server applies the rule.
(function () {
  "use strict";
  function answerOf(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) return;
      if (input.value !== "") values.push(input.value);
    });
    return values;
  }
  function holds(values, op, target) {
    if (!values.length) return false;
    return values.some(function (v) {
      var n = Number(v);
      if (op === "lte") return n <= Number(target);
      if (op === "gte") return n >= Number(target);
      if (op === "in") return Array.isArray(target) && target.map(String).indexOf(v) >= 0;
      return String(target) === v || (target === true && v === "yes");
    });
  }
  function update(form) {
    form.querySelectorAll("[data-condition-question]").forEach(function (fieldset) {
      var target = JSON.parse(fieldset.getAttribute("data-condition-value"));
      var ok = holds(answerOf(form, fieldset.getAttribute("data-condition-question")),
        fieldset.getAttribute("data-condition-op"), target);
      fieldset.hidden = !ok;
      var hint = fieldset.querySelector(".condition-hint");
      if (hint) hint.hidden = true;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("main.respond form");
    if (!form) return;
    update(form);
    form.addEventListener("change", function () { update(form); });
  });
})();
