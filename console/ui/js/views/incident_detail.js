// SPDX-License-Identifier: GPL-2.0
// One incident: what happened, the process, its ancestry, credentials, exit, the raw alert, the
// status actions and the one-click skip proposals. Every alert field is hostile text.
import { h, append, replace, clear, visible, visibleMultiline, dataText, field, select, message } from '../dom.js';
import { get, post, describe } from '../api.js';
import { timeEl, severityBadge, statusBadge, dirname, STATUS_LABELS } from '../format.js';
import { canOperate } from '../session.js';
import { hasDraft, startDraft, proposeSkip } from '../draft.js';

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// Full value, never cut: the detail view is where long strings can be read whole.
function full(value, tag = 'span') {
  if (value === null || value === undefined) return h('span', { class: 'muted' }, 'null');
  if (typeof value === 'boolean' || typeof value === 'number') return h(tag, { class: 'data' }, String(value));
  if (typeof value !== 'string') return h('code', { class: 'data wrap' }, visible(JSON.stringify(value)));
  return h(tag, { class: 'data wrap' }, visible(value));
}

function dl(pairs) {
  const el = h('dl', { class: 'kv' });
  for (const [k, v] of pairs) append(el, h('dt', null, k), h('dd', null, v));
  return el;
}

function section(title, ...content) {
  const id = title.toLowerCase().replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '');
  return h('section', { class: 'panel', id: `section-${id}` }, h('h2', null, title), ...content);
}

function processSection(p) {
  if (!isObj(p)) return null;
  const args = Array.isArray(p.args) ? p.args : [];
  const argList = h('ol', { class: 'args', start: 0 }, ...args.map((a) => h('li', null, full(a, 'code'))));
  const exeNote = p.exe_trusted === false
    ? h('span', { class: 'warn-inline' }, ' (path not vouched for by the kernel: never matched a skip)') : null;
  return section('Process', dl([
    ['Executable', [full(p.exe, 'code'), exeNote]],
    ['Name given to execve', full(p.filename, 'code')],
    ['Arguments', [args.length ? argList : h('span', { class: 'muted' }, 'none'),
      p.args_truncated ? h('div', { class: 'warn-inline' }, 'truncated by the sensor') : null]],
    ['comm', [full(p.comm, 'code'), h('span', { class: 'hint' }, ' set by the process itself; informational only')]],
    ['PID / TID / PPID', `${Number(p.pid)} / ${Number(p.tid)} / ${Number(p.ppid)}`],
    ['User (uid)', [full(p.user), ` (${Number(p.uid)})`]],
    ['Effective user (euid)', [full(p.euser), ` (${Number(p.euid)})`]],
    ['Group (gid)', [full(p.group), ` (${Number(p.gid)})`]],
    ['Login uid', full(p.loginuid)],
    ['Container', full(p.container)],
    ['cgroup id', full(p.cgroup_id)],
    ['Start (boot time ns)', full(p.start_ns)],
  ]));
}

function ancestrySection(ancestry) {
  if (!Array.isArray(ancestry)) return null;
  const rows = ancestry.filter(isObj).map((a, i) => h('tr', null,
    h('td', null, String(i + 1)),
    h('td', null, full(a.pid)),
    h('td', null, full(a.exe, 'code')),
    h('td', null, full(a.comm, 'code')),
    h('td', null, full(a.uid)),
    h('td', null, full(a.user))));
  return section('Ancestry (parent first)', rows.length
    ? h('table', { class: 'data-table compact', id: 'ancestry-table' },
      h('thead', null, h('tr', null, ...['#', 'PID', 'Executable', 'comm', 'UID', 'User'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows))
    : h('p', { class: 'muted' }, 'No ancestry recorded.'));
}

function credentialsSection(c) {
  if (!isObj(c)) return null;
  const before = isObj(c.before) ? c.before : null;
  const after = isObj(c.after) ? c.after : {};
  const keys = ['uid', 'gid', 'suid', 'sgid', 'euid', 'egid', 'fsuid', 'fsgid', 'cap_eff', 'cap_prm'];
  const rows = keys.map((k) => {
    const changed = before && JSON.stringify(before[k]) !== JSON.stringify(after[k]);
    return h('tr', { class: changed ? 'changed' : null },
      h('th', { scope: 'row' }, k),
      h('td', null, before ? full(before[k], 'code') : h('span', { class: 'muted' }, '–')),
      h('td', null, full(after[k], 'code')));
  });
  return section('Credentials',
    before ? null : h('p', { class: 'muted' }, 'No credential change: the values at the event.'),
    h('table', { class: 'data-table compact creds', id: 'credentials' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, ''), h('th', { scope: 'col' }, 'Before'), h('th', { scope: 'col' }, 'After'))),
      h('tbody', null, rows)));
}

