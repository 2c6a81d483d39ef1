// SPDX-License-Identifier: GPL-2.0
// API tokens (everyone: their own; admin: all) and enrolment tokens (admin).
import { h, append } from '../dom.js';
import { isAdmin } from '../session.js';
import { tokenTable } from './token_table.js';

export function render(container) {
  const controller = new AbortController();
  append(container, h('div', { class: 'view-head' }, h('h1', null, 'Tokens')),
    tokenTable({ title: 'API tokens', path: '/api/v1/api-tokens', id: 'api-tokens', showUser: isAdmin(), signal: controller.signal,
      intro: 'A token acts as the user who created it, with that user\'s role: send it as "Authorization: Bearer pst_…".' }),
    isAdmin() ? tokenTable({ title: 'Enrolment tokens', path: '/api/v1/enrollment-tokens', id: 'enrollment-tokens', withMaxUses: true,
      signal: controller.signal,
      intro: 'An agent enrols once with an enrolment token (console.enrollment_token_file in procsentry.json) and then uses its own agent token.' }) : null);
  return () => controller.abort();
}
