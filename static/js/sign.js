// Progressive enhancement only: the form works the same without it.
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
