// Sign-in, or on the very first visit the form that sets the admin password.
import { api, ApiError } from '../lib/api.js';
import { alertBox, h, page, replace, setTitle } from '../lib/dom.js';

/** Only same-site paths are followed after sign-in (no open redirect to another host). */
function nextPath() {
  const next = new URLSearchParams(location.search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') && !next.startsWith('/login') ? next : '/status';
}

function passwordField(id, label, autocomplete) {
  return h('label', { class: 'field', for: id }, h('span', {}, label),
    h('input', { id, name: id, type: 'password', required: true, minlength: 8, autocomplete }));
}

function form({ setup }) {
  const message = h('div', { class: 'form-message' });
  const submit = h('button', { type: 'submit', class: 'button primary wide' }, setup ? 'Set password and sign in' : 'Sign in');
  const el = h('form', { class: 'card auth-card', id: setup ? 'setup-form' : 'login-form', novalidate: true },
    h('p', { class: 'muted' }, setup
      ? 'Welcome to dynasync. Choose the admin password for this installation (at least 8 characters). You will use it to sign in from now on.'
      : 'Sign in with the admin password of this dynasync installation.'),
    passwordField('password', setup ? 'New admin password' : 'Admin password', setup ? 'new-password' : 'current-password'),
    setup ? passwordField('confirm', 'Repeat the password', 'new-password') : null,
    message, submit);
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    const password = el.querySelector('#password').value;
    replace(message);
    if (setup && password !== el.querySelector('#confirm').value) return replace(message, alertBox('The two passwords differ.'));
    if (password.length < 8) return replace(message, alertBox('The password needs at least 8 characters.'));
    submit.disabled = true;
    try {
      await api(setup ? '/api/setup' : '/api/login', { method: 'POST', body: { password }, signedIn: false });
      location.assign(nextPath());
    } catch (err) {
      submit.disabled = false;
      if (err instanceof ApiError && err.code === 'password_already_set') return show();
      replace(message, alertBox(err.message));
    }
  });
  return el;
}

async function show() {
  const s = await api('/api/session');
  if (s.signedIn) return location.assign(nextPath());
  setTitle(s.needsSetup ? 'Set the admin password' : 'Sign in');
  replace(page(), form({ setup: s.needsSetup }));
  page().querySelector('input')?.focus();
}

show().catch((err) => replace(page(), alertBox(err.message)));
