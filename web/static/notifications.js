/* global document, window */
// The notifications page: the settings form (a group of event checkboxes becomes a list) and
// the new webhook form (its secret is shown once, in place).
'use strict';

(function () {
  const { api, toast } = window.tuplet;

  document.getElementById('notify-settings')?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const email = form.elements.namedItem('email').value.trim();
    const body = {
      email: email === '' ? null : email,
      sendEmail: form.elements.namedItem('sendEmail').checked,
      events: [...form.querySelectorAll('input[name="events"]:checked')].map((el) => el.value),
    };
    try {
      await api('PUT', '/api/v1/me/notifications/settings', body);
      toast('Saved');
    } catch (error) {
      toast(error.message, true);
    }
  });

  document.getElementById('new-webhook')?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    try {
      const created = await api('POST', '/api/v1/me/webhooks', { url: form.elements.namedItem('url').value });
      const box = document.getElementById('webhook-secret');
      box.querySelector('[data-secret]').textContent = created.secret;
      box.hidden = false;
      form.hidden = true;
      toast('Webhook added');
    } catch (error) {
      toast(error.message, true);
    }
  });
})();
