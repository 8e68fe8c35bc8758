/* Behaviour every page shares. The Content-Security-Policy allows no inline handlers, so what
   would be an onchange="..." attribute is declared with a data- attribute and wired here. */
(function () {
  "use strict";

  // The language switch (and any other select marked so) submits its form on choosing; without
  // JavaScript the form keeps its button.
  document.addEventListener("change", function (event) {
    const field = event.target;
    if (field.matches && field.matches("[data-submit-on-change]") && field.form) {
      field.form.requestSubmit();
    }
  });
})();
