// SPDX-License-Identifier: GPL-2.0
// Hosts (topology): status of every agent; select one or many and switch monitoring in one action.
import { h, append, replace, clear, dataText, message } from '../dom.js';
import { get, post, del, describe } from '../api.js';
import { timeEl } from '../format.js';
import { canOperate, isAdmin } from '../session.js';

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const selected = new Set(); // host ids; kept across refreshes and visits

function monitoringCell(host) {
  const m = isObj(host.monitoring) ? host.monitoring : {};
  const on = m.enabled === true;
  const cell = [h('span', { class: ['badge', on ? 'badge-on' : 'badge-off'] }, on ? 'on' : 'off')];
  if (m.pending === true) {
    cell.push(' ', h('span', { class: 'pending', title: 'Waiting for the agent to confirm' },
      `→ ${m.desired === true ? 'on' : 'off'} (pending)`));
  }
  return cell;
}

function configCell(host) {
  const c = isObj(host.config) ? host.config : {};
  const parts = [h('span', { title: 'assigned / applied' }, `v${c.assigned ?? '–'} / v${c.applied ?? '–'}`)];
  if (c.pending === true) parts.push(' ', h('span', { class: 'pending' }, 'pending'));
  if (c.rejected != null || c.error) {
    parts.push(h('div', { class: 'error-inline' }, `rejected v${c.rejected ?? '?'}: `, dataText(c.error, 80)));
  }
  return parts;
}

function sensorCell(host) {
  const s = isObj(host.sensor) ? host.sensor : {};
  return [dataText(s.state, 24), s.reason ? h('div', { class: 'sub' }, dataText(s.reason, 60)) : null];
}

