/* global document, window, CSS */
// Hosts page: the Check button asks the API to connect to the host and shows what it found.
'use strict';

(function () {
  const { api, toast } = window.tuplet;
  for (const button of document.querySelectorAll('[data-check]')) {
    button.addEventListener('click', async () => {
      const name = button.dataset.check;
      const out = document.querySelector(`[data-check-result="${CSS.escape(name)}"]`);
      button.disabled = true;
      button.textContent = 'Checking…';
      try {
        const result = await api('POST', `/api/v1/hosts/${encodeURIComponent(name)}/check`);
        out.textContent = JSON.stringify(result, null, 2);
        out.hidden = false;
        const ok = result?.result?.ok;
        toast(ok === false ? `${name}: problems found` : `${name}: checked`, ok === false);
      } catch (error) {
        out.textContent = error.message;
        out.hidden = false;
        toast(error.message, true);
      } finally {
        button.disabled = false;
        button.textContent = 'Check';
      }
    });
  }

  // Admission thresholds (pages/hosts/admission-form.tsx): an empty form clears them (null); a
  // refusal is shown on the form, beside the field the API names (`admission.<field>: …`).
  for (const form of document.querySelectorAll('form[data-admission]')) {
    const error = form.querySelector('[data-form-error]');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const admission = {};
      for (const input of form.querySelectorAll('input[name]')) {
        input.removeAttribute('aria-invalid');
        if (input.value.trim() === '') continue;
        const value = Number(input.value) * Number(input.dataset.scale || 1);
        admission[input.name] = input.dataset.scale ? Math.round(value) : value;
      }
      const body = { admission: Object.keys(admission).length > 0 ? admission : null };
      error.hidden = true;
      try {
        await api('PATCH', `/api/v1/hosts/${encodeURIComponent(form.dataset.admission)}`, body);
        toast('Thresholds saved');
        window.location.reload();
      } catch (err) {
        error.textContent = err.message;
        error.hidden = false;
        for (const issue of err.data?.error?.issues ?? []) {
          const name = issue.path.replace(/^admission\./, '');
          form.querySelector(`input[name="${CSS.escape(name)}"]`)?.setAttribute('aria-invalid', 'true');
        }
      }
    });
  }
})();
