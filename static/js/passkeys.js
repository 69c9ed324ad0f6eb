// After django-otp-webauthn's script has registered a key (its event otp_webauthn.register_complete), the page is
// loaded again: the list then shows the new key, with the confirmation the server put in the messages.
document.addEventListener("otp_webauthn.register_complete", function () {
  var done = document.getElementById("passkeys-done");
  window.location.assign(done ? done.getAttribute("data-url") : window.location.pathname);
});
