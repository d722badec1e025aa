// Upload progress for forms marked data-upload-progress (no inline script: CSP-safe).
// Without JavaScript the form is a plain multipart POST; with it, the same POST goes through
// XMLHttpRequest so that a <progress> element can show how much has been sent.
(function () {
  "use strict";

  function enhance(form) {
    var progress = form.querySelector("progress");
    var status = form.querySelector(".upload-status");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !progress) {
        return; // the browser posts the form itself
      }
      event.preventDefault();
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      request.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          progress.value = Math.round((e.loaded / e.total) * 100);
          if (status) {
            status.textContent = progress.value + "%";
          }
        }
      });
      request.addEventListener("load", function () {
        // The server answers 204 with the documents page's address, which shows the result
        // (a redirect followed here would use up its message on a page never shown).
        window.location.assign(request.getResponseHeader("X-Location") || form.action);
      });
      request.addEventListener("error", function () {
        progress.hidden = true;
        if (button) {
          button.disabled = false;
        }
        if (status) {
          status.textContent = form.getAttribute("data-error-text") || "Error";
        }
      });
      progress.value = 0;
      progress.hidden = false;
      if (button) {
        button.disabled = true;
      }
      request.send(new FormData(form));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-upload-progress]");
    for (var i = 0; i < forms.length; i += 1) {
      enhance(forms[i]);
    }
  });
})();
