// Accepting an invite: the one-time link's token and a new password sign the invited user in.
import { api } from '../lib/api.js';
import { alertBox, h, page, replace } from '../lib/dom.js';

function field(id, label) {
  return h(
    'label',
    { class: 'field', for: id },
    h('span', {}, label),
    h('input', { id, name: id, type: 'password', required: true, minlength: 8, autocomplete: 'new-password' }),
  );
}

function render() {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  if (!token) return replace(page(), alertBox('This page needs the link from your invite.'));
  const message = h('div', { class: 'form-message' });
  const submit = h('button', { type: 'submit', class: 'button primary wide' }, 'Set password and sign in');
  const form = h(
    'form',
    { class: 'card auth-card', id: 'invite-form', novalidate: true },
    h('p', { class: 'muted' }, 'Choose your password for this dynasync installation (at least 8 characters).'),
    field('password', 'New password'),
    field('confirm', 'Repeat the password'),
    message,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const password = form.querySelector('#password').value;
    replace(message);
    if (password !== form.querySelector('#confirm').value)
      return replace(message, alertBox('The two passwords differ.'));
    if (password.length < 8) return replace(message, alertBox('The password needs at least 8 characters.'));
    submit.disabled = true;
    try {
      await api('/api/invite/accept', { method: 'POST', body: { token, password }, signedIn: false });
      location.assign('/status');
    } catch (err) {
      submit.disabled = false;
      replace(message, alertBox(err.message));
    }
  });
  replace(page(), form);
}

render();
