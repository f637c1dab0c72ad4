// valse published explorer: sliders over states computed at build time by the library.
// This script only indexes the precomputed states and puts their texts in place (figures,
// chart bars as stored positions, table rows); it computes no figure.
(function () {
  "use strict";
  function setup(root) {
    var data = JSON.parse(root.querySelector("script.valse-explorer-data").textContent);
    var inputs = root.querySelectorAll("input.valse-explorer-slider");
    var shown = [];
    for (var i = 0; i < inputs.length; i++) {
      shown.push(root.querySelector("output[for='" + inputs[i].id + "']"));
    }
    var cells = root.querySelectorAll("[data-valse-metric]");
    var texts = root.querySelectorAll("[data-valse-text]");
    var rows = root.querySelectorAll("[data-valse-row]");
    var bars = root.querySelectorAll("[data-valse-bar]");
    var zeros = root.querySelectorAll("[data-valse-zero]");
    var charts = root.querySelectorAll("[data-valse-chart]");
    var blocks = root.querySelectorAll("[data-valse-block]");
    var message = root.querySelector(".valse-explorer-message");
    var byKey = {};
    for (var q = 0; q < (data.blocks || []).length; q++) byKey[data.blocks[q].key] = data.blocks[q];
    var pos = new Array(inputs.length);
    function lookup(entry) {
      var flat = 0;
      for (var k = 0; k < entry.axes.length; k++) {
        var a = entry.axes[k];
        flat = flat * data.sliders[a].labels.length + pos[a];
      }
      return entry.index[flat];
    }
    function text(name) {
      var entry = data.texts && data.texts[name];
      return entry ? entry.strings[lookup(entry)] : "";
    }
    function attr(el, name) { return el.getAttribute(name); }
    function draw() {
      for (var i = 0; i < inputs.length; i++) {
        var toggle = inputs[i].type === "checkbox";
        pos[i] = toggle ? (inputs[i].checked ? 1 : 0) : Number(inputs[i].value);
        var label = data.sliders[i].labels[pos[i]];
        if (shown[i]) shown[i].textContent = label;
        if (!toggle) inputs[i].setAttribute("aria-valuetext", label);
      }
      var err = data.error.strings[lookup(data.error)];
      message.textContent = err;
      for (var m = 0; m < cells.length; m++) {
        var entry = data.metrics[Number(attr(cells[m], "data-valse-metric"))];
        cells[m].textContent = err ? "–" : entry.strings[lookup(entry)];
      }
      for (var b = 0; b < blocks.length; b++) blocks[b].hidden = !!err;
      if (err) return;
      for (var t = 0; t < texts.length; t++) {
        texts[t].textContent = text(attr(texts[t], "data-valse-text"));
      }
      for (var r = 0; r < rows.length; r++) {
        rows[r].hidden = !text(attr(rows[r], "data-valse-row") + ".label");
      }
      for (var z = 0; z < zeros.length; z++) {
        zeros[z].style.left = text(attr(zeros[z], "data-valse-zero") + ".zero");
      }
      for (var j = 0; j < bars.length; j++) {
        var name = attr(bars[j], "data-valse-bar");
        var at = text(name + ".bar");
        bars[j].hidden = !at;
        if (!at) continue;
        var lw = at.split(" ");
        bars[j].style.left = lw[0];
        bars[j].style.width = lw[1];
        bars[j].style.background = text(name + ".colour");
      }
      for (var c = 0; c < charts.length; c++) {
        var block = byKey[attr(charts[c], "data-valse-chart")];
        var said = [];
        for (var k = 0; k < block.rows; k++) {
          var key = block.key + "." + k;
          if (text(key + ".label")) {
            said.push(text(key + ".label") + ": " + text(key + ".value") + " " + block.unit);
          }
        }
        charts[c].setAttribute("aria-label",
          block.title + " [" + block.unit + "]. " + said.join("; "));
      }
    }
    for (var n = 0; n < inputs.length; n++) {
      inputs[n].addEventListener(inputs[n].type === "checkbox" ? "change" : "input", draw);
    }
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
