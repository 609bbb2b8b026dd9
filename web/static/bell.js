/* global document, window, setInterval */
// The bell in every page's header: how many of the user's notifications are unread, refreshed
// every minute while the page is open.
'use strict';

(function () {
  const bell = document.querySelector('[data-bell]');
  if (!bell) return;
  const badge = bell.querySelector('[data-unread]');

  async function refresh() {
    try {
      const { unread } = await window.tuplet.api('GET', '/api/v1/me/notifications?limit=1&unread=true');
      badge.textContent = unread > 99 ? '99+' : String(unread);
      badge.hidden = unread === 0;
      bell.setAttribute(
        'aria-label',
        unread === 1 ? 'Notifications: 1 unread' : `Notifications: ${unread} unread`,
      );
      bell.dataset.unreadCount = String(unread);
    } catch {
      // Signed out or offline: the bell keeps its last count.
    }
  }
  refresh();
  setInterval(refresh, 60_000);
})();
