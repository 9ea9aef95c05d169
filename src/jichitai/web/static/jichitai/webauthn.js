/* セキュリティキー (WebAuthn) for the login and enrollment forms.
 * Reads the options the server put in <script id="webauthn-options">, runs the browser ceremony,
 * puts the JSON result in the form's hidden "credential" field and submits the form. */
(function () {
  "use strict";
  function toBytes(b64url) {
    var s = b64url.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }
  function toB64url(buf) {
    var bytes = new Uint8Array(buf), s = "";
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function creationOptions(o) {
    o.challenge = toBytes(o.challenge);
    o.user.id = toBytes(o.user.id);
    (o.excludeCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
    return o;
  }
  function requestOptions(o) {
    o.challenge = toBytes(o.challenge);
    (o.allowCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
    return o;
  }
  function credentialJSON(cred) {
    var r = cred.response, out = {
      id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: { clientDataJSON: toB64url(r.clientDataJSON) }
    };
    if (r.attestationObject) {
      out.response.attestationObject = toB64url(r.attestationObject);
      out.response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      out.response.authenticatorData = toB64url(r.authenticatorData);
      out.response.signature = toB64url(r.signature);
      out.response.userHandle = r.userHandle ? toB64url(r.userHandle) : null;
    }
    return out;
  }
  document.querySelectorAll("form[data-webauthn]").forEach(function (form) {
    var button = form.querySelector("[data-webauthn-start]");
    var status = form.querySelector("[data-webauthn-status]");
    var mode = form.getAttribute("data-webauthn");
    button.addEventListener("click", function () {
      if (!window.PublicKeyCredential) {
        status.textContent = "このブラウザはセキュリティキーに対応していません。";
        return;
      }
      var options = JSON.parse(document.getElementById("webauthn-options").textContent);
      status.textContent = "セキュリティキーに触れてください…";
      button.disabled = true;
      var p = mode === "create"
        ? navigator.credentials.create({ publicKey: creationOptions(options) })
        : navigator.credentials.get({ publicKey: requestOptions(options) });
      p.then(function (cred) {
        form.querySelector("input[name=credential]").value = JSON.stringify(credentialJSON(cred));
        status.textContent = "確認しています…";
        form.submit();
      }).catch(function () {
        button.disabled = false;
        status.textContent = "セキュリティキーの操作が取り消されたか、失敗しました。もう一度お試しください。";
      });
    });
  });
})();
