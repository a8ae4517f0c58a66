// The health line at the top of every signed-in page: healthy, behind, throttled or failing, what
// is true now, and the one action that fixes it (a link to the page where it is done).
import { api } from './api.js';
import { h, replace } from './dom.js';

const LABEL = { healthy: 'Healthy', behind: 'Behind', throttled: 'Throttled', failing: 'Failing' };

/** Where the action is done, by cause. */
const WHERE = {
  not_connected: ['/connection', 'Open Connection'],
  credentials: ['/connection', 'Open Connection'],
  dynamics_unreachable: ['/connection', 'Open Connection'],
  blocked_table: ['/fields', 'Open Field sync'],
  sync_failing: ['/errors', 'Open Sync errors'],
};

export function renderHealthLine(health) {
  const el = document.getElementById('health-line');
  if (!el || !health) return;
  el.hidden = false;
  el.className = `health-line ${health.state}`;
  el.dataset.state = health.state;
  el.dataset.cause = health.cause ?? '';
  const where =
    WHERE[health.cause] ?? (health.action.startsWith('Open Sync errors') ? ['/errors', 'Open Sync errors'] : null);
  const here = where && location.pathname === where[0];
  replace(
    el,
    h('strong', { class: 'health-state' }, LABEL[health.state] ?? health.state),
    h('span', { class: 'health-summary' }, health.summary),
    h(
      'span',
      { class: 'health-action' },
      health.action,
      where && !here ? [' ', h('a', { href: where[0], class: 'health-link' }, `${where[1]} →`)] : null,
    ),
  );
}

export async function loadHealthLine() {
  try {
    renderHealthLine(await api('/api/health'));
  } catch {
    // The page itself shows why the server does not answer; the line stays hidden.
  }
}
