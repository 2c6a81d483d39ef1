// SPDX-License-Identifier: GPL-2.0
// The only way this UI builds DOM. Data (alert fields come from hostile processes) only ever
// becomes text nodes or attribute values; nothing is parsed as HTML, so no innerHTML anywhere.

const FORBIDDEN_ATTRS = new Set(['style', 'srcdoc', 'innerhtml', 'outerhtml']);

// h('tag', {attrs}, ...children). Attributes: `class`, `for`, `on<event>` (a function),
// `dataset` keys as `data-*`, booleans (`disabled`, `checked`, `hidden`, ...) as properties.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      const lower = name.toLowerCase();
      if (FORBIDDEN_ATTRS.has(lower)) throw new Error(`attribute ${name} is not allowed`);
      if (lower.startsWith('on')) {
        if (typeof value !== 'function') throw new Error(`${name} must be a function`);
        el.addEventListener(lower.slice(2), value);
      } else if (name === 'class') {
        el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
      } else if (name === 'value' || name === 'checked' || name === 'selected' || name === 'indeterminate') {
        el[name] = value;
      } else if (value === true) {
        el.setAttribute(name, '');
      } else {
        el.setAttribute(name, String(value));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(el, ...children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function replace(el, ...children) {
  clear(el);
  return append(el, children);
}

// Characters that change how surrounding text is shown without being visible themselves:
// C0/C1 controls, bidirectional overrides and isolates, zero-width characters, line/paragraph
// separators, BOM. A hostile process name could otherwise reorder or hide what an operator reads
// (`/tmp/\u202Etxt.exe`), so they are shown as \u{XXXX}.
const INVISIBLE = /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/g;
const INVISIBLE_KEEP_NL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/g;

function escapeChar(c) {
  return '\\u{' + c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0') + '}';
}

export function visible(value) {
  if (value === null || value === undefined) return '';
  return String(value).replace(INVISIBLE, escapeChar);
}

// For multi-line text we produced ourselves (pretty JSON): keeps the newlines.
export function visibleMultiline(value) {
  return String(value).replace(INVISIBLE_KEEP_NL, escapeChar);
}

// Cuts for display (tables); the full value is in the detail view. Never splits a surrogate pair.
export function cut(value, max) {
  const s = visible(value);
  if (s.length <= max) return s;
  let end = max;
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return s.slice(0, end) + '…';
}

// A table cell or span holding untrusted text: cut, with the (bounded) full value as tooltip.
export function dataText(value, max = 120, tag = 'span') {
  if (value === null || value === undefined || value === '') return h(tag, { class: 'muted' }, '–');
  const shown = cut(value, max);
  const attrs = { class: 'data' };
  if (shown !== visible(value)) attrs.title = cut(value, 2000);
  return h(tag, attrs, shown);
}

let uid = 0;
export function nextId(prefix = 'f') {
  uid += 1;
  return `${prefix}-${uid}`;
}

// A labelled form field: label + control (+ optional hint). Returns the wrapper.
export function field(labelText, control, hint) {
  if (!control.id) control.id = nextId();
  const wrap = h('div', { class: 'field' }, h('label', { for: control.id }, labelText), control);
  if (hint) {
    const hintEl = h('div', { class: 'hint', id: nextId('hint') }, hint);
    control.setAttribute('aria-describedby', hintEl.id);
    wrap.appendChild(hintEl);
  }
  return wrap;
}

export function select(options, value, attrs = {}) {
  const el = h('select', attrs);
  for (const opt of options) {
    const [v, label] = Array.isArray(opt) ? opt : [opt, opt];
    el.appendChild(h('option', { value: v }, label));
  }
  el.value = value ?? '';
  return el;
}

export function message(kind, text) {
  return h('div', { class: `msg msg-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}
