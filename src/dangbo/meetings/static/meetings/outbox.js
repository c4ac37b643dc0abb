// The cell secretary's entry page works with the network down: a meeting that
// cannot be sent is kept in this browser (localStorage) with its client key and
// sent when the network returns (the "online" event, and on every page load).
// The server records a client key once, so a resend never makes a duplicate.
"use strict";

(() => {
  const STORE = "dangbo.meetings.outbox";

  const load = () => {
    try {
      return JSON.parse(localStorage.getItem(STORE) || "[]");
    } catch (error) {
      return [];
    }
  };
  const save = (entries) => localStorage.setItem(STORE, JSON.stringify(entries));

  // 32 hexadecimal digits; crypto.getRandomValues works outside secure contexts too.
  const newKey = () =>
    Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

  // The CSRF token of the page now open: a token kept with an entry may be stale.
  const csrfToken = () => {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  };

  const number = (n) => n.toLocaleString("vi-VN");

  let sent = 0;
  const show = () => {
    const box = document.querySelector("[data-outbox-status]");
    if (!box) return;
    const entries = load();
    const waiting = entries.filter((e) => !e.refused).length;
    const refused = entries.length - waiting;
    const parts = [];
    if (waiting) {
      parts.push(`Chưa gửi: ${number(waiting)} buổi sinh hoạt đang lưu trên máy này, sẽ tự gửi khi có mạng.`);
    }
    if (refused) {
      parts.push(`Chưa gửi: ${number(refused)} buổi sinh hoạt bị máy chủ từ chối, cần nhập lại.`);
    }
    if (!parts.length && sent) parts.push(`Đã gửi ${number(sent)} buổi sinh hoạt.`);
    box.textContent = parts.join(" ");
    box.dataset.state = entries.length ? "unsent" : sent ? "sent" : "";
    box.hidden = !parts.length;
  };

  // Sent with the header X-Dangbo-Outbox, a recorded meeting is answered with 201 and its
  // address; a refusal with 400 and the page; anything else (a login page) is not a record.
  const post = (url, body, how) =>
    fetch(url, { method: "POST", body, credentials: "same-origin", headers: { "X-Dangbo-Outbox": how } });
  const recorded = (response) => response.status === 201;

  let flushing = false;
  const flush = async () => {
    if (flushing || !navigator.onLine) return show();
    flushing = true;
    try {
      for (const entry of load().filter((e) => !e.refused)) {
        let response;
        try {
          const body = new URLSearchParams(entry.fields);
          body.set("csrfmiddlewaretoken", csrfToken());
          response = await post(entry.url, body, "resend");
        } catch (error) {
          break; // still no network: try again on the next "online" event or page load
        }
        const left = load();
        const index = left.findIndex((e) => e.key === entry.key);
        if (recorded(response)) {
          if (index >= 0) left.splice(index, 1);
          sent += 1;
        } else if (response.status === 400 && index >= 0) {
          left[index].refused = true; // the checks refused it: kept, never silently dropped
        }
        save(left);
      }
    } finally {
      flushing = false;
      show();
    }
  };

  const keep = (form) => {
    const fields = [...new FormData(form).entries()].filter(([name]) => name !== "csrfmiddlewaretoken");
    const entries = load();
    const key = form.elements.client_key.value;
    if (!entries.some((e) => e.key === key)) {
      entries.push({ key, url: form.action, fields, kept: new Date().toISOString() });
      save(entries);
    }
    form.elements.client_key.value = ""; // the next meeting entered gets its own key
  };

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-outbox]");
    if (!form) return;
    if (!form.elements.client_key.value) form.elements.client_key.value = newKey();
    event.preventDefault();
    if (!navigator.onLine) {
      keep(form);
      return show();
    }
    let response;
    try {
      response = await post(form.action, new FormData(form), "send");
    } catch (error) {
      keep(form);
      return show();
    }
    if (recorded(response)) {
      window.location.assign((await response.json()).url);
    } else {
      form.submit(); // let the server show its refusal; the same client key writes nothing twice
    }
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", show);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", flush);
  } else {
    flush();
  }
})();
