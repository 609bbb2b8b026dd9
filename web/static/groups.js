/* global document, window, location */
// A group's page: "Add a user" puts the typed name into the URL (PUT /api/v1/groups/{group}/members/{user}),
// which the declarative forms of common.js cannot; a refusal (no such user, not allowed) is shown on the form.
'use strict';

(function () {
  const { api, toast } = window.tuplet;
  const form = document.getElementById('add-member');
  if (!form) return;
  const error = form.querySelector('[data-form-error]');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const user = form.elements.namedItem('user').value.trim();
    const role = form.elements.namedItem('role').value;
    const group = form.dataset.group;
    const button = form.querySelector('[type="submit"]');
    button.disabled = true;
    error.hidden = true;
    try {
      await api('PUT', `/api/v1/groups/${encodeURIComponent(group)}/members/${encodeURIComponent(user)}`, {
        role,
      });
      toast(`${user} added`);
      location.reload();
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      toast(err.message, true);
      button.disabled = false;
    }
  });
})();
