// valse published explorer: sliders over states computed at build time by the library.
// This script only indexes the precomputed states and draws them; it computes no figure.
(function () {
  "use strict";
  function setup(root) {
    var data = JSON.parse(root.querySelector("script.valse-explorer-data").textContent);
    var inputs = root.querySelectorAll("input.valse-explorer-slider");
    var shown = root.querySelectorAll("output.valse-explorer-value");
    var cells = root.querySelectorAll("[data-valse-metric]");
    var message = root.querySelector(".valse-explorer-message");
    var pos = new Array(inputs.length);
    function lookup(entry) {
      var flat = 0;
      for (var k = 0; k < entry.axes.length; k++) {
        var a = entry.axes[k];
        flat = flat * data.sliders[a].labels.length + pos[a];
      }
      return entry.index[flat];
    }
    function draw() {
      for (var i = 0; i < inputs.length; i++) {
        pos[i] = Number(inputs[i].value);
        shown[i].textContent = data.sliders[i].labels[pos[i]];
        inputs[i].setAttribute("aria-valuetext", data.sliders[i].labels[pos[i]]);
      }
      var err = data.error.strings[lookup(data.error)];
      message.textContent = err;
      for (var m = 0; m < cells.length; m++) {
        var entry = data.metrics[Number(cells[m].getAttribute("data-valse-metric"))];
        cells[m].textContent = err ? "–" : entry.strings[lookup(entry)];
      }
    }
    for (var i = 0; i < inputs.length; i++) inputs[i].addEventListener("input", draw);
    root.querySelector(".valse-explorer-controls").hidden = false;
    root.valseDraw = draw;
    draw();
  }
  var roots = document.querySelectorAll(".valse-explorer:not([data-valse-ready])");
  for (var r = 0; r < roots.length; r++) {
    roots[r].setAttribute("data-valse-ready", "1");
    setup(roots[r]);
  }
})();
