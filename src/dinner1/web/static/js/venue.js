// The dashboard's two charts, drawn with Plotly from the JSON the page embeds. Without
// JavaScript (or Plotly) the tables beside them carry the same numbers.
(function () {
  "use strict";
  var source = document.getElementById("venue-chart-data");
  if (!source || !window.Plotly) { return; }
  var data = JSON.parse(source.textContent);
  var config = { displayModeBar: false, responsive: true };
  var font = { family: getComputedStyle(document.body).fontFamily };

  function draw(id, traces, layout) {
    var element = document.getElementById(id);
    if (!element) { return; }
    layout.font = font;
    layout.margin = { t: 10, r: 10, b: 60, l: 60 };
    layout.paper_bgcolor = "rgba(0,0,0,0)";
    layout.plot_bgcolor = "rgba(0,0,0,0)";
    window.Plotly.newPlot(element, traces, layout, config);
    // The chart now shows what the table said; keep the table one click away.
    var table = element.parentElement.querySelector("[data-chart-table]");
    if (table) { table.open = false; }
  }

  var heat = data.heatmap;
  if (heat.x.length) {
    draw("heatmap-chart", [{
      type: "heatmap", x: heat.x, y: heat.y, z: heat.z, zmin: 0, zmax: 100,
      colorscale: [[0, "#fbf7f2"], [0.35, "#f1c5b8"], [1, "#b5462f"]],
      colorbar: { title: { text: heat.colorbar } },
      hovertemplate: "%{y} %{x}: %{z}%<extra></extra>"
    }], {
      xaxis: { autorange: data.rtl ? "reversed" : true },
      yaxis: { autorange: "reversed", side: data.rtl ? "right" : "left" }
    });
  }

  var forecast = data.forecast;
  if (forecast.x.length) {
    draw("forecast-chart", [{
      type: "bar", x: forecast.x, y: forecast.y, name: forecast.busy_label,
      marker: { color: forecast.dead.map(function (dead) { return dead ? "#e8a08e" : "#b5462f"; }) },
      hovertemplate: "%{x}: %{y}%<extra></extra>"
    }], {
      showlegend: false,
      xaxis: { autorange: data.rtl ? "reversed" : true, type: "category", nticks: 14 },
      yaxis: { title: { text: forecast.axis }, range: [0, 100], side: data.rtl ? "right" : "left" },
      shapes: [{
        type: "line", xref: "paper", x0: 0, x1: 1, y0: forecast.threshold, y1: forecast.threshold,
        line: { color: "#6b625c", dash: "dot", width: 1 }
      }],
      annotations: [{
        xref: "paper", x: data.rtl ? 0 : 1, y: forecast.threshold, yanchor: "bottom",
        xanchor: data.rtl ? "left" : "right", text: forecast.dead_label, showarrow: false
      }]
    });
  }
})();
