// Progressive enhancement only: the form works the same without it.

// When a person begins, swap the start token that the cached page shares with
// every reader for one of their own (good for one signature).
document.addEventListener("focusin", (event) => {
  const form = event.target.closest && event.target.closest(".sign-form");
  if (!form || form.dataset.started) return;
  form.dataset.started = "asked";
  fetch(form.dataset.startUrl, { credentials: "omit", headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : null))
    .then((data) => {
      if (data && data.started) form.elements.started.value = data.started;
    })
    .catch(() => {}); // the shared token still works
});

// One click sends the form once, and the button says that it is sending.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.classList.contains("sign-form")) return;
  const button = form.querySelector("button[type=submit]");
  if (!button || button.disabled) return;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = button.dataset.sending || button.textContent;
});
