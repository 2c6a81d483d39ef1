// SPDX-License-Identifier: GPL-2.0
// Settings > Agent configuration > Process Monitoring: edit the policy (skip + rules, docs/rules.md),
// validate it with the daemon's validator, push it to all or selected hosts, see which host runs
// which version. Edits go to the shared draft (draft.js) and are sent only on save.
import { h, append, replace, clear, cut, visible, visibleMultiline, dataText, field, select, message, nextId } from '../dom.js';
import { get, post, describe } from '../api.js';
import { timeEl, RULE_TYPES } from '../format.js';
import { canOperate } from '../session.js';
import { draft, hasDraft, discardDraft, changed, onDraftChange } from '../draft.js';
import { diffPolicy } from '../policy_diff.js';

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const SEVERITY_CHOICES = ['none', 'info', 'low', 'medium', 'high', 'critical'];

const SKIP_LISTS = [
  ['commands', 'Skip commands', 'A plain basename ("nice") matches the basename of the resolved executable path; an absolute path ("/usr/bin/nice") matches exactly that path. Prefer absolute paths: anyone can create /tmp/nice.'],
  ['paths', 'Skip paths', 'Absolute directories: an executable whose resolved path is in or below one is skipped ("/" is refused).'],
  ['users', 'Skip users', 'User names or decimal uids, compared with the real uid, whatever the path.'],
];
const MATCH_LISTS = {
  exe: ['Executable (exe)', 'Globs on the resolved executable path (fnmatch with FNM_PATHNAME: * does not cross /; a final /** means anything below). Empty: any executable.'],
  parent_exe: ['Parent executable (parent_exe)', 'Globs on the parent\'s resolved executable path. Empty: any parent.'],
  users: ['Users (users)', 'User names or uids, matched against the real uid. Empty: any user.'],
};

// rules[2].match.exe[0] → rules[2].match.exe → rules[2].match → rules[2] → rules → ''
function parentKey(key) {
  const m = /^(.*)(\.[^.[\]]+|\[\d+\])$/.exec(key);
  return m ? m[1] : '';
}

const openRules = new WeakSet(); // rules whose <details> is open, across re-renders

function selectWithValue(choices, value, attrs) {
  const options = choices.map((c) => [c, c]);
  if (value !== undefined && value !== null && !choices.includes(value)) options.push([String(value), `${cut(value, 30)} (invalid)`]);
  return select(options, value === undefined || value === null ? '' : String(value), attrs);
}

