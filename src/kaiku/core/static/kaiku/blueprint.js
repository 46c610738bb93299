// The blueprint scrolls sideways when its stages do not fit. A scrollbar at the
// bottom of a tall table is easy to miss, so a line above it says how many stages
// are out of view, buttons scroll by a stage, and a shadow marks the hidden edge.
// Without this script the table still scrolls.
(function () {
  "use strict";
  var region = document.querySelector("[data-blueprint-scroll]");
  var hint = document.querySelector("[data-blueprint-hint]");
  if (!region || !hint) return;
  var text = hint.querySelector("[data-hint-text]");
  var template = hint.getAttribute("data-template");
  var stages = Array.prototype.slice.call(region.querySelectorAll("thead .stage-head"));

  function hidden() {
    var box = region.getBoundingClientRect();
    var sticky = region.querySelector("thead .layer-head").getBoundingClientRect().width;
    return stages.filter(function (th) {
      var r = th.getBoundingClientRect();
      return r.right > box.right + 1 || r.left < box.left + sticky - 1;
    }).length;
  }

  function update() {
    var overflows = region.scrollWidth > region.clientWidth + 1;
    var atStart = region.scrollLeft <= 1;
    var atEnd = region.scrollLeft + region.clientWidth >= region.scrollWidth - 1;
    hint.hidden = !overflows;
    region.parentElement.classList.toggle("more-left", overflows && !atStart);
    region.parentElement.classList.toggle("more-right", overflows && !atEnd);
    if (overflows) text.textContent = template.replace("%(n)s", hidden());
    hint.querySelector("[data-scroll='-1']").disabled = atStart;
    hint.querySelector("[data-scroll='1']").disabled = atEnd;
  }

  hint.addEventListener("click", function (event) {
    var button = event.target.closest("[data-scroll]");
    if (!button || !stages.length) return;
    var step = stages[0].getBoundingClientRect().width;
    region.scrollBy({ left: step * Number(button.getAttribute("data-scroll")), behavior: "smooth" });
  });
  region.addEventListener("scroll", update, { passive: true });
  window.addEventListener("resize", update);
  update();
})();
