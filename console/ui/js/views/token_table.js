// SPDX-License-Identifier: GPL-2.0
// A token list with create and revoke, for API tokens and enrolment tokens (same Token object).
import { h, append, replace, clear, dataText, field, message } from '../dom.js';
import { get, post, del, describe } from '../api.js';
import { timeEl } from '../format.js';

// opts: {title, path, id, intro, withMaxUses, showUser, signal}
export function tokenTable(opts) {
  const box = h('section', { class: 'panel', id: opts.id });
  const tbody = h('tbody');
  const status = h('div', { class: 'action-status' });
  const created = h('div', { class: 'created-token' });
  const name = h('input', { type: 'text', required: true, maxlength: 64, name: 'name' });
  const days = h('input', { type: 'number', min: 1, max: 3650, name: 'expires_in_days' });
  const maxUses = h('input', { type: 'number', min: 1, max: 1000000, name: 'max_uses' });
  const form = h('form', { class: 'inline-form' },
    field('Name', name), field('Expires in days (optional)', days),
    opts.withMaxUses ? field('Maximum uses (optional)', maxUses) : null,
    h('div', { class: 'field buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Create')));

  async function load() {
    try {
      const answer = await get(opts.path, { signal: opts.signal });
      clear(tbody);
      for (const t of answer.items || []) {
        const revoke = h('button', { type: 'button', class: 'danger', disabled: t.revoked === true }, 'Revoke');
        revoke.addEventListener('click', async () => {
          if (!window.confirm('Revoke this token? Whatever uses it stops working.')) return;
          try {
            await del(`${opts.path}/${encodeURIComponent(Number(t.id))}`);
            load();
          } catch (e) {
            replace(status, message('error', describe(e)));
          }
        });
        const user = t.user && typeof t.user === 'object' ? t.user.username : t.user;
        tbody.appendChild(h('tr', { class: t.revoked ? 'revoked' : null },
          h('td', null, dataText(t.name, 40)),
          opts.showUser ? h('td', null, dataText(user, 32)) : null,
          h('td', null, timeEl(t.created)),
          h('td', null, timeEl(t.expires)),
          h('td', null, timeEl(t.last_used, true)),
          h('td', { class: 'num' }, `${Number(t.uses) || 0}${t.max_uses != null ? ` / ${Number(t.max_uses)}` : ''}`),
          h('td', null, t.revoked ? h('span', { class: 'badge badge-off' }, 'revoked') : 'active'),
          h('td', null, revoke)));
      }
      if (!(answer.items || []).length) tbody.appendChild(h('tr', null, h('td', { colspan: 8, class: 'empty' }, 'No tokens.')));
    } catch (e) {
      if (e.name !== 'AbortError') replace(status, message('error', describe(e)));
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(status);
    clear(created);
    const body = { name: name.value.trim() };
    if (days.value) body.expires_in_days = Number(days.value);
    if (opts.withMaxUses && maxUses.value) body.max_uses = Number(maxUses.value);
    try {
      const answer = await post(opts.path, body);
      const out = h('input', { type: 'text', readonly: true, value: String(answer.token ?? ''), class: 'token-value', 'aria-label': 'New token', id: `${opts.id}-new-token` });
      const copy = h('button', { type: 'button' }, 'Copy');
      copy.addEventListener('click', async () => {
        out.select();
        try {
          await navigator.clipboard.writeText(out.value);
          copy.textContent = 'Copied';
        } catch {
          copy.textContent = 'Press Ctrl+C';
        }
      });
      replace(created, h('div', { class: 'msg msg-ok', role: 'status' },
        h('p', null, h('strong', null, 'Copy this token now: it is shown only once.')), h('div', { class: 'add-row' }, out, copy)));
      out.focus();
      out.select();
      name.value = '';
      days.value = '';
      maxUses.value = '';
      load();
    } catch (err) {
      replace(status, message('error', describe(err)));
    }
  });

  const heads = ['Name', opts.showUser ? 'User' : null, 'Created', 'Expires', 'Last used', 'Uses', 'State', ''].filter((x) => x !== null);
  append(box, h('h2', null, opts.title), opts.intro ? h('p', { class: 'hint' }, opts.intro) : null, form, created, status,
    h('table', { class: 'data-table compact' }, h('thead', null, h('tr', null, ...heads.map((t) => h('th', { scope: 'col' }, t)))), tbody));
  load();
  return box;
}
