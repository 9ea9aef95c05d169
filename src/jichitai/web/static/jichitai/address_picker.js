// 住所辞書 ([250]#6, #7): a button of the address picker fills the input it names.
// No inline script (CSP): one listener on the document.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-fill-target]");
  if (!button) return;
  var input = document.getElementById(button.getAttribute("data-fill-target"));
  if (!input) return;
  input.value = button.getAttribute("data-fill-value");
  input.dispatchEvent(new Event("change", { bubbles: true }));
  input.focus();
});
