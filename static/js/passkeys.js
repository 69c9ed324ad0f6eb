// After django-otp-webauthn's script has registered a key (its event otp_webauthn.register_complete), the browser goes
// where the server's answer says (the first recovery codes, or the list with the new key and the confirmation the
// server put in the messages); an answer without a same-site path reloads the list.
document.addEventListener("otp_webauthn.register_complete", function (event) {
  var answer = event.detail && event.detail.response;
  var next = answer && answer.redirect_url;
  if (typeof next === "string" && next.charAt(0) === "/" && next.charAt(1) !== "/") {
    window.location.assign(next);
    return;
  }
  var done = document.getElementById("passkeys-done");
  window.location.assign(done ? done.getAttribute("data-url") : window.location.pathname);
});
