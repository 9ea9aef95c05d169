// 画面の印刷 ([1420]#5, #7): the button first logs the print (POST, the access log), then marks the
// page printable and prints; screen_print.css hides every screen printed any other way (the
// browser's own menu, Ctrl+P). No inline script (CSP): a listener on the document.
(function () {
  var LOGGED = "screen-print-logged";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function done() {
    document.documentElement.classList.remove(LOGGED);
  }

  window.addEventListener("afterprint", done);

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-screen-print]");
    if (!button) return;
    event.preventDefault();
    var body = new URLSearchParams();
    body.set("screen", window.location.pathname);
    body.set("title", document.title);
    body.set("municipality", button.getAttribute("data-municipality") || "");
    button.disabled = true;
    fetch(button.getAttribute("data-screen-print"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      if (response.status !== 204) {
        return response.json().then(function (data) {
          throw new Error(data.error || "");
        });
      }
      document.documentElement.classList.add(LOGGED);
      try {
        window.print();
      } finally {
        done(); // print() returns once the dialog is closed
      }
    }).catch(function (error) {
      window.alert((error && error.message) || "画面の印刷を記録できなかったため、印刷しません。");
    }).finally(function () {
      button.disabled = false;
    });
  });
})();
