// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Submit the language picker as soon as a language is chosen.
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.requestSubmit(); });
  });

  // Same-origin fetches made by page scripts carry the CSRF token.
  var meta = document.querySelector('meta[name="csrf-token"]');
  window.dinner1 = {
    csrfToken: meta ? meta.content : "",
    fetch: function (url, options) {
      options = options || {};
      options.headers = new Headers(options.headers || {});
      options.headers.set("X-CSRF-Token", window.dinner1.csrfToken);
      options.credentials = "same-origin";
      return window.fetch(url, options);
    }
  };

  // "Use my location": the browser's position fills two hidden fields; the server keeps
  // only the ~5 km cell it falls in.
  document.querySelectorAll("[data-geolocate]").forEach(function (button) {
    if (!navigator.geolocation) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        var form = button.closest("form");
        form.querySelector('[data-geo="latitude"]').value = position.coords.latitude.toFixed(5);
        form.querySelector('[data-geo="longitude"]').value = position.coords.longitude.toFixed(5);
        button.textContent = button.dataset.done || "✓";
      });
    });
  });

  // Prevent double submission of forms on slow phone connections.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector('button[type="submit"]');
      if (button) { setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
})();