export function render(container, ctx) {
  const controller = new AbortController();
  let alive = true;
  const operate = canOperate();
  let cfg = null;        // GET /api/v1/config
  let versions = [];     // GET /api/v1/config/versions
  let hosts = [];        // GET /api/v1/hosts
  let work = null;       // the policy being shown: draft.policy, or a copy of the latest one
  const targetHosts = new Set();
  let targetMode = 'all';
  let errorsByKey = new Map();

  const root = h('div', { class: 'settings' });
  append(container, 
    h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, 'Settings › Agent configuration › ', h('strong', null, 'Process Monitoring')),
    root);

  // The first edit of the shown policy makes it a draft (marked in the navigation).
  function touch() {
    if (!hasDraft()) {
      draft.policy = work;
      draft.baseVersion = cfg.latest.version;
      draft.notes = [];
    }
    changed();
    renderDiff();
  }

  // ---- generic list editor ------------------------------------------------------------------
  function listEditor(label, owner, key, path, hint) {
    const legendId = nextId('lg');
    const box = h('fieldset', { class: 'list-editor', 'data-key': path },
      h('legend', { id: legendId }, label));
    if (hint) box.appendChild(h('div', { class: 'hint' }, hint));
    const entries = Array.isArray(owner[key]) ? owner[key] : [];
    const list = h('ul', { class: 'entries' });
    entries.forEach((value, i) => {
      const input = h('input', { type: 'text', value: typeof value === 'string' ? value : JSON.stringify(value),
        'data-key': `${path}[${i}]`, 'aria-label': `${label}, entry ${i + 1}`, spellcheck: 'false', disabled: !operate });
      const update = () => {
        owner[key][i] = input.value;
        touch();
      };
      input.addEventListener('input', update);
      input.addEventListener('change', update);
      const remove = h('button', { type: 'button', class: 'icon', 'aria-label': `Remove ${label} entry ${i + 1}`, title: 'Remove', disabled: !operate }, '✕');
      remove.addEventListener('click', () => {
        owner[key].splice(i, 1);
        touch();
        renderEditor();
      });
      const err = errorsFor(`${path}[${i}]`);
      if (err) input.setAttribute('aria-invalid', 'true');
      // An entry taken from an alert may hold direction-changing or invisible characters that
      // make the input show something else than what it matches: spell it out below.
      const spelled = typeof value === 'string' && visible(value) !== value
        ? h('div', { class: 'warn-inline entry-note' }, 'contains invisible or direction-changing characters: ',
          h('code', { class: 'data' }, cut(value, 200)))
        : null;
      list.appendChild(h('li', null, input, remove, spelled, err));
    });
    if (!entries.length) list.appendChild(h('li', { class: 'muted empty-list' }, 'empty'));
    box.appendChild(list);
    if (operate) {
      const addInput = h('input', { type: 'text', 'aria-label': `New ${label} entry`, placeholder: 'add an entry', spellcheck: 'false', class: 'add-entry' });
      const add = () => {
        const v = addInput.value.trim();
        if (!v) return;
        if (!Array.isArray(owner[key])) owner[key] = [];
        owner[key].push(v);
        touch();
        renderEditor(`${path}[${owner[key].length - 1}]`, path);
      };
      addInput.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          add();
        }
      });
      box.appendChild(h('div', { class: 'add-row' }, addInput, h('button', { type: 'button', onclick: add, 'aria-label': `Add to ${label}` }, 'Add')));
    }
    append(box, [errorsFor(path)]);
    return box;
  }

  function errorsFor(key) {
    const list = errorsByKey.get(key);
    if (!list) return null;
    errorsByKey.delete(key);
    return h('div', { class: 'field-error', role: 'alert' }, ...list.map((e) => h('div', null,
      visible(e.message), e.value ? [' (got ', h('code', { class: 'data' }, cut(e.value, 100)), ')'] : null)));
  }

  function textField(label, owner, key, path, attrs = {}, multiline = false) {
    const control = h(multiline ? 'textarea' : 'input', { ...(multiline ? { rows: 2 } : { type: 'text' }), ...attrs,
      value: owner[key] == null ? '' : String(owner[key]), 'data-key': path, disabled: !operate });
    const update = () => {
      if (control.value === '' && key === 'description') delete owner[key];
      else owner[key] = control.value;
      touch();
    };
    control.addEventListener('input', update);
    control.addEventListener('change', update); // programmatic clears fire only change
    const f = field(label, control);
    const err = errorsFor(path);
    if (err) {
      control.setAttribute('aria-invalid', 'true');
      f.appendChild(err);
    }
    return f;
  }

  function selectField(label, choices, owner, key, path, attrs = {}) {
    const { onUpdate, ...rest } = attrs;
    const control = selectWithValue(choices, owner[key], { ...rest, 'data-key': path, disabled: !operate });
    control.addEventListener('change', () => {
      owner[key] = control.value;
      touch();
      if (onUpdate) onUpdate();
    });
    const f = field(label, control);
    const err = errorsFor(path);
    if (err) {
      control.setAttribute('aria-invalid', 'true');
      f.appendChild(err);
    }
    return f;
  }

  // ---- one rule ------------------------------------------------------------------------------
  function ruleEditor(rule, index, rules) {
    const path = `rules[${index}]`;
    if (!isObj(rule)) {
      return h('div', { class: 'rule panel', 'data-key': path }, message('error', `Rule ${index + 1} is not an object.`), errorsFor(path));
    }
    const summaryText = () => `${rule.name || '(unnamed)'} · ${rule.type || '?'} · ${rule.enabled === false ? 'disabled' : 'enabled'} · ` +
      `${isObj(rule.severity) ? `${rule.severity.success ?? '?'} / ${rule.severity.failure ?? '?'}` : '?'}`;
    const summaryLabel = h('span', { class: 'data' }, cut(summaryText(), 140));
    const refreshSummary = () => { summaryLabel.textContent = cut(summaryText(), 140); };
    const hasErrors = [...errorsByKey.keys()].some((k) => k === path || k.startsWith(`${path}.`) || k.startsWith(`${path}[`));
    const details = h('details', { class: 'rule', 'data-key': path, id: `rule-${index}`, open: openRules.has(rule) || hasErrors },
      h('summary', null, h('span', { class: 'rule-index' }, `#${index + 1}`), ' ', summaryLabel,
        hasErrors ? h('span', { class: 'error-inline' }, ' has errors') : null));
    details.addEventListener('toggle', () => {
      if (details.open) openRules.add(rule); else openRules.delete(rule);
    });

    const enabled = h('input', { type: 'checkbox', checked: rule.enabled !== false, 'data-key': `${path}.enabled`, disabled: !operate });
    enabled.addEventListener('change', () => {
      rule.enabled = enabled.checked;
      touch();
      refreshSummary();
    });
    if (!isObj(rule.severity)) rule.severity = {};
    const body = h('div', { class: 'rule-body' },
      h('div', { class: 'row' },
        textField('Name', rule, 'name', `${path}.name`, { maxlength: 64, spellcheck: 'false', oninput: refreshSummary }),
        selectField('Type', RULE_TYPES, rule, 'type', `${path}.type`, { onUpdate: refreshSummary }),
        h('div', { class: 'field checkbox' }, h('label', null, enabled, ' Enabled'), errorsFor(`${path}.enabled`))),
      textField('Description', rule, 'description', `${path}.description`, { maxlength: 1000 }, true),
      h('div', { class: 'row' },
        selectField('Severity on success', SEVERITY_CHOICES, rule.severity, 'success', `${path}.severity.success`, { onUpdate: refreshSummary }),
        selectField('Severity on failure', SEVERITY_CHOICES, rule.severity, 'failure', `${path}.severity.failure`, { onUpdate: refreshSummary }),
        errorsFor(`${path}.severity`)),
      h('p', { class: 'hint' }, 'What success and failure mean for each type is in docs/rules.md (Outcomes); "none" raises no alert for that outcome.'));

    if (!isObj(rule.match)) {
      if (rule.match !== undefined) append(body, [errorsFor(`${path}.match`)]);
    }
    const match = isObj(rule.match) ? rule.match : {};
    const matchKeys = [...new Set([...Object.keys(MATCH_LISTS), ...Object.keys(match)])];
    body.appendChild(h('h4', null, 'Match (all given filters must match; an empty list matches everything)'));
    body.appendChild(h('div', { class: 'lists' }, matchKeys.map((k) => {
      const [label, hint] = MATCH_LISTS[k] || [k, null];
      const owner = new Proxy({}, {
        // The list editor writes owner[key]; create rule.match on the first entry only.
        get: (_t, p) => (isObj(rule.match) ? rule.match[p] : undefined),
        set: (_t, p, v) => {
          if (!isObj(rule.match)) rule.match = {};
          rule.match[p] = v;
          return true;
        },
      });
      return listEditor(label, owner, k, `${path}.match.${k}`, hint);
    })));
    append(body, [errorsFor(`${path}.match`)]);
    body.appendChild(h('h4', null, 'Skip (this rule only)'));
    const skipOwner = new Proxy({}, {
      // As for match: rule.skip appears with its first entry.
      get: (_t, p) => (isObj(rule.skip) ? rule.skip[p] : undefined),
      set: (_t, p, v) => {
        if (!isObj(rule.skip)) rule.skip = {};
        rule.skip[p] = v;
        return true;
      },
    });
    body.appendChild(h('div', { class: 'lists' }, SKIP_LISTS.map(([k, label, hint]) => listEditor(label, skipOwner, k, `${path}.skip.${k}`, hint))));
    append(body, [errorsFor(`${path}.skip`)]);

    if (operate) {
      const move = (delta) => {
        const j = index + delta;
        if (j < 0 || j >= rules.length) return;
        [rules[index], rules[j]] = [rules[j], rules[index]];
        touch();
        renderEditor(null, `rules[${j}]`);
      };
      body.appendChild(h('div', { class: 'button-row' },
        h('button', { type: 'button', disabled: index === 0, onclick: () => move(-1) }, 'Move up'),
        h('button', { type: 'button', disabled: index === rules.length - 1, onclick: () => move(1) }, 'Move down'),
        h('button', { type: 'button', class: 'danger', onclick: () => {
          if (!window.confirm(`Delete rule ${visible(rule.name || index + 1)} from the draft?`)) return;
          rules.splice(index, 1);
          touch();
          renderEditor();
        } }, 'Delete rule')));
    }
    const pathErr = errorsFor(path);
    if (pathErr) body.prepend(pathErr);
    details.appendChild(body);
    return details;
  }

  // ---- editor ------------------------------------------------------------------------------------
  const editor = h('div', { class: 'editor', id: 'policy-editor' });
  const diffBox = h('div', { class: 'diff', id: 'draft-diff' });
  const errorSummary = h('div', { class: 'error-summary', id: 'validation-errors' });

  function renderEditor(focusKey = null, scrollKey = null) {
    clear(editor);
    if (!isObj(work)) {
      editor.appendChild(message('error', 'The policy is not an object.'));
      return;
    }
    if (!isObj(work.skip)) work.skip = { commands: [], paths: [], users: [] };
    if (!Array.isArray(work.rules)) work.rules = [];
    const unknownTop = Object.keys(work).filter((k) => k !== 'skip' && k !== 'rules');
    append(editor, 
      h('section', { class: 'panel' },
        h('h2', null, 'Global skips (all rules)'),
        h('p', { class: 'hint' }, 'Skips look only at the executable\'s resolved path as the kernel reported it (never at the process name, comm, or the name it was started by) and, for users, at the real uid. A global skip silences every rule, including the privilege rules; prefer a rule\'s own skip.'),
        errorsFor('skip'),
        h('div', { class: 'lists' }, SKIP_LISTS.map(([k, label, hint]) => listEditor(label, work.skip, k, `skip.${k}`, hint)))),
      h('section', { class: 'panel' },
        h('h2', null, `Rules (${work.rules.length})`),
        errorsFor('rules'),
        h('div', { class: 'rules' }, work.rules.map((r, i) => ruleEditor(r, i, work.rules))),
        operate ? h('button', { type: 'button', id: 'btn-add-rule', onclick: () => {
          const rule = { name: `new-rule-${work.rules.length + 1}`, description: '', type: 'bin-execution', enabled: true,
            severity: { success: 'medium', failure: 'low' }, match: { exe: [], users: [], parent_exe: [] },
            skip: { commands: [], paths: [], users: [] } };
          work.rules.push(rule);
          openRules.add(rule);
          touch();
          renderEditor(`rules[${work.rules.length - 1}].name`);
        } }, 'Add rule') : null),
      unknownTop.length ? message('info', `Other policy keys kept as they are: ${unknownTop.join(', ')}`) : null);
    // Errors whose key matched no control are listed in the summary only.
    if (focusKey) {
      const el = editor.querySelector(`[data-key="${CSS.escape(focusKey)}"]`);
      if (el) el.focus();
    }
    if (scrollKey) {
      const el = editor.querySelector(`[data-key="${CSS.escape(scrollKey)}"]`);
      if (el && el.scrollIntoView) el.scrollIntoView({ block: 'nearest' });
    }
    renderDiff();
  }

  function renderDiff() {
    saveBtn.disabled = !hasDraft();
    discardBtn.disabled = !hasDraft();
    clear(diffBox);
    if (!cfg) return;
    const base = versions.find((v) => v.version === draft.baseVersion) || cfg.latest;
    const lines = hasDraft() ? diffPolicy(base.policy, draft.policy) : [];
    if (!hasDraft()) {
      diffBox.appendChild(h('p', { class: 'muted' }, `No unsaved changes. The editor shows version ${Number(cfg.latest.version)}.`));
      return;
    }
    diffBox.appendChild(h('p', null, h('strong', null, 'Unsaved draft'), ` based on version ${Number(draft.baseVersion)}`,
      draft.baseVersion !== cfg.latest.version ? h('span', { class: 'warn-inline' }, ` (latest is ${Number(cfg.latest.version)})`) : null));
    for (const note of draft.notes) diffBox.appendChild(h('p', { class: 'note' }, visible(note)));
    if (!lines.length) {
      diffBox.appendChild(h('p', { class: 'muted' }, 'No difference from that version.'));
      return;
    }
    const ul = h('ul', { class: 'diff-lines', 'aria-label': 'Changes' });
    for (const d of lines.slice(0, 200)) {
      const show = (v) => cut(JSON.stringify(v), 120);
      const text = d.op === '~' ? `${d.path}: ${show(d.before)} → ${show(d.after)}`
        : d.op === '+' ? `${d.path}: ${show(d.after)}` : `${d.path}: ${show(d.before)}`;
      ul.appendChild(h('li', { class: `diff-${d.op === '+' ? 'add' : d.op === '-' ? 'del' : 'mod'}` },
        h('span', { class: 'op', 'aria-hidden': 'true' }, d.op === '~' ? '~' : d.op), ' ', h('code', { class: 'data' }, text)));
    }
    if (lines.length > 200) ul.appendChild(h('li', null, `… ${lines.length - 200} more`));
    diffBox.appendChild(ul);
  }

  // ---- validation errors (422 details: {key, message, value}) ----------------------------------
  function setErrors(details) {
    errorsByKey = new Map();
    const list = h('ul');
    for (const d of details.filter(isObj).slice(0, 100)) {
      const key = typeof d.key === 'string' ? d.key.replace(/^policy\./, '') : '';
      const entry = { message: String(d.message ?? ''), value: d.value == null ? '' : String(d.value) };
      // Attach to the most specific key the editor shows: rules[2].severity.failure, else rules[2], ...
      if (key) {
        if (!errorsByKey.has(key)) errorsByKey.set(key, []);
        errorsByKey.get(key).push(entry);
      }
      list.appendChild(h('li', null, key ? h('code', { class: 'data' }, cut(key, 100)) : null, key ? ': ' : null,
        visible(entry.message), entry.value ? [' (got ', h('code', { class: 'data' }, cut(entry.value, 100)), ')'] : null));
    }
    replace(errorSummary, h('div', { class: 'msg msg-error', role: 'alert' },
      h('strong', null, `The validator refused the policy (${details.length} error${details.length === 1 ? '' : 's'}):`), list));
    // Keys that no control shows are folded into their nearest shown parent.
    const shown = new Set();
    const collect = (node) => node.querySelectorAll('[data-key]').forEach((el) => shown.add(el.dataset.key));
    renderEditorProbe(collect, shown);
    renderEditor();
  }

  function renderEditorProbe(collect, shown) {
    // Render once without errors to learn which keys have a control, then remap the others.
    const saved = errorsByKey;
    errorsByKey = new Map();
    renderEditor();
    collect(editor);
    errorsByKey = new Map();
    for (const [key, entries] of saved) {
      let k = key;
      while (k && !shown.has(k)) k = parentKey(k);
      const target = k || 'rules';
      if (!errorsByKey.has(target)) errorsByKey.set(target, []);
      errorsByKey.get(target).push(...entries);
    }
  }

  // ---- save panel ------------------------------------------------------------------------------
  const saveOut = h('div', { class: 'action-status', id: 'save-status' });
  const comment = h('input', { type: 'text', id: 'push-comment', maxlength: 1000, placeholder: 'why this change' });
  const allRadio = h('input', { type: 'radio', name: 'targets', value: 'all', checked: true, id: 'targets-all' });
  const selRadio = h('input', { type: 'radio', name: 'targets', value: 'selected', id: 'targets-selected' });
  const hostPicker = h('fieldset', { class: 'host-picker', id: 'target-hosts', hidden: true }, h('legend', null, 'Hosts to push to'));
  const validateBtn = h('button', { type: 'button', id: 'btn-validate' }, 'Validate');
  const saveBtn = h('button', { type: 'button', id: 'btn-save', class: 'primary' }, 'Save & push');
  const discardBtn = h('button', { type: 'button', id: 'btn-discard' }, 'Discard draft');
  for (const r of [allRadio, selRadio]) {
    r.addEventListener('change', () => {
      targetMode = selRadio.checked ? 'selected' : 'all';
      hostPicker.hidden = targetMode !== 'selected';
    });
  }

  function renderHostPicker() {
    const keep = hostPicker.querySelector('legend');
    clear(hostPicker);
    hostPicker.appendChild(keep);
    for (const host of hosts) {
      const id = Number(host.id);
      const box = h('input', { type: 'checkbox', checked: targetHosts.has(id), 'data-host-id': id });
      box.addEventListener('change', () => {
        if (box.checked) targetHosts.add(id); else targetHosts.delete(id);
      });
      hostPicker.appendChild(h('label', { class: 'host-choice' }, box, ' ', dataText(host.name, 40),
        h('span', { class: 'muted' }, ` (runs v${isObj(host.config) ? host.config.applied ?? '–' : '–'})`)));
    }
    if (!hosts.length) hostPicker.appendChild(h('p', { class: 'muted' }, 'No hosts.'));
  }

  function targets() {
    if (targetMode === 'all') return 'all';
    return { host_ids: [...targetHosts].sort((a, b) => a - b) };
  }

  validateBtn.addEventListener('click', async () => {
    replace(saveOut);
    validateBtn.disabled = true;
    try {
      await post('/api/v1/config/validate', { policy: work });
      errorsByKey = new Map();
      clear(errorSummary);
      renderEditor();
      replace(saveOut, message('ok', 'Valid: the daemon\'s validator accepts this policy.'));
    } catch (e) {
      if (e.status === 422) setErrors(e.details);
      else replace(saveOut, message('error', describe(e)));
    } finally {
      validateBtn.disabled = false;
    }
  });

  saveBtn.addEventListener('click', async () => {
    replace(saveOut);
    const t = targets();
    if (t !== 'all' && !t.host_ids.length) {
      replace(saveOut, message('error', 'Select at least one host, or push to all hosts.'));
      return;
    }
    saveBtn.disabled = true;
    try {
      const base = hasDraft() ? draft.baseVersion : cfg.latest.version;
      const answer = await post('/api/v1/config', { policy: work, base_version: base, comment: comment.value.trim(), targets: t });
      discardDraft();
      comment.value = '';
      errorsByKey = new Map();
      clear(errorSummary);
      await load();
      const n = Array.isArray(answer.assigned) ? answer.assigned.length : 0;
      replace(saveOut, message('ok', `Saved version ${Number(answer.version)} and pushed it to ${n} host${n === 1 ? '' : 's'}. The table below shows when they run it.`));
    } catch (e) {
      if (e.status === 422) setErrors(e.details);
      else if (e.status === 409) showConflict();
      else replace(saveOut, message('error', describe(e)));
    } finally {
      saveBtn.disabled = false;
    }
  });

  async function showConflict() {
    let latest = null;
    try {
      latest = (await get('/api/v1/config')).latest;
    } catch (e) {
      replace(saveOut, message('error', describe(e)));
      return;
    }
    replace(saveOut, h('div', { class: 'msg msg-error', role: 'alert' },
      h('p', null, `Someone saved version ${Number(latest.version)} (${visible(latest.created_by ?? '?')}) after your draft was started from version ${Number(draft.baseVersion)}.`),
      h('div', { class: 'button-row' },
        h('button', { type: 'button', id: 'btn-reload-latest', onclick: async () => {
          discardDraft();
          await load();
          replace(saveOut, message('info', `Loaded version ${Number(latest.version)}; your draft was discarded.`));
        } }, `Reload version ${Number(latest.version)} (discard my draft)`),
        h('button', { type: 'button', onclick: async () => {
          if (!hasDraft()) touch();
          draft.baseVersion = latest.version;
          draft.notes.push(`Rebased on version ${latest.version}: saving replaces its changes with this draft.`);
          changed();
          await load();
          replace(saveOut, message('info', `The draft now replaces version ${Number(latest.version)}. Review the changes, then save again.`));
        } }, 'Keep my draft on top of it'))));
  }

  discardBtn.addEventListener('click', async () => {
    if (!hasDraft()) return;
    if (!window.confirm('Discard the unsaved changes?')) return;
    discardDraft();
    errorsByKey = new Map();
    clear(errorSummary);
    await load();
    replace(saveOut, message('info', 'Draft discarded.'));
  });

  const savePanel = h('aside', { class: 'panel savepanel', 'aria-label': 'Review and push' },
    h('h2', null, 'Review and push'),
    diffBox,
    operate ? [
      field('Comment', comment),
      h('fieldset', { class: 'targets' }, h('legend', null, 'Push to'),
        h('label', null, allRadio, ' All hosts (and new hosts)'),
        h('label', null, selRadio, ' Selected hosts')),
      hostPicker,
      h('div', { class: 'button-row' }, validateBtn, saveBtn, discardBtn),
    ] : [h('p', { class: 'muted' }, 'Your role can view the configuration only.'), h('div', { class: 'button-row' }, validateBtn)],
    saveOut, errorSummary);

  // ---- versions and hosts ----------------------------------------------------------------------
  const versionsBox = h('section', { class: 'panel', id: 'versions' });
  const hostsBox = h('section', { class: 'panel', id: 'hosts-versions' });

  function renderVersions() {
    const byVersion = isObj(cfg.hosts_by_version) ? cfg.hosts_by_version : {};
    const rows = versions.map((v) => {
      const counts = isObj(byVersion[String(v.version)]) ? byVersion[String(v.version)] : {};
      const view = h('pre', { class: 'raw-json', hidden: true, tabindex: 0 }, visibleMultiline(JSON.stringify(v.policy, null, 2)));
      const actions = h('td', { class: 'actions' },
        h('button', { type: 'button', onclick: () => { view.hidden = !view.hidden; } }, 'View'),
        operate ? h('button', { type: 'button', onclick: () => {
          if (hasDraft() && !window.confirm('Replace the current draft with this version?')) return;
          work = structuredClone(v.policy);
          draft.policy = work;
          draft.baseVersion = cfg.latest.version;
          draft.notes = [`Loaded version ${v.version} into the editor.`];
          changed();
          renderEditor();
        } }, 'Load into editor') : null,
        operate ? h('button', { type: 'button', title: 'Assign this version to the hosts chosen under "Push to"', onclick: async () => {
          const t = targets();
          const what = t === 'all' ? 'all hosts (and make it the default)' : `${t.host_ids.length} selected host(s)`;
          if (t !== 'all' && !t.host_ids.length) {
            replace(saveOut, message('error', 'Select hosts under "Push to" first.'));
            return;
          }
          if (!window.confirm(`Assign version ${v.version} to ${what}?`)) return;
          try {
            const answer = await post(`/api/v1/config/versions/${encodeURIComponent(v.version)}/assign`, { targets: t });
            await load();
            replace(saveOut, message('ok', `Version ${Number(v.version)} assigned to ${(answer.assigned || []).length} host(s).`));
          } catch (e) {
            replace(saveOut, message('error', describe(e)));
          }
        } }, 'Assign') : null);
      return [h('tr', { 'data-version': Number(v.version) },
        h('td', null, `v${Number(v.version)}`, v.version === cfg.default_version ? h('span', { class: 'badge badge-on' }, ' default') : null),
        h('td', null, timeEl(v.created)),
        h('td', null, dataText(v.created_by, 32)),
        h('td', null, dataText(v.comment, 80)),
        h('td', null, String(Number(counts.assigned) || 0)),
        h('td', null, String(Number(counts.applied) || 0)),
        actions),
      h('tr', { class: 'policy-view' }, h('td', { colspan: 7 }, view))];
    });
    replace(versionsBox, h('h2', null, 'Version history'),
      h('table', { class: 'data-table compact' },
        h('thead', null, h('tr', null, ...['Version', 'Created', 'By', 'Comment', 'Hosts assigned', 'Hosts running', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, rows.flat())));
  }

  function renderHostVersions() {
    const rows = hosts.map((host) => {
      const c = isObj(host.config) ? host.config : {};
      let state = h('span', { class: 'ok-inline' }, 'up to date');
      if (c.rejected != null || c.error) state = h('span', { class: 'error-inline' }, `refused v${c.rejected ?? '?'}: `, dataText(c.error, 100));
      else if (c.pending) state = h('span', { class: 'pending' }, 'pending');
      return h('tr', { 'data-host-id': Number(host.id) },
        h('td', null, dataText(host.name, 40)),
        h('td', null, host.connected === true ? 'connected' : h('span', { class: 'muted' }, 'offline')),
        h('td', null, c.assigned == null ? '–' : `v${Number(c.assigned)}`),
        h('td', null, c.applied == null ? '–' : `v${Number(c.applied)}`),
        h('td', null, state));
    });
    replace(hostsBox, h('h2', null, 'Which hosts run which version'),
      h('table', { class: 'data-table compact', id: 'host-versions-table' },
        h('thead', null, h('tr', null, ...['Host', 'Status', 'Assigned', 'Running', 'State'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, rows.length ? rows : h('tr', null, h('td', { colspan: 5, class: 'empty' }, 'No hosts.')))));
  }

  let refreshTimer = null;
  async function load() {
    const [c, v, hs] = await Promise.all([
      get('/api/v1/config', { signal: controller.signal }),
      get('/api/v1/config/versions', { query: { limit: 50 }, signal: controller.signal }),
      get('/api/v1/hosts', { signal: controller.signal }),
    ]);
    if (!alive) return;
    cfg = c;
    versions = Array.isArray(v.items) ? v.items : [];
    if (!versions.some((x) => x.version === cfg.latest.version)) versions.unshift(cfg.latest);
    hosts = (Array.isArray(hs.items) ? hs.items : []).filter(isObj).sort((a, b) => String(a.name).localeCompare(String(b.name)));
    work = hasDraft() ? draft.policy : structuredClone(cfg.latest.policy);
    renderEditor();
    renderHostPicker();
    renderVersions();
    renderHostVersions();
  }

  // Host versions change as agents apply a push; refresh that part only.
  async function refreshHosts() {
    try {
      const [c, hs] = await Promise.all([get('/api/v1/config', { signal: controller.signal }), get('/api/v1/hosts', { signal: controller.signal })]);
      if (!alive) return;
      cfg.hosts_by_version = c.hosts_by_version;
      cfg.default_version = c.default_version;
      hosts = (Array.isArray(hs.items) ? hs.items : []).filter(isObj).sort((a, b) => String(a.name).localeCompare(String(b.name)));
      renderHostVersions();
      renderVersions();
    } catch {
      // The next round retries; a 401 already sent the user to login.
    }
    if (alive) refreshTimer = setTimeout(refreshHosts, hosts.some((x) => isObj(x.config) && x.config.pending) ? 1000 : 5000);
  }

  append(root, h('div', { class: 'settings-grid' },
    h('div', { class: 'settings-main' }, h('h1', null, 'Process Monitoring'), editor, versionsBox, hostsBox),
    savePanel));
  replace(editor, h('p', { class: 'loading' }, 'Loading…'));
  load().then(() => {
    if (alive) refreshTimer = setTimeout(refreshHosts, 2000);
  }).catch((e) => {
    if (!alive || e.name === 'AbortError') return;
    replace(editor, message('error', describe(e)));
  });

  const off = onDraftChange(() => { if (alive && cfg) renderDiff(); });
  return () => {
    alive = false;
    off();
    clearTimeout(refreshTimer);
    controller.abort();
  };
}
