// SPDX-License-Identifier: GPL-2.0
// Start-up, hash routing, navigation and the session: every view is a module exporting
// render(container, ctx) that may return a cleanup function (timers, long polls).
import { h, replace, clear } from './dom.js';
import { get, post, setCsrfToken, setUnauthenticatedHandler, describe } from './api.js';
import { session, isAdmin } from './session.js';
import { hasDraft, onDraftChange } from './draft.js';
import * as login from './views/login.js';
import * as incidents from './views/incidents.js';
import * as incidentDetail from './views/incident_detail.js';
import * as hosts from './views/hosts.js';
import * as settings from './views/settings.js';
import * as audit from './views/audit.js';
import * as tokens from './views/tokens.js';
import * as users from './views/users.js';
import * as account from './views/account.js';

const ROUTES = [
  { re: /^\/incidents$/, view: incidents, nav: 'incidents', title: 'Runtime incidents' },
  { re: /^\/incidents\/(\d{1,19})$/, view: incidentDetail, nav: 'incidents', title: 'Incident' },
  { re: /^\/hosts$/, view: hosts, nav: 'hosts', title: 'Hosts' },
  { re: /^\/settings\/process-monitoring$/, view: settings, nav: 'settings', title: 'Process Monitoring' },
  { re: /^\/audit$/, view: audit, nav: 'audit', title: 'Audit log', admin: true },
  { re: /^\/tokens$/, view: tokens, nav: 'tokens', title: 'Tokens' },
  { re: /^\/users$/, view: users, nav: 'users', title: 'Users', admin: true },
  { re: /^\/account$/, view: account, nav: 'account', title: 'Account' },
];

const NAV = [
  ['incidents', '#/incidents', 'Incidents'],
  ['hosts', '#/hosts', 'Hosts'],
  ['settings', '#/settings/process-monitoring', 'Settings'],
  ['audit', '#/audit', 'Audit log', true],
  ['tokens', '#/tokens', 'Tokens'],
  ['users', '#/users', 'Users', true],
];

const main = document.getElementById('main');
const topbar = document.getElementById('topbar');
const nav = document.getElementById('nav');
const whoami = document.getElementById('whoami');
const banner = document.getElementById('banner');
let cleanup = null;
let loggedOutMessage = null;
let activeNav = null;

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/incidents';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  return { path, query };
}

export function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function stopView() {
  if (typeof cleanup === 'function') {
    try {
      cleanup();
    } catch (e) {
      console.error(e);
    }
  }
  cleanup = null;
}

function renderNav(active) {
  activeNav = active;
  clear(nav);
  const list = h('ul');
  for (const [key, href, label, adminOnly] of NAV) {
    if (adminOnly && !isAdmin()) continue;
    const text = key === 'settings' && hasDraft() ? `${label} •` : label;
    const a = h('a', { href, class: key === active ? 'active' : null }, text);
    if (key === active) a.setAttribute('aria-current', 'page');
    if (key === 'settings' && hasDraft()) a.title = 'Unsaved Process Monitoring changes';
    list.appendChild(h('li', null, a));
  }
  nav.appendChild(list);
  replace(whoami,
    h('a', { href: '#/account', title: 'Account and password' }, session.user.username),
    h('span', { class: 'role' }, session.user.role),
    h('button', { type: 'button', class: 'link', onclick: logout }, 'Log out'));
}

export function showBanner(kind, text) {
  if (!text) {
    banner.hidden = true;
    clear(banner);
    return;
  }
  banner.className = `banner banner-${kind}`;
  replace(banner, text);
  banner.hidden = false;
}

function route() {
  stopView();
  if (!session.user) {
    showLogin();
    return;
  }
  const { path, query } = parseHash();
  const match = ROUTES.map((r) => ({ r, m: r.re.exec(path) })).find((x) => x.m);
  topbar.hidden = false;
  if (!match || (match.r.admin && !isAdmin())) {
    renderNav(null);
    replace(main, h('h1', null, 'Not found'), h('p', null, 'No such page. ', h('a', { href: '#/incidents' }, 'Go to the incidents.')));
    return;
  }
  renderNav(match.r.nav);
  document.title = `${match.r.title} · procsentry console`;
  clear(main);
  const ctx = { params: match.m.slice(1), query, navigate, showBanner };
  try {
    cleanup = match.r.view.render(main, ctx) || null;
    // Keyboard and screen-reader users continue from the new view, not from a removed link.
    if (document.activeElement === document.body || !document.activeElement) main.focus({ preventScroll: true });
  } catch (e) {
    console.error(e);
    replace(main, h('div', { class: 'msg msg-error', role: 'alert' }, describe(e)));
  }
}

function showLogin() {
  topbar.hidden = true;
  document.title = 'Log in · procsentry console';
  clear(main);
  const msg = loggedOutMessage;
  loggedOutMessage = null;
  login.render(main, {
    message: msg,
    onLoggedIn(user, csrf) {
      session.user = user;
      setCsrfToken(csrf);
      showBanner(null);
      route();
    },
  });
}

async function logout() {
  stopView();
  try {
    await post('/api/v1/logout');
  } catch {
    // The session may be gone already; logging out locally is what matters.
  }
  session.user = null;
  setCsrfToken(null);
  loggedOutMessage = 'You are logged out.';
  showBanner(null);
  route();
}

setUnauthenticatedHandler(() => {
  if (!session.user) return;
  session.user = null;
  setCsrfToken(null);
  loggedOutMessage = 'Your session has expired. Log in again to continue where you were.';
  // Let the failing request's caller finish before the page changes.
  setTimeout(route, 0);
});

onDraftChange(() => {
  if (session.user && !topbar.hidden) renderNav(activeNav);
});

window.addEventListener('beforeunload', (event) => {
  if (hasDraft()) event.preventDefault();
});

window.addEventListener('hashchange', route);

async function start() {
  try {
    const me = await get('/api/v1/me', { auth: false });
    session.user = me.user;
    setCsrfToken(me.csrf_token);
  } catch (e) {
    session.user = null;
    if (e.status !== 401) loggedOutMessage = describe(e);
  }
  route();
}

start();
