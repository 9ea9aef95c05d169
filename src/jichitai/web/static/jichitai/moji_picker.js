// 文字選択 ([340]#7): a 「文字を選ぶ」 link opens the panel for its field; a candidate is inserted at
// the field's cursor. No inline script (CSP): listeners on the document. Without this file the
// links open /registry/moji/pick/, whose candidates fill 住民検索 by query parameter.
(function () {
  var caret = {}; // the selection of each text input when focus left it (the panel takes focus)
  document.addEventListener("focusout", function (event) {
    var t = event.target;
    if (t && t.id && t.tagName === "INPUT" && typeof t.selectionStart === "number") {
      caret[t.id] = [t.selectionStart, t.selectionEnd];
    }
  });
  document.addEventListener("click", function (event) {
    var panel = document.getElementById("moji-picker");
    var open = event.target.closest("[data-moji-open]");
    if (open && panel) {
      event.preventDefault();
      var id = open.getAttribute("data-moji-open");
      var label = document.querySelector('label[for="' + id + '"]');
      document.getElementById("moji-picker-target").value = id;
      document.getElementById("moji-picker-field").textContent = label ? label.firstChild.textContent : "入力欄";
      panel.hidden = false;
      panel.setAttribute("data-return", id);
      document.getElementById("f-reading").focus();
      return;
    }
    if (panel && event.target.closest("[data-moji-close]")) {
      panel.hidden = true;
      var back = document.getElementById(panel.getAttribute("data-return") || "");
      if (back) back.focus();
      return;
    }
    var pick = event.target.closest("[data-moji-insert]");
    if (!pick) return;
    var input = document.getElementById(pick.getAttribute("data-moji-target"));
    if (!input || input.tagName !== "INPUT") return; // the link fills 住民検索 instead
    event.preventDefault();
    var ch = pick.getAttribute("data-moji-insert");
    var sel = caret[input.id] || [input.value.length, input.value.length];
    input.value = input.value.slice(0, sel[0]) + ch + input.value.slice(sel[1]);
    var at = sel[0] + ch.length;
    caret[input.id] = [at, at];
    input.focus();
    input.setSelectionRange(at, at);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
