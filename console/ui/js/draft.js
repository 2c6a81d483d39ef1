// SPDX-License-Identifier: GPL-2.0
// The unsaved Process Monitoring policy being edited. It lives outside the settings view so that a
// change proposed from an incident ("add to skip commands") and edits survive navigation and a
// re-login after the session expired; it is only sent when the operator saves it.

const listeners = new Set();

export const draft = {
  policy: null,      // the edited policy object, null when there is no draft
  baseVersion: null, // the latest version when editing started (sent as base_version)
  notes: [],         // human lines describing changes proposed from elsewhere (incident detail)
};

export function hasDraft() {
  return draft.policy !== null;
}

export function startDraft(policy, baseVersion) {
  draft.policy = structuredClone(policy);
  draft.baseVersion = baseVersion;
  draft.notes = [];
  changed();
}

export function discardDraft() {
  draft.policy = null;
  draft.baseVersion = null;
  draft.notes = [];
  changed();
}

export function changed() {
  for (const fn of listeners) fn();
}

export function onDraftChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// Adds a value to a skip list (global when ruleName is null) unless it is there already.
// Returns the note describing the change.
export function proposeSkip(kind, value, ruleName) {
  const policy = draft.policy;
  let target = null;
  let where = 'all rules (global skip)';
  if (ruleName) {
    const rule = (Array.isArray(policy.rules) ? policy.rules : []).find((r) => r && r.name === ruleName);
    if (rule) {
      rule.skip = rule.skip && typeof rule.skip === 'object' && !Array.isArray(rule.skip) ? rule.skip : {};
      target = rule.skip;
      where = `rule ${ruleName}`;
    } else {
      where = `all rules (global skip: the policy has no rule ${ruleName} any more)`;
    }
  }
  if (!target) {
    policy.skip = policy.skip && typeof policy.skip === 'object' && !Array.isArray(policy.skip) ? policy.skip : {};
    target = policy.skip;
  }
  if (!Array.isArray(target[kind])) target[kind] = [];
  const note = target[kind].includes(value)
    ? `${value} is already in skip ${kind} of ${where}.`
    : `Added ${value} to skip ${kind} of ${where}.`;
  if (!target[kind].includes(value)) target[kind].push(value);
  draft.notes.push(note);
  changed();
  return note;
}