function callAndExitSection(alert) {
  const pairs = [];
  if ('call' in alert) {
    const c = isObj(alert.call) ? alert.call : null;
    pairs.push(['System call', c ? [full(c.name, 'code'), ' args ', full(c.args), c.errno ? [' errno ', full(c.errno, 'code')] : null]
      : h('span', { class: 'muted' }, 'none')]);
  }
  if ('exit' in alert) {
    const x = isObj(alert.exit) ? alert.exit : null;
    pairs.push(['Exit', x ? [x.signal != null ? ['killed by ', full(x.signal, 'code'), ` (${Number(x.signal_number)})`]
      : ['status ', full(x.status)], x.core_dumped === true ? ', core dumped' : '']
      : h('span', { class: 'muted' }, 'the process had not ended')]);
  }
  if (!pairs.length) return null;
  return section('Call and exit', dl(pairs));
}

function summarySection(inc, alert) {
  const rule = isObj(inc.rule) ? inc.rule : null;
  const pairs = [
    ['Summary', full(inc.summary)],
    ['Severity', severityBadge(inc.severity)],
    ['Status', [statusBadge(inc.status), inc.status_by ? [' by ', full(inc.status_by), ' ', timeEl(inc.status_time)] : null]],
  ];
  if (inc.status_comment) pairs.push(['Status comment', full(inc.status_comment)]);
  pairs.push(
    ['Time', timeEl(inc.time)],
    ['Received', timeEl(inc.received)],
    ['Host', [full(inc.host && inc.host.name), ' ', h('a', { href: '#/hosts' }, `(host ${Number(inc.host && inc.host.id)})`)]],
    ['Alert host name', full(alert.host && alert.host.name)],
    ['Kind', full(inc.kind)],
  );
  if (rule) pairs.push(['Rule', [full(rule.name, 'code'), ' (', full(rule.type), ')']], ['Outcome', full(inc.outcome)]);
  if ('reason' in alert) pairs.push(['Reason', full(alert.reason)]);
  if (Array.isArray(alert.techniques) && alert.techniques.length) pairs.push(['Techniques', full(alert.techniques.join(', '))]);
  if (Array.isArray(alert.exec_flags) && alert.exec_flags.length) pairs.push(['Exec flags', full(alert.exec_flags.join(', '))]);
  if (typeof alert.count === 'number' && alert.count > 1) {
    pairs.push(['Occurrences', [`${alert.count} between `, timeEl(alert.first_time), ' and ', timeEl(alert.last_time),
      alert.first_id ? [' (first alert ', full(alert.first_id, 'code'), ')'] : null]]);
  }
  pairs.push(['Alert id', full(inc.alert_id, 'code')]);
  if (isObj(alert.sensor)) {
    pairs.push(['Sensor event', full(alert.sensor.what, 'code')], ['Count', full(alert.sensor.count)], ['Detail', full(alert.sensor.detail)]);
  }
  if (isObj(alert.suppressed)) {
    pairs.push(['Suppressed', [full(alert.suppressed.count), ' alerts between ', timeEl(alert.suppressed.first_time), ' and ',
      timeEl(alert.suppressed.last_time)]]);
  }
  return section('Summary', dl(pairs));
}

