/* policytrace chart: a series with its key nodes, drawn with the vendored uPlot.
 * Shared by the offline report.html (inlined) and the web page (served).
 * Input is report.json's shape: {series: {dates, values}, nodes: [{node: {index, kind, interval_index, date}}]}.
 * KB text never passes through here: tooltips are built by the caller (from escaped HTML or textContent). */
(function (global) {
  "use strict";
  var KIND_COLOURS = {event: "#d62728", seasonal: "#2ca02c", trend: "#1f77b4", outlier: "#9467bd"};
  var HIT_PX = 12;  // how near the cursor must come to a node marker to count as on it

  function colour(kind) { return KIND_COLOURS[kind] || "#ff7f0e"; }

  function alpha(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + (n >> 16) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + a + ")";
  }

  /* el: container; data: report-shaped object; opts: {height, onHover(i|null, left, top), onClick(i), yLabel} */
  function PolicytraceChart(el, data, opts) {
    opts = opts || {};
    var dates = data.series.dates;
    var xs = dates.map(function (_, i) { return i; });
    var ys = data.series.values.map(function (v) { return v === null ? null : Number(v); });
    var nodes = data.nodes.map(function (n) { return n.node || n; });
    var hovered = null, selected = null;
    var self = this;

    function nodeY(u, node) {
      var v = ys[Math.min(Math.max(node.index, 0), ys.length - 1)];
      return v === null ? u.bbox.top + u.bbox.height / 2 : u.valToPos(v, "y", true);
    }

    function drawNodes(u) {
      var ctx = u.ctx, top = u.bbox.top, height = u.bbox.height;
      ctx.save();
      nodes.forEach(function (node, i) {
        var c = colour(node.kind);
        var iv = node.interval_index || [node.index, node.index];
        var x0 = u.valToPos(iv[0], "x", true), x1 = u.valToPos(iv[1], "x", true);
        var strong = i === hovered || i === selected;
        ctx.fillStyle = alpha(c, strong ? 0.25 : 0.12);
        ctx.fillRect(x0, top, Math.max(x1 - x0, 2), height);
        var x = u.valToPos(node.index, "x", true);
        ctx.strokeStyle = c;
        ctx.setLineDash([4, 4]);
        ctx.lineWidth = 1;
        ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = c;
        ctx.strokeStyle = "#fff";
        ctx.lineWidth = 2;
        ctx.beginPath(); ctx.arc(x, nodeY(u, node), strong ? 8 : 6, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
      });
      ctx.restore();
    }

    function nearest(u) {
      // The node's whole vertical line counts, so only the horizontal distance matters.
      var left = u.cursor.left;
      if (left == null || left < 0) return null;
      var best = null, bestD = HIT_PX + 0.5;
      nodes.forEach(function (node, i) {
        var d = Math.abs(u.valToPos(node.index, "x") - left);
        if (d < bestD) { best = i; bestD = d; }
      });
      return best;
    }

    var width = Math.max(el.clientWidth || 800, 320);
    var uopts = {
      width: width,
      height: opts.height || 320,
      legend: {show: false},
      cursor: {y: false, points: {show: false}},
      scales: {x: {time: false}},
      axes: [
        {values: function (u, splits) { return splits.map(function (v) { return dates[Math.round(v)] || ""; }); },
         space: 90},
        {label: opts.yLabel || "", size: 60},
      ],
      series: [{}, {stroke: "#444", width: 1.2, spanGaps: false}],
      hooks: {
        draw: [drawNodes],
        setCursor: [function (u) {
          var i = nearest(u);
          if (i !== hovered) { hovered = i; u.redraw(false, false); }
          if (opts.onHover) {
            var node = i === null ? null : nodes[i];
            opts.onHover(i, node ? u.valToPos(node.index, "x") : 0, node ? nodeY(u, node) / (global.devicePixelRatio || 1) : 0);
          }
        }],
      },
    };
    this.plot = new global.uPlot(uopts, [xs, ys], el);
    this.plot.over.addEventListener("click", function () {
      if (hovered !== null && opts.onClick) opts.onClick(hovered);
    });
    this.plot.over.style.cursor = "crosshair";
    /* Where node i's marker sits, in CSS pixels relative to the plotting area (for tests and keyboard users). */
    this.nodePosition = function (i) {
      var u = self.plot, node = nodes[i];
      return {left: u.valToPos(node.index, "x"), top: nodeY(u, node) / (global.devicePixelRatio || 1) - u.bbox.top / (global.devicePixelRatio || 1)};
    };
    /* Mark node i as the one being read (null: none). */
    this.select = function (i) { selected = i; self.plot.redraw(false, false); };
    if (global.ResizeObserver) {
      new global.ResizeObserver(function () {
        var w = Math.max(el.clientWidth, 320);
        if (Math.abs(w - self.plot.width) > 4) self.plot.setSize({width: w, height: self.plot.height});
      }).observe(el);
    }
  }

  PolicytraceChart.KIND_COLOURS = KIND_COLOURS;
  global.PolicytraceChart = PolicytraceChart;
})(window);
