// "Sync Person to Microsoft" on the person page: only for a marketing-only person (no Dynamics
// record yet). Queues its creation in Dynamics as a lead or a contact (no account), optionally
// owned by a synced sales person; the sender writes it within seconds while `run` is up.
import { api } from '../lib/api.js';
import { h, toast } from '../lib/dom.js';
import { busy } from '../lib/shell.js';

export function pushCard(person, reload) {
  if (person.dynamicsId) return null;
  const syncAs = h(
    'select',
    { id: 'push-as', name: 'syncAs' },
    h('option', { value: 'lead', selected: true }, 'Lead'),
    h('option', { value: 'contact' }, 'Contact (no account)'),
  );
  const owner = h('input', {
    id: 'push-owner',
    name: 'owner',
    type: 'email',
    placeholder: 'sales person email (optional)',
  });
  const button = h('button', { type: 'submit', class: 'button', id: 'push-person' }, 'Sync Person to Microsoft');
  const form = h(
    'form',
    { class: 'push-person' },
    h('label', { for: syncAs.id }, 'Sync as'),
    syncAs,
    h('label', { for: owner.id }, 'Assign to'),
    owner,
    button,
  );
  form.addEventListener(
    'submit',
    busy(button, async () => {
      const r = await api(`/api/people/${person.id}/push`, {
        method: 'POST',
        body: { syncAs: syncAs.value, owner: owner.value.trim() || null },
      });
      if (r.status === 'queued')
        toast(`Queued for creation in Dynamics as a ${r.syncAs}; the sender writes it shortly.`, 'ok');
      else toast(r.message, 'info');
      await reload();
    }),
  );
  return h(
    'section',
    { class: 'card', id: 'push-card' },
    h('h2', {}, 'Sync Person to Microsoft'),
    h(
      'p',
      { class: 'muted' },
      'This person exists only in the lead database. Create it in Dynamics as a lead, or as a contact without an account, optionally assigned to a sales person.',
    ),
    form,
  );
}
