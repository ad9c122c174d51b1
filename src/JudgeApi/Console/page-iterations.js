// Iterations: the table, the live progress of the running one, start and cancel.
import { get, post, ApiError } from './api.js';
import { h, clear, table, notice, field, toast, confirmDialog, keepFocus } from './dom.js';
import { pct, num } from './format.js';
import { progressBlock, duration, watch, finished, EtaTracker } from './iteration-view.js';

export async function iterationsPage(main) {
  const [iterations, pool] = await Promise.all([get('/iterations'), get('/instructions/stats')]);
  const live = h('section#live', { 'aria-live': 'polite', 'aria-label': 'Running iteration' });
  const list = h('section', { 'aria-label': 'All iterations' });
  const formStatus = h('div', { 'aria-live': 'polite' });
  const views = new Map(iterations.map(v => [v.id, v]));
  const closers = [];
  const eta = new EtaTracker();

  const render = () => keepFocus(main, () => {
    const all = [...views.values()].sort((a, b) => b.number - a.number);
    const running = all.find(v => v.status === 'running') || all.find(v => v.status === 'queued');
    clear(live, running ? h('div.card',
      h('h2', `Iteration ${running.number}: ${running.status}, stage ${running.stage}`),
      progressBlock(running, eta.eta(running)),
      h('div.actions', h('a.button', { href: `#/iterations/${running.id}` }, 'Open'), cancelButton(running))) : null);
    clear(list, table('Iterations, newest first', [
      { label: 'No.', cell: v => h('a', { href: `#/iterations/${v.id}` }, `Iteration ${v.number}`) },
      { label: 'Status', cell: v => h('span.status.' + v.status, v.status) },
      { label: 'Stage', cell: v => v.stage },
      { label: 'Pairs', numeric: true, cell: v => num(v.progress.pairs) },
      { label: 'Kept', numeric: true, cell: v => num(v.progress.kept) },
      { label: 'Self-accuracy', numeric: true, cell: v => pct(v.metrics.selfAccuracy) },
      { label: 'Held-out acc. (candidate)', numeric: true, cell: v => pct(v.loop?.evaluation?.heldOut?.candidate?.accuracy) },
      { label: 'Labeled acc. (candidate)', numeric: true, cell: v => pct(v.loop?.evaluation?.labeled?.candidate?.accuracy) },
      { label: 'Promoted', cell: v => v.loop?.promotion ? (v.loop.promotion.promoted ? 'yes' : 'no') : '–' },
      { label: 'Duration', numeric: true, cell: v => duration(v) },
      { label: '', cell: v => cancelButton(v) },
    ], all, notice('empty', 'No iterations yet.',
      pool.total === 0 ? ['The pool is empty: ', h('a', { href: '#/pool' }, 'import instructions'), ' first, then start an iteration below.']
        : `The pool holds ${num(pool.total)} instructions: start the first iteration below.`)));
  });

  const follow = view => {
    if (finished(view.status)) return;
    closers.push(watch(view.id, next => {
      views.set(next.id, next);
      render();
      if (finished(next.status)) toast(`Iteration ${next.number} ${next.status}.`);
    }));
  };

  function cancelButton(view) {
    if (finished(view.status)) return null;
    return h('button.danger', {
      type: 'button',
      'data-key': 'cancel-' + view.id,
      onclick: async () => {
        if (await confirmDialog(`Cancel iteration ${view.number}?`, 'It stops at the next item boundary; what it recorded stays.', { confirm: 'Cancel iteration', danger: true }) === null) return;
        try {
          views.set(view.id, await post(`/iterations/${view.id}/cancel`));
          render();
          toast(`Iteration ${view.number}: cancel requested.`);
        } catch (error) { toast(error.message); }
      },
    }, 'Cancel');
  }

  const inputs = {
    instructions: h('input', { type: 'number', name: 'instructions', min: 1, max: 100000, value: 20, required: true }),
    judgmentsPerPair: h('input', { type: 'number', name: 'judgmentsPerPair', min: 1, max: 64, value: 4, required: true }),
    temperature: h('input', { type: 'number', name: 'temperature', min: 0, max: 2, step: 0.05, value: 0.8, required: true }),
    categories: h('input', { type: 'text', name: 'categories', placeholder: 'all configured', value: '' }),
    seed: h('input', { type: 'number', name: 'seed', min: 0, step: 1, placeholder: 'random' }),
    data: h('select', { name: 'data' }, h('option', { value: 'iteration' }, "This iteration's examples"), h('option', { value: 'cumulative' }, 'Every kept example so far')),
    train: h('input', { type: 'checkbox', name: 'train', checked: true }),
    includeUsed: h('input', { type: 'checkbox', name: 'includeUsedInstructions' }),
  };
  const form = h('form.card.start', {
    onsubmit: async event => {
      event.preventDefault();
      const body = {
        instructions: Number(inputs.instructions.value),
        judgmentsPerPair: Number(inputs.judgmentsPerPair.value),
        temperature: Number(inputs.temperature.value),
        train: inputs.train.checked,
        includeUsedInstructions: inputs.includeUsed.checked,
        data: inputs.data.value,
      };
      const categories = inputs.categories.value.split(',').map(c => c.trim()).filter(Boolean);
      if (categories.length) body.categories = categories;
      if (inputs.seed.value !== '') body.seed = Number(inputs.seed.value);
      try {
        const queued = await post('/iterations', body);
        const view = await get(`/iterations/${queued.id}`);
        views.set(view.id, view);
        clear(formStatus);
        render();
        follow(view);
        toast(`Iteration ${view.number} queued.`);
      } catch (error) {
        clear(formStatus, notice('error', error.message, error instanceof ApiError && error.lines.length ? h('ul', error.lines.map(l => h('li', l))) : null));
      }
    },
  },
  h('h2', 'Start an iteration'),
  h('div.grid',
    field('Instructions to select', inputs.instructions, 'count, spread over the categories'),
    field('Judgments per pair (N)', inputs.judgmentsPerPair, 'samples per pair, 1–64'),
    field('Judge temperature', inputs.temperature, '0–2'),
    field('Categories', inputs.categories, 'comma-separated; empty: all configured'),
    field('Seed', inputs.seed, 'empty: drawn and stored'),
    field('Train on', inputs.data)),
  h('div.checks',
    h('label', inputs.train, ' Train, evaluate and promote an adapter'),
    h('label', inputs.includeUsed, ' Also select instructions earlier iterations used')),
  formStatus,
  h('button.primary', { type: 'submit' }, 'Start iteration'));

  clear(main, h('h1', 'Iterations'), live, list, form);
  render();
  iterations.forEach(follow);
  return () => closers.forEach(close => close());
}
