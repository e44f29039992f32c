/* The statistics pages' charts: every element [data-chart=KEY] is drawn by Apache ECharts
 * (served from /static/vendor/echarts) from the JSON spec in the
 * <script type="application/json" data-chart-spec=KEY> beside it (app/stats/charts.py):
 * categories along x, named series of numbers (null: a gap), shares shown as percent.
 * The same numbers are in the table under each chart, for screen readers and for copying. */
(function () {
  "use strict";

  function asPercent(value) {
    return value === null || value === undefined ? "\u2014" : (value * 100).toFixed(1) + "%";
  }

  function option(spec) {
    var percent = !!spec.percent;
    return {
      animation: false,
      aria: {enabled: true},
      color: ["#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#c62828", "#00838f", "#4e342e"],
      tooltip: {trigger: "axis", valueFormatter: percent ? asPercent : undefined},
      legend: {top: 0, type: "scroll"},
      grid: {left: 8, right: 16, top: 36, bottom: 8, containLabel: true},
      xAxis: {type: "category", data: spec.categories, axisLabel: {hideOverlap: true}},
      yAxis: {type: "value", name: spec.axis_label || "", minInterval: percent ? 0 : 1,
              max: percent ? 1 : null,
              axisLabel: {formatter: percent ? function (v) { return Math.round(v * 100) + "%"; } : "{value}"}},
      series: spec.series.map(function (s) {
        return {name: s.name, type: s.kind === "line" ? "line" : "bar", data: s.values,
                connectNulls: false, symbolSize: 6};
      })
    };
  }

  function draw() {
    if (!window.echarts) { return; }
    var drawn = [];
    var places = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < places.length; i += 1) {
      var key = places[i].getAttribute("data-chart");
      var source = document.querySelector("script[data-chart-spec='" + key + "']");
      if (!source) { continue; }
      var chart = window.echarts.init(places[i], null, {renderer: "canvas"});
      chart.setOption(option(JSON.parse(source.textContent)));
      drawn.push(chart);
    }
    window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
