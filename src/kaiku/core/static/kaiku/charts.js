// Draws every chart on the page: an element with data-chart names the JSON script
// that holds its Plotly figure. Without JavaScript the tables beside the charts
// carry the same numbers.
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) return;
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.dataset.chart);
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(element, figure.data, figure.layout, {
        // The mode bar's styles are inline, which the Content Security Policy refuses.
        displayModeBar: false,
        responsive: true,
      });
      element.classList.add("drawn");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