function actionsSection(inc, alert, ctx, onUpdated) {
  if (!canOperate()) return null;
  const comment = h('textarea', { id: 'status-comment', maxlength: 1000, rows: 2 });
  const out = h('div', { class: 'action-status' });
  const buttons = [];
  const setStatus = async (status) => {
    buttons.forEach((b) => { b.disabled = true; });
    replace(out);
    try {
      const body = { status };
      if (comment.value.trim()) body.comment = comment.value.trim();
      const updated = await post(`/api/v1/incidents/${encodeURIComponent(inc.id)}/status`, body);
      onUpdated(updated, `Marked ${STATUS_LABELS[status]}.`);
    } catch (e) {
      replace(out, message('error', describe(e)));
      buttons.forEach((b) => { b.disabled = false; });
    }
  };
  for (const [status, label, id] of [['acknowledged', 'Acknowledge', 'btn-ack'], ['false_positive', 'Mark false positive', 'btn-fp'], ['open', 'Reopen', 'btn-reopen']]) {
    const b = h('button', { type: 'button', id, disabled: inc.status === status, onclick: () => setStatus(status) }, label);
    buttons.push(b);
  }

  // Skip proposals: a skip matches the resolved executable path the kernel reported, never comm.
  const p = isObj(alert.process) ? alert.process : null;
  const exe = p && typeof p.exe === 'string' && p.exe.startsWith('/') ? p.exe : null;
  const dir = exe ? dirname(exe) : null;
  const trusted = p && p.exe_trusted !== false;
  const rule = isObj(inc.rule) && typeof inc.rule.name === 'string' ? inc.rule.name : null;
  const scope = select([...(rule ? [['rule', `only rule ${visible(rule).slice(0, 64)}`]] : []), ['global', 'all rules (global skip)']],
    rule ? 'rule' : 'global', { id: 'skip-scope' });
  const skipOut = h('div', { class: 'action-status' });
  const propose = async (kind, value) => {
    replace(skipOut);
    try {
      if (!hasDraft()) {
        const cfg = await get('/api/v1/config');
        startDraft(cfg.latest.policy, cfg.latest.version);
      }
      proposeSkip(kind, value, scope.value === 'rule' ? rule : null);
      ctx.navigate('#/settings/process-monitoring');
    } catch (e) {
      replace(skipOut, message('error', describe(e)));
    }
  };
  let skipBody;
  if (!exe) {
    skipBody = h('p', { class: 'muted' }, 'This incident has no executable path, so there is nothing to skip.');
  } else if (!trusted) {
    skipBody = h('p', { class: 'muted' }, 'The kernel did not vouch for this executable path (memfd, deleted file, chroot, interpreter): a skip would never match it.');
  } else {
    skipBody = [
      h('p', { class: 'hint' }, 'Skips match the executable\'s resolved path as the kernel reported it (process.exe), never the process name (comm) or the name it was started by. The change opens in Settings as an unsaved draft for review; nothing is pushed until you save.'),
      field('Apply the skip to', scope),
      h('div', { class: 'button-row' },
        h('button', { type: 'button', id: 'btn-skip-command', onclick: () => propose('commands', exe) }, 'Add to skip commands: ', h('code', { class: 'data' }, visible(exe).slice(0, 120))),
        dir ? h('button', { type: 'button', id: 'btn-skip-path', onclick: () => propose('paths', dir) }, 'Add to skip paths: ', h('code', { class: 'data' }, visible(dir).slice(0, 120))) : null),
      skipOut,
    ];
  }

  return section('Actions',
    field('Comment (optional)', comment),
    h('div', { class: 'button-row' }, buttons), out,
    h('h3', null, 'Skip this executable'), skipBody);
}

export function render(container, ctx) {
  const id = ctx.params[0];
  const controller = new AbortController();
  let alive = true;
  const body = h('div', { class: 'detail' }, h('p', { class: 'loading' }, 'Loading…'));
  append(container, h('p', { class: 'back' }, h('a', { href: '#/incidents' }, '← Incidents')), body);

  const show = (inc, note) => {
    const alert = isObj(inc.alert) ? inc.alert : {};
    replace(body,
      h('div', { class: 'view-head' },
        h('h1', null, `Incident ${Number(inc.id)} `, severityBadge(inc.severity), ' ', statusBadge(inc.status))),
      note ? message('ok', note) : null,
      h('div', { class: 'detail-grid' },
        h('div', { class: 'detail-main' },
          summarySection(inc, alert),
          processSection(alert.process),
          ancestrySection(alert.ancestry),
          credentialsSection(alert.credentials),
          callAndExitSection(alert)),
        h('div', { class: 'detail-side' }, actionsSection(inc, alert, ctx, (updated, msg) => {
          // The status answer has no alert; keep the one we have.
          show({ ...updated, alert: inc.alert }, msg);
        }))),
      section('Raw alert JSON',
        h('pre', { class: 'raw-json', id: 'raw-json', tabindex: 0 }, visibleMultiline(JSON.stringify(inc.alert ?? null, null, 2)))));
  };

  get(`/api/v1/incidents/${encodeURIComponent(id)}`, { signal: controller.signal })
    .then((inc) => { if (alive) show(inc); })
    .catch((e) => {
      if (!alive || e.name === 'AbortError') return;
      replace(body, message('error', e.status === 404 ? `There is no incident ${id}.` : describe(e)));
    });

  return () => {
    alive = false;
    controller.abort();
  };
}
