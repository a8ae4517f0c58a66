// Sign-in, or on the very first visit the form that sets the admin password with the one-time
// setup code the server printed on its console.
import { api, ApiError } from '../lib/api.js';
import { alertBox, h, page, replace, setTitle } from '../lib/dom.js';

/**
 * Only paths of this site are followed after sign-in. The browser's own URL parser decides (it
 * drops tabs and newlines, reads `\` as `/`), so `/%09/evil.example` cannot pass as a path.
 */
function nextPath() {
  const next = new URLSearchParams(location.search).get('next');
  if (!next || !next.startsWith('/')) return '/status';
  const url = new URL(next, location.origin);
  return url.origin === location.origin && !url.pathname.startsWith('/login')
    ? `${url.pathname}${url.search}${url.hash}`
    : '/status';
}

function passwordField(id, label, autocomplete) {
  return h(
    'label',
    { class: 'field', for: id },
    h('span', {}, label),
    h('input', { id, name: id, type: 'password', required: true, minlength: 8, autocomplete }),
  );
}

function setupCodeField() {
  return h(
    'label',
    { class: 'field', for: 'setup-code' },
    h('span', {}, 'Setup code'),
    h('input', {
      id: 'setup-code',
      name: 'setup-code',
      type: 'text',
      required: true,
      autocomplete: 'one-time-code',
      spellcheck: 'false',
      placeholder: 'XXXX-XXXX-XXXX-XXXX',
    }),
    h('small', { class: 'help' }, 'Printed on the console of the dynasync server when it started.'),
  );
}

function form({ setup }) {
  const message = h('div', { class: 'form-message' });
  const submit = h(
    'button',
    { type: 'submit', class: 'button primary wide' },
    setup ? 'Set password and sign in' : 'Sign in',
  );
  const el = h(
    'form',
    { class: 'card auth-card', id: setup ? 'setup-form' : 'login-form', novalidate: true },
    h(
      'p',
      { class: 'muted' },
      setup
        ? 'Welcome to dynasync. Enter the setup code the server printed on its console, then choose the admin password for this installation (at least 8 characters). You will use it to sign in from now on.'
        : 'Sign in with your email and password, or with the admin password of this installation.',
    ),
    setup ? setupCodeField() : null,
    setup
      ? null
      : h(
          'label',
          { class: 'field', for: 'email' },
          h('span', {}, 'Email'),
          h('input', {
            id: 'email',
            name: 'email',
            type: 'text',
            autocomplete: 'username',
            placeholder: 'you@example.com',
          }),
          h('small', { class: 'help' }, 'Leave it empty for the installation’s first admin (admin).'),
        ),
    passwordField(
      'password',
      setup ? 'New admin password' : 'Admin password',
      setup ? 'new-password' : 'current-password',
    ),
    setup ? passwordField('confirm', 'Repeat the password', 'new-password') : null,
    message,
    submit,
  );
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    const password = el.querySelector('#password').value;
    replace(message);
    if (setup && password !== el.querySelector('#confirm').value)
      return replace(message, alertBox('The two passwords differ.'));
    if (password.length < 8) return replace(message, alertBox('The password needs at least 8 characters.'));
    const setupCode = setup ? el.querySelector('#setup-code').value.trim() : '';
    if (setup && !setupCode) return replace(message, alertBox('Enter the setup code from the server console.'));
    submit.disabled = true;
    try {
      const email = setup ? '' : el.querySelector('#email').value.trim();
      const body = setup ? { password, setupCode } : { password, ...(email ? { email } : {}) };
      await api(setup ? '/api/setup' : '/api/login', { method: 'POST', body, signedIn: false });
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
