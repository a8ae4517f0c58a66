// What every signed-in page shares: the sign-out button and a handler for failed loads.
import { api, ApiError, session } from './api.js';
import { alertBox, h, page, replace, toast } from './dom.js';
import { loadHealthLine } from './health-line.js';

/**
 * Who is signed in, next to Sign out; a viewer's page hides every control that changes something
 * (marked data-mutates, or listed in app.css under body.viewer). The server refuses those changes
 * anyway (403): hiding them only spares the viewer a button that cannot work.
 */
async function showUser() {
  const s = await session().catch(() => null);
  if (!s?.user) return;
  if (s.user.role !== 'admin') document.body.classList.add('viewer');
  const label = h('span', { class: 'whoami muted', id: 'whoami' }, `${s.user.email} · ${s.user.role}`);
  document.getElementById('sign-out')?.before(label);
}

export function initShell() {
  void showUser();
  // The status page renders the line from its own refreshes.
  if (document.body.dataset.page !== 'status') void loadHealthLine();
  document.getElementById('sign-out')?.addEventListener('click', async () => {
    try {
      await api('/api/logout', { method: 'POST' });
    } finally {
      location.assign('/login');
    }
  });
}

/** Runs a page's loader, showing its failure in place of the page. */
export async function run(load) {
  initShell();
  try {
    await load();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return;
    replace(page(), alertBox(err instanceof Error ? err.message : String(err)));
  }
}

/** Wraps a button's async action: disabled while it runs, errors shown as toasts. */
export function busy(button, action) {
  return async (event) => {
    event?.preventDefault?.();
    if (button.disabled) return;
    button.disabled = true;
    button.classList.add('busy');
    try {
      await action();
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), 'error');
    } finally {
      button.disabled = false;
      button.classList.remove('busy');
    }
  };
}
