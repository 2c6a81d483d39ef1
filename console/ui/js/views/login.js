// SPDX-License-Identifier: GPL-2.0
import { h, field, message, replace } from '../dom.js';
import { post, describe } from '../api.js';

export function render(container, { message: note, onLoggedIn }) {
  const user = h('input', { type: 'text', name: 'username', autocomplete: 'username', required: true, maxlength: 64, autocapitalize: 'none', spellcheck: 'false' });
  const pass = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true, maxlength: 1024 });
  const status = h('div', { class: 'login-status' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Log in');
  if (note) status.appendChild(message('info', note));

  const form = h('form', { class: 'login-form', id: 'login-form', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'procsentry console'),
    status,
    field('User name', user),
    field('Password', pass),
    submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    replace(status);
    try {
      const answer = await post('/api/v1/login', { username: user.value, password: pass.value }, { auth: false });
      pass.value = '';
      onLoggedIn(answer.user, answer.csrf_token);
    } catch (e) {
      let text = describe(e);
      if (e.status === 401) text = 'Wrong user name or password.';
      if (e.status === 429) text = `Too many failed logins. Try again in ${e.retryAfter || 'a few'} seconds.`;
      replace(status, message('error', text));
      pass.value = '';
      pass.focus();
    } finally {
      submit.disabled = false;
    }
  });

  container.appendChild(h('div', { class: 'login-page' }, form));
  user.focus();
}
