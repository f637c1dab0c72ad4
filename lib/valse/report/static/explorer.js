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
    // write only what changed: a switch then lays out only the rows that moved
    function put(el, v) { if (el.textContent !== v) el.textContent = v; }
    function show(el, on) { if (el.hidden === on) el.hidden = !on; }
    function style(el, prop, v) { if (el.style[prop] !== v) el.style[prop] = v; }
    var drawn = new Array(bars.length);
    function draw() {
      for (var i = 0; i < inputs.length; i++) {
        var toggle = inputs[i].type === "checkbox";
        pos[i] = toggle ? (inputs[i].checked ? 1 : 0) : Number(inputs[i].value);
        var label = data.sliders[i].labels[pos[i]];
        if (shown[i]) put(shown[i], label);
        if (!toggle) inputs[i].setAttribute("aria-valuetext", label);
      }
      var err = data.error.strings[lookup(data.error)];
      put(message, err);
      for (var m = 0; m < cells.length; m++) {
        var entry = data.metrics[Number(attr(cells[m], "data-valse-metric"))];
        put(cells[m], err ? "–" : entry.strings[lookup(entry)]);
      }
      for (var b = 0; b < blocks.length; b++) show(blocks[b], !err);
      if (err) return;
      for (var t = 0; t < texts.length; t++) {
        put(texts[t], text(attr(texts[t], "data-valse-text")));
      }
      for (var r = 0; r < rows.length; r++) {
        show(rows[r], !!text(attr(rows[r], "data-valse-row") + ".label"));
      }
      for (var z = 0; z < zeros.length; z++) {
        style(zeros[z], "left", text(attr(zeros[z], "data-valse-zero") + ".zero"));
      }
      for (var j = 0; j < bars.length; j++) {
        var name = attr(bars[j], "data-valse-bar");
        var at = text(name + ".bar") + " " + text(name + ".colour");
        show(bars[j], at.charAt(0) !== " ");
        if (at === drawn[j] || at.charAt(0) === " ") continue;
        drawn[j] = at;
        var lw = at.split(" ");
        bars[j].style.left = lw[0];
        bars[j].style.width = lw[1];
        bars[j].style.background = lw[2];
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
        var spoken = block.title + " [" + block.unit + "]. " + said.join("; ");
        if (attr(charts[c], "aria-label") !== spoken) charts[c].setAttribute("aria-label", spoken);
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
