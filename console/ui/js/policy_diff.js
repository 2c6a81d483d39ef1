// SPDX-License-Identifier: GPL-2.0
// The differences between two policies, as lines an operator reviews before pushing.
const isObj = (v) => v !== null && typeof v === 'object';

function keyPath(base, key) {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base ? `${base}.${key}` : key;
}

// → [{op: '+'|'-'|'~', path, before, after}]
export function diffPolicy(before, after, path = '', out = []) {
  if (out.length > 500) return out;
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i += 1) {
      if (i >= before.length) out.push({ op: '+', path: keyPath(path, i), after: after[i] });
      else if (i >= after.length) out.push({ op: '-', path: keyPath(path, i), before: before[i] });
      else diffPolicy(before[i], after[i], keyPath(path, i), out);
    }
    return out;
  }
  if (isObj(before) && isObj(after) && !Array.isArray(before) && !Array.isArray(after)) {
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (!(k in after)) out.push({ op: '-', path: keyPath(path, k), before: before[k] });
      else if (!(k in before)) out.push({ op: '+', path: keyPath(path, k), after: after[k] });
      else diffPolicy(before[k], after[k], keyPath(path, k), out);
    }
    return out;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ op: '~', path, before, after });
  return out;
}
