/* global document, window, setTimeout */
// Home page: refreshes the progress bars and states of unfinished series every few seconds
// (one request for all rows, not one stream per row).
'use strict';

(function () {
  const { api, renderProgress, renderState, FINAL } = window.tuplet;
  const INTERVAL_MS = 3000;

  async function refresh() {
    const rows = [...document.querySelectorAll('tr[data-series][data-final="0"]')];
    if (rows.length === 0) return;
    try {
      const { series } = await api(
        'GET',
        `/web-api/progress?ids=${rows.map((r) => encodeURIComponent(r.dataset.series)).join(',')}`,
      );
      for (const row of rows) {
        const p = series[row.dataset.series];
        if (!p) continue;
        renderProgress(row.querySelector('[data-progress]'), p);
        if (row.querySelector('[data-state]')?.dataset.state !== p.state)
          renderState(row.querySelector('[data-series-state]'), p.state);
        if (FINAL.includes(p.state)) row.dataset.final = '1';
      }
    } catch {
      // offline for a moment: try again at the next tick
    }
    setTimeout(refresh, INTERVAL_MS);
  }
  setTimeout(refresh, INTERVAL_MS);
})();
