// SPDX-License-Identifier: GPL-2.0
// Times and small values as the tables show them.
import { h } from './dom.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
export const RULE_TYPES = ['bin-execution', 'root-escalation', 'termination-failure'];
export const STATUSES = ['open', 'acknowledged', 'false_positive'];
export const STATUS_LABELS = { open: 'open', acknowledged: 'acknowledged', false_positive: 'false positive' };

// RFC 3339 with nanoseconds: Date keeps milliseconds, so the rest is dropped before parsing.
export function parseTime(value) {
  if (typeof value !== 'string') return null;
  const d = new Date(value.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(d.getTime()) ? null : d;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

export function formatTime(value) {
  const d = parseTime(value);
  if (!d) return value == null ? '–' : String(value);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function relativeTime(value, now = Date.now()) {
  const d = parseTime(value);
  if (!d) return 'never';
  const s = Math.round((now - d.getTime()) / 1000);
  if (s < 0) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

// A <time> element: local time shown, the exact value as tooltip.
export function timeEl(value, relative = false) {
  if (!value) return h('span', { class: 'muted' }, '–');
  const attrs = { title: String(value).slice(0, 64) };
  if (parseTime(value)) attrs.datetime = String(value).slice(0, 64);
  return h('time', attrs, relative ? relativeTime(value) : formatTime(value));
}

export function severityBadge(severity) {
  const known = SEVERITIES.includes(severity) || severity === 'none';
  return h('span', { class: ['sev', known ? `sev-${severity}` : 'sev-unknown'] }, known ? severity : String(severity ?? '–').slice(0, 20));
}

export function statusBadge(status) {
  const known = STATUSES.includes(status);
  return h('span', { class: ['status', known ? `status-${status}` : ''] }, known ? STATUS_LABELS[status] : String(status ?? '–').slice(0, 20));
}

// datetime-local value (local time) → RFC 3339 UTC, and back.
export function localInputToRfc3339(value) {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

export function rfc3339ToLocalInput(value) {
  const d = parseTime(value);
  if (!d) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function dirname(path) {
  if (typeof path !== 'string' || !path.startsWith('/')) return null;
  const i = path.lastIndexOf('/');
  if (i <= 0) return null; // "/x": its directory is "/", which a skip may not name
  return path.slice(0, i);
}
