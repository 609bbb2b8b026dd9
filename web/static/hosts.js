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
})();
