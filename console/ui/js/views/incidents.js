// SPDX-License-Identifier: GPL-2.0
// Runtime Incidents: filtered, keyset-paged list, newest first, with live arrival by long poll.
import { h, append, replace, clear, cut, dataText, field, select, message } from '../dom.js';
import { get, describe } from '../api.js';
import { SEVERITIES, RULE_TYPES, STATUSES, STATUS_LABELS, timeEl, severityBadge, statusBadge,
  localInputToRfc3339, rfc3339ToLocalInput } from '../format.js';

const PAGE_SIZE = 50;
const RANGES = [['', 'Any time'], ['15m', 'Last 15 minutes'], ['1h', 'Last hour'], ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'], ['custom', 'Custom range…']];
const RANGE_MS = { '15m': 15 * 60e3, '1h': 3600e3, '24h': 86400e3, '7d': 7 * 86400e3 };
const FILTER_KEYS = ['host', 'severity', 'kind', 'rule_type', 'outcome', 'status', 'range', 'since', 'until', 'q'];

// Survives re-rendering (returning from a detail view keeps the page).
let state = { key: null, cursors: [null], page: 0, seenMax: 0 };

function readFilters(query) {
  const f = {};
  for (const k of FILTER_KEYS) {
    const v = query.get(k);
    if (v) f[k] = v.slice(0, 200);
  }
  return f;
}

function apiQuery(filters, cursor, limit = PAGE_SIZE) {
  const q = { limit, cursor };
  if (filters.host) q.host = filters.host;
  if (filters.severity) {
    if (filters.severity.startsWith('>=')) q.min_severity = filters.severity.slice(2);
    else q.severity = filters.severity;
  }
  for (const k of ['kind', 'rule_type', 'outcome', 'status', 'q']) if (filters[k]) q[k] = filters[k];
  if (filters.range && RANGE_MS[filters.range]) {
    q.since = new Date(Date.now() - RANGE_MS[filters.range]).toISOString();
  } else if (filters.range === 'custom') {
    if (filters.since) q.since = filters.since;
    if (filters.until) q.until = filters.until;
  }
  return q;
}

function filterHash(filters) {
  const p = new URLSearchParams();
  for (const k of FILTER_KEYS) if (filters[k]) p.set(k, filters[k]);
  const s = p.toString();
  return s ? `#/incidents?${s}` : '#/incidents';
}

function ruleCell(item) {
  if (item.rule && typeof item.rule === 'object') {
    return h('td', { class: 'col-rule' }, dataText(item.rule.name, 40), h('div', { class: 'sub' }, dataText(item.rule.type, 30)));
  }
  return h('td', { class: 'col-rule' }, h('span', { class: 'kind' }, String(item.kind ?? '–').slice(0, 20)));
}

function row(item, isNew, navigate) {
  const id = Number(item.id);
  const href = `#/incidents/${encodeURIComponent(id)}`;
  const commandOrSummary = item.command ?? item.exe;
  const tr = h('tr', { class: isNew ? 'new' : null, 'data-id': id },
    h('td', { class: 'col-time' }, h('a', { href, 'aria-label': `Incident ${id}` }, timeEl(item.time))),
    h('td', { class: 'col-host' }, dataText(item.host && item.host.name, 32)),
    ruleCell(item),
    h('td', { class: 'col-sev' }, severityBadge(item.severity)),
    h('td', { class: 'col-outcome' }, item.outcome ? String(item.outcome).slice(0, 20) : h('span', { class: 'muted' }, '–')),
    h('td', { class: 'col-cmd' }, commandOrSummary != null ? dataText(commandOrSummary, 160, 'code')
      : dataText(item.summary, 160)),
    h('td', { class: 'col-user' }, dataText(item.user, 24)),
    h('td', { class: 'col-status' }, statusBadge(item.status)));
  tr.addEventListener('click', (event) => {
    if (event.target.closest('a')) return;
    if (window.getSelection && String(window.getSelection())) return; // selecting text to copy
    navigate(href);
  });
  return tr;
}

export function render(container, ctx) {
  const filters = readFilters(ctx.query);
  const key = JSON.stringify(filters);
  if (state.key !== key) state = { key, cursors: [null], page: 0, seenMax: state.seenMax };
  const controller = new AbortController();
  let alive = true;

  // Filters -------------------------------------------------------------------------------
  const hostSel = select([['', 'All hosts']], filters.host || '', { name: 'host' });
  const sevSel = select([['', 'Any severity'], ...SEVERITIES.map((s) => [s, s]),
    ['>=high', 'high or above'], ['>=medium', 'medium or above'], ['>=low', 'low or above']],
  filters.severity || '', { name: 'severity' });
  const kindSel = select([['', 'Any kind'], ['rule', 'rule'], ['sensor', 'sensor'], ['summary', 'summary']], filters.kind || '', { name: 'kind' });
  const typeSel = select([['', 'Any rule type'], ...RULE_TYPES.map((t) => [t, t])], filters.rule_type || '', { name: 'rule_type' });
  const outcomeSel = select([['', 'Any outcome'], ['success', 'success'], ['failure', 'failure']], filters.outcome || '', { name: 'outcome' });
  const statusSel = select([['', 'Any status'], ...STATUSES.map((s) => [s, STATUS_LABELS[s]])], filters.status || '', { name: 'status' });
  const rangeSel = select(RANGES, filters.range || '', { name: 'range' });
  const sinceIn = h('input', { type: 'datetime-local', name: 'since', value: rfc3339ToLocalInput(filters.since) });
  const untilIn = h('input', { type: 'datetime-local', name: 'until', value: rfc3339ToLocalInput(filters.until) });
  const textIn = h('input', { type: 'search', name: 'q', maxlength: 200, value: filters.q || '', placeholder: 'command, path, user, rule, host…' });
  const customBox = h('div', { class: 'custom-range', hidden: filters.range !== 'custom' },
    field('Since', sinceIn), field('Until', untilIn));

  const form = h('form', { class: 'filters', 'aria-label': 'Incident filters' },
    field('Host', hostSel), field('Severity', sevSel), field('Kind', kindSel), field('Rule type', typeSel),
    field('Outcome', outcomeSel), field('Status', statusSel), field('Time range', rangeSel), customBox,
    field('Text', textIn),
    h('div', { class: 'field buttons' },
      h('button', { type: 'submit', class: 'primary' }, 'Apply'),
      h('button', { type: 'button', onclick: () => ctx.navigate('#/incidents') }, 'Clear')));

  function currentFilters() {
    const f = {};
    if (hostSel.value) f.host = hostSel.value;
    if (sevSel.value) f.severity = sevSel.value;
    if (kindSel.value) f.kind = kindSel.value;
    if (typeSel.value) f.rule_type = typeSel.value;
    if (outcomeSel.value) f.outcome = outcomeSel.value;
    if (statusSel.value) f.status = statusSel.value;
    if (rangeSel.value) f.range = rangeSel.value;
    if (rangeSel.value === 'custom') {
      const s = localInputToRfc3339(sinceIn.value);
      const u = localInputToRfc3339(untilIn.value);
      if (s) f.since = s;
      if (u) f.until = u;
    }
    if (textIn.value.trim()) f.q = textIn.value.trim().slice(0, 200);
    return f;
  }

  function applyFilters() {
    const f = currentFilters();
    const k = JSON.stringify(f);
    if (k === state.key) {
      load();
      return;
    }
    // replaceState: no hashchange, so the form (and the focus in it) stays.
    history.replaceState(null, '', filterHash(f));
    Object.keys(filters).forEach((x) => delete filters[x]);
    Object.assign(filters, f);
    state = { key: k, cursors: [null], page: 0, seenMax: state.seenMax };
    load();
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    applyFilters();
  });
  for (const s of [hostSel, sevSel, kindSel, typeSel, outcomeSel, statusSel]) s.addEventListener('change', applyFilters);
  rangeSel.addEventListener('change', () => {
    customBox.hidden = rangeSel.value !== 'custom';
    if (rangeSel.value !== 'custom') applyFilters();
  });

  // Table ----------------------------------------------------------------------------------
  const live = h('div', { class: 'live', role: 'status', 'aria-live': 'polite' });
  const status = h('div', { class: 'list-status' });
  const tbody = h('tbody');
  const table = h('table', { class: 'data-table incidents', id: 'incidents-table' },
    h('caption', { class: 'sr-only' }, 'Runtime incidents, newest first'),
    h('thead', null, h('tr', null, ...['Time', 'Host', 'Rule', 'Severity', 'Outcome', 'Command', 'User', 'Status']
      .map((t) => h('th', { scope: 'col' }, t)))),
    tbody);
  const prev = h('button', { type: 'button', id: 'page-prev' }, '← Newer');
  const next = h('button', { type: 'button', id: 'page-next' }, 'Older →');
  const pageLabel = h('span', { class: 'page-label' });
  const pager = h('div', { class: 'pager' }, prev, pageLabel, next);
  let nextCursor = null;

  prev.addEventListener('click', () => {
    if (state.page > 0) {
      state.page -= 1;
      load();
    }
  });
  next.addEventListener('click', () => {
    if (nextCursor) {
      state.cursors[state.page + 1] = nextCursor;
      state.page += 1;
      load();
    }
  });

  append(container, 
    h('div', { class: 'view-head' }, h('h1', null, 'Runtime incidents'), live),
    form, status, h('div', { class: 'table-wrap' }, table), pager);

  let loadSeq = 0;
  async function load(highlightAfter = null) {
    const seq = ++loadSeq;
    status.textContent = 'Loading…';
    try {
      const answer = await get('/api/v1/incidents', { query: apiQuery(filters, state.cursors[state.page]), signal: controller.signal });
      if (!alive || seq !== loadSeq) return;
      const items = Array.isArray(answer.items) ? answer.items : [];
      nextCursor = typeof answer.next_cursor === 'string' ? answer.next_cursor : null;
      clear(tbody);
      for (const item of items) {
        tbody.appendChild(row(item, highlightAfter !== null && Number(item.id) > highlightAfter, ctx.navigate));
      }
      if (!items.length) {
        tbody.appendChild(h('tr', null, h('td', { colspan: 8, class: 'empty' },
          state.page === 0 ? 'No incidents match these filters.' : 'No more incidents.')));
      }
      if (state.page === 0) {
        const top = items.reduce((m, i) => Math.max(m, Number(i.id) || 0), 0);
        state.seenMax = Math.max(state.seenMax, top);
        clear(live);
      }
      prev.disabled = state.page === 0;
      next.disabled = !nextCursor;
      pageLabel.textContent = `Page ${state.page + 1}`;
      status.textContent = '';
    } catch (e) {
      if (!alive || e.name === 'AbortError') return;
      replace(status, message('error', describe(e)));
    }
  }

  // Counts what arrived above the first page while the operator looks at an older page.
  async function showNewCount() {
    const answer = await get('/api/v1/incidents', { query: apiQuery(filters, null, 100), signal: controller.signal });
    if (!alive || state.page === 0) return;
    const n = (answer.items || []).filter((i) => Number(i.id) > state.seenMax).length;
    if (!n) return;
    replace(live, h('button', { type: 'button', class: 'new-count', id: 'new-count', onclick: () => {
      state.page = 0;
      load(state.seenMax);
    } }, `${n >= 100 ? '100+' : n} new`));
  }

  function pause(ms) {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      controller.signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
    });
  }

  async function liveLoop() {
    let after = state.seenMax;
    while (alive) {
      try {
        const answer = await get('/api/v1/incidents/wait', { query: { after, timeout: 25 }, signal: controller.signal });
        if (!alive) return;
        const last = Number(answer && answer.last_id) || 0;
        if (last > after) {
          after = last;
          if (state.page === 0) {
            const before = state.seenMax;
            await load(before);
            state.seenMax = Math.max(state.seenMax, last);
          } else {
            await showNewCount();
          }
        }
      } catch (e) {
        if (!alive || e.name === 'AbortError' || e.status === 401) return;
        replace(live, h('span', { class: 'muted' }, 'Live updates interrupted; retrying…'));
        await pause(3000);
        if (alive) clear(live);
      }
    }
  }

  get('/api/v1/hosts', { signal: controller.signal }).then((answer) => {
    if (!alive) return;
    const items = (answer.items || []).slice().sort((a, b) => String(a.name).localeCompare(String(b.name)));
    for (const host of items) hostSel.appendChild(h('option', { value: String(Number(host.id)) }, cut(host.name ?? host.id, 64)));
    hostSel.value = filters.host || '';
  }).catch(() => {});

  load().then(() => { if (alive) liveLoop(); });

  return () => {
    alive = false;
    controller.abort();
  };
}
