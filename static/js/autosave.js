/* Autosave on the assessment pages (htmx). A save's answer replaces the indicator's block, its
   fields included, while the person may already be typing on in one of them: htmx keeps the
   focus and the caret but not the text, so this puts back what was typed since the request left
   and saves that in turn. */
(function () {
  "use strict";

  let typing = null;
  let unsent = null;

  document.addEventListener("htmx:beforeSwap", function (event) {
    const field = document.activeElement;
    typing = null;
    if (!field || !field.id || !field.matches("input, textarea")) {
      return;
    }
    if (!event.detail.target.contains(field)) {
      return;
    }
    typing = {
      id: field.id,
      value: field.value,
      start: field.selectionStart,
      end: field.selectionEnd,
      sent: event.detail.requestConfig.formData.get(field.name),
    };
  });

  // Fired once per swapped element, the out-of-band ones included: the first one restores.
  document.addEventListener("htmx:afterSwap", function () {
    const kept = typing;
    typing = null;
    const field = kept && document.getElementById(kept.id);
    if (!field || field.value === kept.value) {
      return;
    }
    field.value = kept.value;
    if (kept.start !== null) {
      field.setSelectionRange(kept.start, kept.end);
    }
    // Only what the server has not seen yet: the server may tidy a value (spaces, "33,5"), and
    // sending that again would answer the same tidied value for ever.
    if (kept.value !== kept.sent) {
      unsent = field;
    }
  });

  // htmx takes up the new fields when they settle, only then does a change reach it.
  document.addEventListener("htmx:afterSettle", function () {
    const field = unsent;
    unsent = null;
    if (field && document.body.contains(field)) {
      htmx.trigger(field, "change");
    }
  });
})();
