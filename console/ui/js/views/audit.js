// SPDX-License-Identifier: GPL-2.0
// Audit log (admin): every change, newest first, keyset-paged.
import { h, append, replace, clear, cut, dataText, message } from '../dom.js';
import { get, describe } from '../api.js';
import { timeEl } from '../format.js';

export function render(container) {
  const controller = new AbortController();
  let alive = true;
  const cursors = [null];
  let page = 0;
  let nextCursor = null;
  const tbody = h('tbody');
  const status = h('div');
  const prev = h('button', { type: 'button' }, '← Newer');
  const next = h('button', { type: 'button' }, 'Older →');
  const label = h('span', { class: 'page-label' });

  async function load() {
    try {
      const answer = await get('/api/v1/audit', { query: { limit: 100, cursor: cursors[page] }, signal: controller.signal });
      if (!alive) return;
      nextCursor = typeof answer.next_cursor === 'string' ? answer.next_cursor : null;
      clear(tbody);
      for (const a of answer.items || []) {
        const details = a.details == null ? '' : typeof a.details === 'string' ? a.details : JSON.stringify(a.details);
        tbody.appendChild(h('tr', null,
          h('td', null, timeEl(a.time)),
          h('td', null, dataText(a.actor, 32)),
          h('td', null, h('code', null, cut(a.action, 40))),
          h('td', null, dataText(typeof a.target === 'string' ? a.target : JSON.stringify(a.target ?? null), 60)),
          h('td', { class: 'col-details' }, dataText(details, 200, 'code')),
          h('td', null, dataText(a.remote, 40))));
      }
      if (!(answer.items || []).length) tbody.appendChild(h('tr', null, h('td', { colspan: 6, class: 'empty' }, 'No entries.')));
      prev.disabled = page === 0;
      next.disabled = !nextCursor;
      label.textContent = `Page ${page + 1}`;
      clear(status);
    } catch (e) {
      if (alive && e.name !== 'AbortError') replace(status, message('error', describe(e)));
    }
  }
  prev.addEventListener('click', () => { if (page > 0) { page -= 1; load(); } });
  next.addEventListener('click', () => { if (nextCursor) { cursors[page + 1] = nextCursor; page += 1; load(); } });

  append(container, h('div', { class: 'view-head' }, h('h1', null, 'Audit log')), status,
    h('div', { class: 'table-wrap' }, h('table', { class: 'data-table', id: 'audit-table' },
      h('thead', null, h('tr', null, ...['Time', 'Actor', 'Action', 'Target', 'Details', 'Remote'].map((t) => h('th', { scope: 'col' }, t)))),
      tbody)),
    h('div', { class: 'pager' }, prev, label, next));
  load();
  return () => { alive = false; controller.abort(); };
}
