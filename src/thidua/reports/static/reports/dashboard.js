/* Dashboard charts: each <figure data-chart> holds its Chart.js config in a
   json_script element of the same id; the table under it is the fallback for
   screen readers and print. "Tải ảnh (PNG)" saves the canvas on a white
   background. Numbers are shown the Vietnamese way (26.461; 12,5). */
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  var fmt = new Intl.NumberFormat("vi-VN");
  Chart.defaults.font.family = "'Liberation Sans', 'DejaVu Sans', Arial, sans-serif";
  Chart.defaults.locale = "vi-VN";
  var white = {
    id: "whiteBackground",
    beforeDraw: function (chart) {
      var ctx = chart.ctx;
      ctx.save();
      ctx.globalCompositeOperation = "destination-over";
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    }
  };
  var charts = {};
  document.querySelectorAll("figure[data-chart]").forEach(function (fig) {
    var key = fig.getAttribute("data-chart");
    var data = document.getElementById(key);
    var canvas = fig.querySelector("canvas");
    if (!data || !canvas) return;
    var config = JSON.parse(data.textContent);
    config.plugins = [white];
    config.options.plugins.tooltip = {
      callbacks: {
        label: function (item) {
          var v = item.raw;
          return item.dataset.label + ": " + (typeof v === "number" ? fmt.format(v) : v);
        }
      }
    };
    var axis = config.options.indexAxis === "y" ? "x" : "y";
    config.options.scales[axis].ticks = { callback: function (v) { return fmt.format(v); } };
    charts[key] = new Chart(canvas, config);
    fig.setAttribute("data-drawn", "1");
  });
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest("[data-download-png]");
    if (!button) return;
    var key = button.getAttribute("data-download-png");
    var chart = charts[key];
    if (!chart) return;
    var link = document.createElement("a");
    link.href = chart.toBase64Image("image/png", 1);
    link.download = key + ".png";
    document.body.appendChild(link);
    link.click();
    link.remove();
  });
  window.addEventListener("beforeprint", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
})();
