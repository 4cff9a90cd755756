// zuora-mock dashboard: the few live parts. Every change goes through the admin API (POST/PUT/DELETE),
// then the page reloads to show the new state; [data-live] fragments are polled and swapped in place.
"use strict";
(function () {
  const FLASH_KEY = "zuora-mock-flash";

  function adminHeaders() {
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    const meta = document.querySelector('meta[name="zuora-mock-admin-token"]');
    if (meta) headers["X-Mock-Admin-Token"] = meta.content;
    return headers;
  }

  function showFlash(text, isError) {
    const flash = document.getElementById("flash");
    if (!flash) return;
    flash.textContent = text;
    flash.className = isError ? "flash error" : "flash";
    flash.hidden = false;
  }

  function describeError(status, body) {
    if (body && typeof body === "object") {
      if (body.message) return body.message;
      if (body.reasons && body.reasons.length) return body.reasons[0].message;
    }
    return "HTTP " + status;
  }

  async function callAdmin(method, path, body) {
    const init = { method: method, headers: adminHeaders(), credentials: "same-origin" };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await fetch(path, init);
    let parsed = null;
    try { parsed = await response.json(); } catch (e) { parsed = null; }
    return { ok: response.ok, status: response.status, body: parsed };
  }

  async function run(method, path, body, label, then) {
    const result = await callAdmin(method, path, body);
    if (!result.ok) {
      showFlash(label + " failed: " + describeError(result.status, result.body), true);
      return;
    }
    sessionStorage.setItem(FLASH_KEY, label + ": done (" + method + " " + path + ")");
    if (then) window.location.assign(then); else window.location.reload();
  }

  function formBody(form) {
    const body = {};
    for (const field of form.elements) {
      if (!field.name || field.value === "" || field.disabled) continue;
      if (field.type === "checkbox") { if (field.checked) body[field.name] = true; continue; }
      body[field.name] = field.type === "number" ? Number(field.value) : field.value;
    }
    return body;
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-api-method]");
    if (!button) return;
    event.preventDefault();
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    button.disabled = true;
    const body = button.dataset.apiBody !== undefined ? JSON.parse(button.dataset.apiBody) : undefined;
    run(button.dataset.apiMethod, button.dataset.apiPath, body, button.textContent.trim(), button.dataset.then)
      .finally(function () { button.disabled = false; });
  });

  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-api-method]");
    if (!form) return;
    event.preventDefault();
    const submit = form.querySelector('[type="submit"]');
    const label = submit ? submit.textContent.trim() : "Request";
    run(form.dataset.apiMethod, form.dataset.apiPath, formBody(form), label, form.dataset.then);
  });

  function poll(element) {
    const every = Number(element.dataset.liveEvery || 2000);
    async function tick() {
      if (!document.hidden && !element.querySelector("button[disabled]")) {
        try {
          const response = await fetch(element.dataset.live, { credentials: "same-origin" });
          if (response.ok) element.innerHTML = await response.text();
        } catch (e) { /* the server went away: keep the last view and try again */ }
      }
      window.setTimeout(tick, every);
    }
    window.setTimeout(tick, every);
  }

  document.addEventListener("DOMContentLoaded", function () {
    const saved = sessionStorage.getItem(FLASH_KEY);
    if (saved) { sessionStorage.removeItem(FLASH_KEY); showFlash(saved, false); }
    document.querySelectorAll("[data-live]").forEach(poll);
  });
})();
