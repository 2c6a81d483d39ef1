// SPDX-License-Identifier: GPL-2.0
// The logged-in operator's own password.
import { h, append, replace, field, message } from '../dom.js';
import { post, describe } from '../api.js';
import { session } from '../session.js';

export function render(container) {
  const current = h('input', { type: 'password', required: true, autocomplete: 'current-password' });
  const next = h('input', { type: 'password', required: true, minlength: 12, autocomplete: 'new-password' });
  const again = h('input', { type: 'password', required: true, minlength: 12, autocomplete: 'new-password' });
  const status = h('div', { class: 'action-status' });
  const form = h('form', { class: 'stack-form' },
    field('Current password', current), field('New password', next, 'at least 12 characters'), field('New password again', again),
    h('button', { type: 'submit', class: 'primary' }, 'Change password'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (next.value !== again.value) {
      replace(status, message('error', 'The two new passwords differ.'));
      return;
    }
    try {
      // auth: false: a wrong current password answers 401 without ending the session.
      await post('/api/v1/me/password', { current_password: current.value, new_password: next.value }, { auth: false });
      form.reset();
      replace(status, message('ok', 'Password changed.'));
    } catch (err) {
      replace(status, message('error', err.status === 401 ? 'The current password is wrong.' : describe(err)));
    }
  });
  append(container, h('div', { class: 'view-head' }, h('h1', null, 'Account')),
    h('section', { class: 'panel' }, h('p', null, 'Logged in as ', h('strong', { class: 'data' }, String(session.user.username).slice(0, 64)),
      ` (${String(session.user.role).slice(0, 16)}).`), h('h2', null, 'Change password'), form, status));
}
