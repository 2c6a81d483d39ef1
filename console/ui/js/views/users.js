// SPDX-License-Identifier: GPL-2.0
// Operators (admin): create, change role, disable, reset password, delete.
import { h, append, replace, clear, dataText, field, select, message } from '../dom.js';
import { get, post, patch, del, describe } from '../api.js';
import { timeEl } from '../format.js';
import { session } from '../session.js';

const ROLES = ['viewer', 'operator', 'admin'];

export function render(container) {
  const controller = new AbortController();
  const tbody = h('tbody');
  const status = h('div', { class: 'action-status' });
  const name = h('input', { type: 'text', required: true, maxlength: 64, pattern: '[a-z0-9._\\-]{1,64}', autocomplete: 'off' });
  const pass = h('input', { type: 'password', required: true, minlength: 12, autocomplete: 'new-password' });
  const role = select(ROLES, 'viewer');
  const form = h('form', { class: 'inline-form' },
    field('User name', name, 'a-z, 0-9, . _ -'), field('Password', pass, 'at least 12 characters'), field('Role', role),
    h('div', { class: 'field buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Create user')));

  const act = async (fn, okText) => {
    replace(status);
    try {
      await fn();
      if (okText) replace(status, message('ok', okText));
      load();
    } catch (e) {
      replace(status, message('error', describe(e)));
    }
  };

  async function load() {
    try {
      const answer = await get('/api/v1/users', { signal: controller.signal });
      clear(tbody);
      for (const u of answer.items || []) {
        const id = Number(u.id);
        const self = session.user && Number(session.user.id) === id;
        const roleSel = select(ROLES, u.role, { 'aria-label': `Role of ${String(u.username).slice(0, 64)}`, disabled: self });
        roleSel.addEventListener('change', () => act(() => patch(`/api/v1/users/${id}`, { role: roleSel.value }), 'Role changed.'));
        const toggle = h('button', { type: 'button', disabled: self }, u.disabled ? 'Enable' : 'Disable');
        toggle.addEventListener('click', () => act(() => patch(`/api/v1/users/${id}`, { disabled: !u.disabled }), u.disabled ? 'User enabled.' : 'User disabled.'));
        const newPass = h('input', { type: 'password', minlength: 12, autocomplete: 'new-password', 'aria-label': `New password for ${String(u.username).slice(0, 64)}`, placeholder: 'new password' });
        const setPass = h('button', { type: 'button' }, 'Set password');
        setPass.addEventListener('click', () => {
          if (newPass.value.length < 12) {
            replace(status, message('error', 'A password has at least 12 characters.'));
            return;
          }
          act(() => patch(`/api/v1/users/${id}`, { password: newPass.value }), 'Password changed.');
        });
        const remove = h('button', { type: 'button', class: 'danger', disabled: self }, 'Delete');
        remove.addEventListener('click', () => {
          if (window.confirm('Delete this user? Their sessions and API tokens go too.')) act(() => del(`/api/v1/users/${id}`), 'User deleted.');
        });
        tbody.appendChild(h('tr', { class: u.disabled ? 'revoked' : null },
          h('td', null, dataText(u.username, 64), self ? h('span', { class: 'muted' }, ' (you)') : null),
          h('td', null, roleSel),
          h('td', null, timeEl(u.created)),
          h('td', null, u.disabled ? h('span', { class: 'badge badge-off' }, 'disabled') : 'active'),
          h('td', { class: 'actions' }, toggle, h('span', { class: 'add-row' }, newPass, setPass), remove)));
      }
    } catch (e) {
      if (e.name !== 'AbortError') replace(status, message('error', describe(e)));
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    act(async () => {
      await post('/api/v1/users', { username: name.value.trim(), password: pass.value, role: role.value });
      name.value = '';
      pass.value = '';
    }, 'User created.');
  });

  append(container, h('div', { class: 'view-head' }, h('h1', null, 'Users')),
    h('section', { class: 'panel' }, h('h2', null, 'New user'), form), status,
    h('section', { class: 'panel' }, h('table', { class: 'data-table compact', id: 'users-table' },
      h('thead', null, h('tr', null, ...['User', 'Role', 'Created', 'State', ''].map((t) => h('th', { scope: 'col' }, t)))), tbody)));
  load();
  return () => controller.abort();
}
