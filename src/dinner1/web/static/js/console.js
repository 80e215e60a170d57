// Moderators' console, progressive enhancement only: the server renders every SLA state
// and every page works without this file.
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // Keep the SLA clocks ticking (hours:minutes) and flip a row to overdue when its time ends.
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (sla) {
      var due = Date.parse(sla.dataset.due);
      if (isNaN(due)) { return; }
      var minutes = Math.floor((due - now) / 60000);
      var over = minutes < 0;
      var left = Math.abs(minutes);
      var text = Math.floor(left / 60) + ":" + pad(left % 60);
      sla.querySelectorAll("[data-clock]").forEach(function (clock) { clock.textContent = text; });
      sla.classList.toggle("overdue", over);
      sla.querySelector("[data-sla-left]").hidden = over;
      sla.querySelector("[data-sla-over]").hidden = !over;
      var row = sla.closest("[data-case-row]");
      if (row) { row.classList.toggle("is-overdue", over); }
    });
  }
  if (document.querySelector("[data-due]")) {
    tick();
    setInterval(tick, 20000);
  }

  // Photos stay blurred until the moderator chooses to look (the sharp file when there is one).
  document.querySelectorAll("[data-reveal]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var figure = button.closest("figure");
      var image = figure.querySelector("img");
      if (image.dataset.full) { image.src = image.dataset.full; }
      figure.classList.remove("is-blurred");
      button.hidden = true;
    });
  });
})();