export function render(container) {
  const controller = new AbortController();
  let alive = true;
  let timer = null;
  let hosts = [];

  const selectAll = h('input', { type: 'checkbox', id: 'hosts-select-all', 'aria-label': 'Select all hosts' });
  const tbody = h('tbody');
  const out = h('div', { class: 'action-status', id: 'hosts-action-status' });
  const refreshed = h('span', { class: 'muted refreshed' });
  const count = h('span', { class: 'selection-count', id: 'hosts-selected' });
  const enable = h('button', { type: 'button', id: 'btn-enable', class: 'primary' }, 'Enable monitoring');
  const disable = h('button', { type: 'button', id: 'btn-disable' }, 'Disable monitoring');
  const operate = canOperate();

  const table = h('table', { class: 'data-table hosts', id: 'hosts-table' },
    h('caption', { class: 'sr-only' }, 'Hosts'),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col', class: 'col-check' }, selectAll),
      ...['Host', 'Status', 'Last seen', 'Monitoring', 'Kernel', 'Module / ABI', 'Sensor', 'Drops', 'Config (assigned / applied)']
        .map((t) => h('th', { scope: 'col' }, t)),
      isAdmin() ? h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Remove')) : null)),
    tbody);

  function updateSelectionUi() {
    const ids = new Set(hosts.map((x) => Number(x.id)));
    for (const id of [...selected]) if (!ids.has(id)) selected.delete(id);
    const n = selected.size;
    count.textContent = n ? `${n} of ${hosts.length} selected` : `${hosts.length} hosts`;
    enable.disabled = !operate || n === 0;
    disable.disabled = !operate || n === 0;
    selectAll.checked = n > 0 && n === hosts.length;
    selectAll.indeterminate = n > 0 && n < hosts.length;
  }

  function renderRows() {
    clear(tbody);
    for (const host of hosts) {
      const id = Number(host.id);
      const k = isObj(host.kernel) ? host.kernel : {};
      const box = h('input', { type: 'checkbox', class: 'host-check', 'data-host-id': id, checked: selected.has(id),
        'aria-label': `Select host ${String(host.name ?? id).slice(0, 64)}` });
      box.addEventListener('change', () => {
        if (box.checked) selected.add(id); else selected.delete(id);
        updateSelectionUi();
      });
      tbody.appendChild(h('tr', { 'data-host-id': id, 'data-host-name': String(host.name ?? '').slice(0, 255), class: host.revoked ? 'revoked' : null },
        h('td', { class: 'col-check' }, box),
        h('td', null, dataText(host.name, 40), host.revoked ? h('span', { class: 'badge badge-off' }, ' revoked') : null,
          h('div', { class: 'sub' }, `id ${id}`, host.agent_version ? ' · agent ' : '', host.agent_version ? dataText(host.agent_version, 20) : null)),
        h('td', null, host.connected === true
          ? h('span', { class: 'conn conn-on' }, 'connected') : h('span', { class: 'conn conn-off' }, 'offline')),
        h('td', null, timeEl(host.last_seen, true)),
        h('td', { class: 'col-monitoring' }, monitoringCell(host)),
        h('td', null, dataText(k.release, 40)),
        h('td', null, dataText(k.module_version, 20), ' / ', dataText(k.abi_version, 8)),
        h('td', null, sensorCell(host)),
        h('td', { class: Number(host.drops) > 0 ? 'num warn' : 'num' }, String(Number(host.drops) || 0)),
        h('td', null, configCell(host)),
        isAdmin() ? h('td', null, host.revoked ? null : h('button', { type: 'button', class: 'danger small', onclick: () => removeHost(host) }, 'Remove')) : null));
    }
    if (!hosts.length) {
      tbody.appendChild(h('tr', null, h('td', { colspan: 11, class: 'empty' },
        'No hosts yet. Enrol an agent with an enrolment token (Tokens page).')));
    }
    updateSelectionUi();
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      const answer = await get('/api/v1/hosts', { signal: controller.signal });
      if (!alive) return;
      hosts = (Array.isArray(answer.items) ? answer.items : []).filter(isObj)
        .sort((a, b) => String(a.name).localeCompare(String(b.name)) || Number(a.id) - Number(b.id));
      renderRows();
      refreshed.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (e) {
      if (!alive || e.name === 'AbortError' || e.status === 401) return;
      refreshed.textContent = `Refresh failed: ${describe(e)}`;
    }
    if (!alive) return;
    // Faster while a change waits for agents to confirm, so the operator sees it land.
    const waiting = hosts.some((x) => (isObj(x.monitoring) && x.monitoring.pending) || (isObj(x.config) && x.config.pending));
    timer = setTimeout(refresh, waiting ? 1000 : 5000);
  }

  async function setMonitoring(enabled) {
    const ids = [...selected].sort((a, b) => a - b);
    if (!ids.length) return;
    enable.disabled = true;
    disable.disabled = true;
    replace(out);
    try {
      const answer = await post('/api/v1/hosts/monitoring', { host_ids: ids, enabled });
      const n = Array.isArray(answer.updated) ? answer.updated.length : ids.length;
      replace(out, message('ok', `Monitoring ${enabled ? 'enabled' : 'disabled'} for ${n} host${n === 1 ? '' : 's'}; waiting for the agents to confirm.`));
    } catch (e) {
      replace(out, message('error', describe(e)));
    }
    updateSelectionUi();
    refresh();
  }

  // Decommission: the agent's token stops working; its incidents stay.
  async function removeHost(host) {
    if (!window.confirm(`Remove host ${String(host.name ?? host.id).slice(0, 64)}? Its agent token stops working; its incidents stay.`)) return;
    replace(out);
    try {
      await del(`/api/v1/hosts/${encodeURIComponent(Number(host.id))}`);
      replace(out, message('ok', 'Host removed: its agent can no longer connect.'));
    } catch (e) {
      replace(out, message('error', describe(e)));
    }
    refresh();
  }

  selectAll.addEventListener('change', () => {
    if (selectAll.checked) hosts.forEach((x) => selected.add(Number(x.id)));
    else selected.clear();
    renderRows();
  });
  enable.addEventListener('click', () => setMonitoring(true));
  disable.addEventListener('click', () => setMonitoring(false));

  append(container, 
    h('div', { class: 'view-head' }, h('h1', null, 'Hosts'), refreshed),
    h('div', { class: 'toolbar' }, count, operate ? [enable, disable] : h('span', { class: 'muted' }, 'Your role can view hosts only.')),
    out,
    h('div', { class: 'table-wrap' }, table));
  refresh();

  return () => {
    alive = false;
    clearTimeout(timer);
    controller.abort();
  };
}
