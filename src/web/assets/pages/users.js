// Users of the web UI: who may sign in, as admin (everything) or viewer (read only). An admin
// invites someone by a one-time link (shown here, valid 72 hours) and can remove a user.
import { api } from '../lib/api.js';
import { badge, emptyRow, formatDate, h, page, relative, replace, table, toast } from '../lib/dom.js';
import { busy, run } from '../lib/shell.js';

function row(u, me, reload) {
  const remove =
    u.id === me?.id
      ? null
      : h('button', { type: 'button', class: 'button small', 'data-remove': u.email, 'data-mutates': '' }, 'Remove');
  remove?.addEventListener(
    'click',
    busy(remove, async () => {
      if (!confirm(`Remove ${u.email}? They are signed out at once.`)) return;
      await api(`/api/users/${u.id}`, { method: 'DELETE' });
      toast(`${u.email} removed`, 'success');
      await reload();
    }),
  );
  const status =
    u.status === 'active'
      ? badge('active', 'ok')
      : badge(`invited, link valid until ${formatDate(u.inviteExpiresAt)}`, 'info');
  return h(
    'tr',
    { 'data-user': u.email },
    h('td', { class: 'strong' }, u.email, u.id === me?.id ? ' (you)' : ''),
    h('td', { 'data-field': 'role' }, u.role),
    h('td', { 'data-field': 'status' }, status),
    h('td', { title: formatDate(u.lastSignInAt) }, u.lastSignInAt ? relative(u.lastSignInAt) : 'never'),
    h('td', {}, u.invitedBy ?? '—'),
    h('td', {}, remove),
  );
}

async function render() {
  const body = h('tbody', { id: 'user-rows' });
  const slot = h('div', { id: 'invite-slot' });
  const reload = async () => {
    const { items, me } = await api('/api/users');
    body.replaceChildren(...items.map((u) => row(u, me, reload)));
    if (!items.length) body.append(emptyRow(6, 'No users yet.'));
  };
  const email = h('input', {
    type: 'email',
    id: 'invite-email',
    placeholder: 'name@example.com',
    'aria-label': 'Email to invite',
    required: true,
  });
  const role = h(
    'select',
    { id: 'invite-role', 'aria-label': 'Role' },
    h('option', { value: 'viewer' }, 'viewer (read only)'),
    h('option', { value: 'admin' }, 'admin (everything)'),
  );
  const invite = h('button', { type: 'submit', class: 'button primary', id: 'invite-user' }, 'Invite');
  const form = h('form', { class: 'toolbar', id: 'invite-form', 'data-mutates': '' }, email, role, invite);
  form.addEventListener(
    'submit',
    busy(invite, async () => {
      const r = await api('/api/users/invite', { method: 'POST', body: { email: email.value, role: role.value } });
      email.value = '';
      replace(
        slot,
        h(
          'div',
          { class: 'alert ok', role: 'status' },
          h(
            'p',
            {},
            `Send ${r.user.email} this one-time link (valid until ${formatDate(r.expiresAt)}). It is not shown again.`,
          ),
          h('p', {}, h('code', { class: 'secret', id: 'invite-link' }, r.link)),
        ),
      );
      await reload();
    }),
  );
  const t = table(['User', 'Role', 'Status', 'Last sign-in', 'Invited by', ''], [], { id: 'users-table' });
  t.querySelector('tbody').replaceWith(body);
  replace(
    page(),
    form,
    slot,
    h('div', { class: 'card flush' }, t),
    h('p', { class: 'muted' }, 'From the command line: dynasync admin-user invite EMAIL --role admin|viewer'),
  );
  await reload();
}

run(render);
