/* The policytrace page: upload or pick a demo series, see the chart and nodes, read a node's explanation,
 * download the report. KB text is only ever placed with textContent (never innerHTML). */
(function () {
  "use strict";
  var TEXT = {
    zh: {title: "碳排放变化的政策与事件解释", file: "上传序列（CSV/XLSX）", region: "地区", sector: "行业", kb: "知识库",
         where: "筛选行（列=值；多个用分号）", minconf: "最低置信度",
         run: "分析上传的序列", demo: "用示例序列（新疆工业）", download: "下载报告：", pick: "点击图中或左侧的节点查看解释。",
         working: "正在分析…", done: "完成：{n} 个关键节点", nofile: "请先选择一个序列文件，或使用示例序列。",
         period: "分析周期", nodes: "关键节点", confidence: "置信度", relation: "时间关系", score: "匹配评分",
         node: "关键节点", other: "其他来源", lang: "English",
         kinds: {event: "事件类", seasonal: "季节性调整", trend: "趋势转折", outlier: "异常值"}},
    en: {title: "Policies and events behind carbon-emission changes", file: "Upload a series (CSV/XLSX)",
         region: "Region", sector: "Sector", kb: "Knowledge base", run: "Analyse the upload",
         where: "Keep rows (column=value; …)", minconf: "Lowest confidence",
         demo: "Use the demo series (Xinjiang industry)", download: "Download the report:",
         pick: "Click a node on the chart or in the list to see its explanation.", working: "Working…",
         done: "Done: {n} key nodes", nofile: "Choose a series file first, or use the demo series.",
         period: "Period", nodes: "Key nodes", confidence: "confidence", relation: "Date relation",
         score: "Match score", node: "Key node", other: "Other sources", lang: "中文",
         kinds: {event: "event", seasonal: "seasonal change", trend: "trend turn", outlier: "outlier"}},
  };
  var state = {lang: "zh", report: null, chart: null, selected: null};
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function isWebLink(url) { return /^https?:\/\/[^\s<>"']+$/i.test(String(url || "")); }
  function t(key) { return TEXT[state.lang][key]; }

  function applyLanguage() {
    document.body.dataset.lang = state.lang;
    document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-i18n]").forEach(function (node) { node.textContent = t(node.dataset.i18n); });
    $("lang").textContent = t("lang");
    if (state.report) {
      showReport();
      if (state.selected !== null) explain(state.selected);
      setStatus(t("done").replace("{n}", state.report.nodes.length));
    }
  }

  function setStatus(text, isError) {
    $("status").textContent = text;
    $("status").classList.toggle("error", !!isError);
  }

  async function loadKbs() {
    try {
      var kbs = await (await fetch("/api/kbs")).json();
      var select = $("kb");
      select.replaceChildren();
      kbs.forEach(function (kb) {
        var option = el("option", kb.name + " (" + kb.records + ")");
        option.value = kb.name;
        select.appendChild(option);
      });
    } catch (e) { /* the demo KB stays selectable */ }
  }

  async function requestReport(form) {
    setStatus(t("working"));
    $("run").disabled = $("demo").disabled = true;
    try {
      var response = await fetch("/api/reports", {method: "POST", body: form});
      var body = await response.json();
      if (!response.ok) {
        var detail = body.detail;
        setStatus(typeof detail === "string" ? detail : JSON.stringify(detail), true);
        return;
      }
      state.report = body;
      state.selected = null;
      showReport();
      setStatus(t("done").replace("{n}", body.nodes.length));
    } catch (e) {
      setStatus(String(e), true);
    } finally {
      $("run").disabled = $("demo").disabled = false;
    }
  }

  function showReport() {
    var r = state.report, zh = state.lang === "zh";
    $("result").hidden = false;
    $("report-title").textContent = zh ? r.title_zh : r.title_en;
    var colon = zh ? "：" : ": ";
    var notes = ((r.data_notes && r.data_notes[state.lang]) || []).slice();
    var left = r.detection && r.detection.note && r.detection.note[state.lang];
    if (left) notes.unshift(left);   // no node found, or changes under the confidence floor
    $("report-meta").textContent = t("period") + colon + r.period[0] + " – " + r.period[1] + " (" + r.frequency + ") · "
      + t("nodes") + colon + r.nodes.length + (notes.length ? " · " + notes.join(zh ? "；" : "; ") : "");
    ["docx", "html", "json"].forEach(function (f) { $("dl-" + f).href = r.downloads[f]; });
    $("dl-md").href = r.downloads[zh ? "zh" : "en"];
    var legend = $("legend");
    legend.replaceChildren();
    Object.keys(PolicytraceChart.KIND_COLOURS).forEach(function (kind) {
      var item = el("span");
      var dot = el("span", null, "dot");
      dot.style.background = PolicytraceChart.KIND_COLOURS[kind];
      item.append(dot, el("span", t("kinds")[kind] || kind));
      legend.appendChild(item);
    });
    var chartEl = $("chart");
    chartEl.replaceChildren();
    state.chart = new PolicytraceChart(chartEl, r, {height: 320, onHover: hover, onClick: explain});
    window.ptChart = state.chart;
    var list = $("nodes");
    list.replaceChildren();
    r.nodes.forEach(function (n, i) {
      var chip = el("button", null, "node-chip");
      chip.type = "button";
      chip.dataset.node = i;
      var dot = el("span", null, "dot");
      dot.style.background = PolicytraceChart.KIND_COLOURS[n.node.kind] || "#ff7f0e";
      chip.append(dot, el("b", n.node.date), el("small", kindLabel(n.node) + " · " + t("confidence") + " "
        + Number(n.node.confidence).toFixed(2) + " · " + shortChange(n)));
      chip.addEventListener("click", function () { explain(i); });
      list.appendChild(chip);
    });
  }

  function kindLabel(node) { return t("kinds")[node.kind] || node.kind; }
  function signed(v) { v = Number(v); return (v > 0 ? "+" : "") + v.toFixed(1); }
  // A trend turn's percentage is against the old trend carried on, not a fall or rise of the level:
  // its growth before and after says what happened (the report's own words, first clause).
  function shortChange(n) {
    var shown = ((n.display || {})[state.lang] || {}).change;
    if (n.node.kind === "trend" && shown) return shown.split(/[；;]/)[0];
    return signed(n.node.change_pct) + "%";
  }

  function hover(i, left, top) {
    var tip = $("tip");
    if (i === null) { tip.hidden = true; return; }
    var n = state.report.nodes[i];
    var box = el("div");
    box.appendChild(el("b", n.node.date + " · " + kindLabel(n.node) + " · " + shortChange(n)));
    var ul = el("ul");
    n.items.slice(0, 5).forEach(function (item) {
      var d = item.display[state.lang];
      var li = el("li");
      li.append(el("bdi", d.heading.text.slice(0, 120)), el("small", " (" + d.relation + ")"));
      ul.appendChild(li);
    });
    if (!n.items.length) ul.appendChild(el("li", emptyText(n)));
    box.appendChild(ul);
    tip.replaceChildren(box);
    tip.hidden = false;
    var width = $("chart-wrap").clientWidth;
    tip.style.left = Math.max(0, Math.min(left + 70, width - tip.offsetWidth)) + "px";
    tip.style.top = Math.max(0, top - 10) + "px";
  }

  // what the report says of a node without items: nothing held, or what was held and why none was listed
  function emptyText(n) {
    var shown = (n.display || {})[state.lang] || {};
    if (shown.empty) return shown.empty;
    return state.lang === "zh" ? "经核查，本时段未收录相关政策性文件或重大事件。"
      : "Checked: the knowledge base holds no policy document or major event for this period.";
  }

  function explain(i) {
    state.selected = i;
    if (state.chart) state.chart.select(i);
    var n = state.report.nodes[i], zh = state.lang === "zh";
    document.querySelectorAll(".node-chip").forEach(function (chip) {
      chip.classList.toggle("active", Number(chip.dataset.node) === i);
    });
    var article = el("article");
    article.id = "explain-node";
    article.appendChild(el("h3", t("node") + (zh ? "：" : ": ") + n.node.date + (zh ? "（" : " (") + kindLabel(n.node)
      + (zh ? "）" : ")") + " - " + t("confidence") + (zh ? "：" : ": ") + Number(n.node.confidence).toFixed(2)));
    var shown = (n.display || {})[state.lang] || {};
    article.appendChild(el("p", shown.change ? shown.change + " · " + shown.interval
      : signed(n.node.change_pct) + "% · " + n.node.interval[0] + " – " + n.node.interval[1], "muted"));
    if (shown.effect) article.appendChild(el("p", shown.effect, "muted effect"));
    if (!n.items.length) article.appendChild(el("p", emptyText(n), "muted"));
    var ol = el("ol");
    n.items.forEach(function (item) {
      var d = item.display[state.lang];
      var li = el("li", null, "item");
      var heading = el("div", null, "heading");
      heading.append(el("b", d.heading.label + (zh ? "：" : ": ")), el("bdi", d.heading.text));
      li.appendChild(heading);
      var dl = el("dl");
      d.fields.forEach(function (f) {
        dl.appendChild(el("dt", f.label));
        var dd = el("dd");
        if (f.url && isWebLink(f.url)) {
          var a = el("a");
          a.href = f.url; a.target = "_blank"; a.rel = "noopener noreferrer";
          a.appendChild(el("bdi", f.text));
          dd.appendChild(a);
        } else {
          dd.appendChild(el("bdi", f.text));
        }
        dl.appendChild(dd);
      });
      dl.appendChild(el("dt", t("relation")));
      dl.appendChild(el("dd", d.relation + (d.after_node ? " (" + d.after_node + ")" : "")));
      li.appendChild(dl);
      li.appendChild(el("div", t("score") + " " + Number(d.score).toFixed(2) + ": " + d.parts.map(function (p) {
        return p[0] + " " + Number(p[1]).toFixed(2);
      }).join(" · "), "score"));
      ol.appendChild(li);
    });
    article.appendChild(ol);
    $("explain").replaceChildren(article);
  }

  $("form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!$("file").files.length) { setStatus(t("nofile"), true); return; }
    requestReport(new FormData($("form")));
  });
  $("demo").addEventListener("click", function () {
    var form = new FormData();
    form.append("demo", "xinjiang-industry");
    form.append("kb", $("kb").value || "demo");
    form.append("min_confidence", $("min_confidence").value || "0.4");
    requestReport(form);
  });
  $("lang").addEventListener("click", function () {
    state.lang = state.lang === "zh" ? "en" : "zh";
    applyLanguage();
  });
  loadKbs();
})();
