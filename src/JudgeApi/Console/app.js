// The shell: session (sign-in, sign-out), the hash router and the page lifecycle.
import { api, get, post, setSession, ApiError } from './api.js';
import { h, clear, notice, field } from './dom.js';
import { iterationsPage } from './page-iterations.js';
import { iterationPage } from './page-iteration.js';
import { plotsPage } from './page-plots.js';
import { adaptersPage } from './page-adapters.js';
import { playgroundPage } from './page-playground.js';
import { poolPage } from './page-pool.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
let cleanup = null;
let session = null;
// Bumped by every navigation and by sign-out: a page still loading for an older one is dropped, not shown.
let shownRoute = 0;

const routes = [
  [/^#\/iterations\/([0-9a-f]+)(?:\/pairs\/(\d+))?$/, (view, m) => iterationPage(view, m[1], m[2] ? Number(m[2]) : null), 'iterations'],
  [/^#\/plots$/, view => plotsPage(view), 'plots'],
  [/^#\/adapters$/, view => adaptersPage(view), 'adapters'],
  [/^#\/playground$/, view => playgroundPage(view), 'playground'],
  [/^#\/pool$/, view => poolPage(view), 'pool'],
  [/^(#\/iterations)?$/, view => iterationsPage(view), 'iterations'],
];

async function route() {
  if (cleanup) { cleanup(); cleanup = null; }
  const ticket = ++shownRoute;
  if (!session) return;
  const hash = location.hash === '#' ? '' : location.hash;
  const found = routes.find(([pattern]) => pattern.test(hash));
  for (const link of nav.querySelectorAll('a')) {
    if (found && link.dataset.page === found[2]) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  if (!found) {
    clear(main, notice('error', 'There is no such page.', 'Pick a page from the menu above.'));
    return;
  }
  // The page renders into a view of its own: a navigation or sign-out meanwhile replaces it in main, so a page that
  // finishes loading late renders where nobody sees it.
  const view = h('div.page', h('p.muted', 'Loading…'));
  clear(main, view);
  try {
    const close = await found[1](view, found[0].exec(hash)) || null;
    if (ticket !== shownRoute) { close?.(); return; }
    cleanup = close;
  } catch (error) {
    if (ticket === shownRoute) clear(view, failure(error));
  }
  document.title = `${main.querySelector('h1')?.textContent || 'Console'} · JudgeApi`;
}

/** An error state that says what to do next. */
export function failure(error) {
  if (error instanceof ApiError && error.status === 503)
    return notice('error', 'The judge model is not ready yet.', 'It is loading; this page works again in a few seconds (reload it).');
  if (error instanceof ApiError)
    return notice('error', error.title || `The service answered ${error.status}.`, error.message,
      error.lines.length ? h('ul', error.lines.map(line => h('li', line))) : null);
  return notice('error', 'The service could not be reached.', 'Check that it is running, then reload this page. ', String(error.message || error));
}

function signedOut() {
  shownRoute++;
  session = null;
  setSession(null);
  nav.hidden = true;
  clear(who);
  if (cleanup) { cleanup(); cleanup = null; }
  showSignIn();
}

function showSignIn(message) {
  const key = h('input', { type: 'password', name: 'key', autocomplete: 'current-password', required: true, spellcheck: 'false' });
  const status = h('div', { 'aria-live': 'polite' }, message ? notice('error', message) : null);
  const form = h('form.card.sign-in', {
    onsubmit: async event => {
      event.preventDefault();
      try {
        startSession(await api('POST', '/session', { key: key.value }));
      } catch (error) {
        clear(status, notice('error', error instanceof ApiError ? error.message : 'The service could not be reached.',
          error instanceof ApiError && error.status === 403 ? 'Use a key from Auth:OperatorKeys.' : 'Check the key and try again.'));
        key.select();
      }
    },
  },
  h('h1', 'Sign in'),
  h('p', 'Sign in with an operator key (Auth:OperatorKeys). The console keeps a session cookie until it expires or you sign out; the key itself is not stored in the browser.'),
  field('Operator key', key),
  status,
  h('button.primary', { type: 'submit' }, 'Sign in'));
  clear(main, form);
  document.title = 'Sign in · JudgeApi';
  key.focus();
}

function startSession(view) {
  session = view;
  setSession(view, signedOut);
  nav.hidden = false;
  const until = view.expiresAt ? ` until ${new Date(view.expiresAt).toLocaleTimeString('en-GB', { timeStyle: 'short' })}` : '';
  clear(who,
    h('span', { title: view.via === 'loopback' ? 'No keys are configured: the service listens on loopback only.' : null },
      view.via === 'loopback' ? 'loopback (no keys configured)' : `Signed in as ${view.name}${until}`),
    view.via === 'session' ? h('button.link', {
      type: 'button',
      onclick: async () => { await post('/session/sign-out'); signedOut(); },
    }, 'Sign out') : null);
  route();
}

window.addEventListener('hashchange', route);
get('/session').then(view => view.role === 'operator' ? startSession(view) : signedOut(), error => clear(main, failure(error)));
