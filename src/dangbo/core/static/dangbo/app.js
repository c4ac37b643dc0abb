// dangbo's own behaviour in the browser. The Content-Security-Policy allows no
// inline script, so none lives in the templates: elements say what they want
// with data- attributes and this file acts on them.
"use strict";

// A filter form marked data-drop-empty sends only the fields that have a
// value, so the address pushed into the history stays short and readable
// (?q=nguyen%20van%20hung rather than every empty filter).
document.addEventListener("htmx:configRequest", (event) => {
  const form = event.target.closest("[data-drop-empty]");
  if (!form) return;
  const data = event.detail.formData;
  for (const key of [...data.keys()]) {
    if (!data.get(key)) data.delete(key);
  }
});
