// One iteration: live progress, metrics, training loss curve, evaluation, promotion, and its pairs and judgments.
import { get, query } from './api.js';
import { h, clear, table, notice, field, facts } from './dom.js';
import { pct, num, prob, short, loss, tokensPerSecond, seconds, when } from './format.js';
import { progressBlock, duration, watch, finished, EtaTracker } from './iteration-view.js';
import { lineChart } from './charts.js';

const STATES = ['', 'kept', 'discarded', 'selected', 'synthesized', 'annotated'];
const REASONS = ['', 'empty_output', 'same_instruction', 'identical_responses', 'no_correct_judgment', 'label_balance'];
const PAGE_SIZE = 20;
// The pair list's filters and page per iteration, kept while the console is open, so that opening a pair and coming back keeps them.
const lists = new Map();

export async function iterationPage(main, id, pairId) {
  const view = await get(`/iterations/${id}`);
  const header = h('section');
  const pairs = h('section', { 'aria-labelledby': 'pairs-title' });
  const detail = h('section#pair-detail', { 'aria-live': 'polite' });
  const eta = new EtaTracker();
  let stop = null;

  const renderHeader = async v => {
    const steps = v.loop?.training ? await get(`/iterations/${id}/training`) : [];
    clear(header,
      h('p', h('a', { href: '#/iterations' }, '← All iterations')),
      h('h1', `Iteration ${v.number}`),
      h('p', h('span.status.' + v.status, v.status), ` · stage ${v.stage} · queued ${when(v.createdAt)} · ${duration(v)}`),
      v.error ? notice('error', 'The iteration failed.', v.error) : null,
      h('div.card', progressBlock(v, finished(v.status) ? null : eta.eta(v))),
      parameters(v),
      candidate(v, steps));
  };
  await renderHeader(view);
  if (!finished(view.status)) stop = watch(id, v => { renderHeader(v); });

  const filters = {
    category: h('input', { type: 'text', name: 'category', placeholder: 'any' }),
    state: h('select', { name: 'state' }, STATES.map(s => h('option', { value: s }, s || 'any'))),
    reason: h('select', { name: 'reason' }, REASONS.map(r => h('option', { value: r }, r || 'any'))),
  };
  const results = h('div', { 'aria-live': 'polite' });
  const saved = lists.get(id) || { page: 1, category: '', state: '', reason: '' };
  let page = saved.page;
  for (const name of ['category', 'state', 'reason']) filters[name].value = saved[name];
  const load = async () => {
    lists.set(id, { page, category: filters.category.value, state: filters.state.value, reason: filters.reason.value });
    const list = await get(`/iterations/${id}/pairs${query({ page, pageSize: PAGE_SIZE, category: filters.category.value.trim(), state: filters.state.value, reason: filters.reason.value })}`);
    const pages = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
    clear(results,
      table(`Pairs ${list.total ? (page - 1) * PAGE_SIZE + 1 : 0}–${(page - 1) * PAGE_SIZE + list.items.length} of ${list.total}`, [
        { label: '#', numeric: true, cell: p => h('a', { href: `#/iterations/${id}/pairs/${p.id}`, 'data-pair': p.id }, String(p.ordinal + 1)) },
        { label: 'Category', cell: p => p.category || '–' },
        { label: 'Instruction x', cell: p => short(p.instruction, 90) },
        { label: 'Outcome', cell: p => p.discardReason ? `${p.state} (${p.discardReason})` : p.state },
        { label: 'Correct / judgments', numeric: true, cell: p => p.judgments === null ? '–' : `${p.correct} / ${p.judgments}` },
      ], list.items, notice('empty', 'No pairs match.', view.progress.selected === 0
        ? 'This iteration selected no instructions; see its error above.' : 'Clear the filters, or wait until the iteration has made pairs.')),
      h('nav.pager', { 'aria-label': 'Pair pages' },
        h('button', { type: 'button', disabled: page <= 1, onclick: () => { page--; load(); } }, '← Previous'),
        h('span', `Page ${page} of ${pages}`),
        h('button', { type: 'button', disabled: page >= pages, onclick: () => { page++; load(); } }, 'Next →')));
  };
  const filterForm = h('form.filters', { onsubmit: e => { e.preventDefault(); page = 1; load(); } },
    field('Category', filters.category), field('State', filters.state), field('Discard reason', filters.reason),
    h('button', { type: 'submit' }, 'Filter'));
  clear(pairs, h('h2#pairs-title', 'Pairs and judgments'), filterForm, results);
  await load();

  if (pairId !== null) {
    const pair = await get(`/iterations/${id}/pairs/${pairId}`);
    clear(detail, pairDetail(id, pair));
  }
  clear(main, header, detail, pairs);
  if (pairId !== null) detail.querySelector('h2')?.focus();
  return () => stop && stop();
}

function parameters(v) {
  const p = v.parameters;
  return h('details.card', h('summary', 'Parameters'),
    facts([
      ['Instructions', num(p.instructions)],
      ['Categories', p.categories.join(', ')],
      ['Judgments per pair', num(p.judgmentsPerPair)],
      ['Temperature', String(p.temperature)],
      ['Train', p.train ? `yes, on ${p.data} data` : 'no (dataset only)'],
      ['Seed', String(p.seed)],
    ]));
}

function candidate(v, steps) {
  const loop = v.loop;
  if (!loop) return null;
  const t = loop.training, e = loop.evaluation, pr = loop.promotion;
  const score = s => s ? `${pct(s.accuracy)} (${num(s.correct)}/${num(s.judgments)})` : '–';
  const evalRows = e ? [['held-out', e.heldOut], ['labeled', e.labeled]].filter(([, set]) => set) : [];
  return h('section.card',
    h('h2', 'Candidate adapter'),
    t ? facts([
      ['Examples', `${num(t.examples)} (${t.data} data)`],
      ['Steps', `${num(t.step)} / ${num(t.totalSteps)}`],
      ['Loss', `${loss(t.initialLoss)} → ${loss(t.loss)}`],
      ['Speed', tokensPerSecond(t.tokensPerSecond)],
      ['Training time', seconds(t.elapsedSeconds)],
      ['Adapter', t.adapterId || 'training…'],
    ]) : null,
    steps.length ? lineChart({
      title: 'Training loss per step', xLabel: 'step', yLabel: 'loss (nats/token)', yFormat: y => y.toFixed(2),
      series: [{ name: 'loss', points: steps.map(s => ({ x: s.step, y: s.loss })) }],
    }) : null,
    evalRows.length ? table(`Evaluation (${e.mode} mode, both orders per pair)`, [
      { label: 'Set', cell: r => `${r[0]} (${num(r[1].pairs)} pairs)` },
      { label: 'Base', numeric: true, cell: r => score(r[1].base) },
      { label: `Active (${e.activeAdapterId || 'none'})`, numeric: true, cell: r => score(r[1].active) },
      { label: 'Candidate', numeric: true, cell: r => score(r[1].candidate) },
    ], evalRows) : null,
    pr ? notice(pr.promoted ? 'ok' : 'empty', pr.promoted ? `Promoted: ${pr.adapterId} serves.` : 'Not promoted.', pr.reason) : null);
}

function text(label, value) {
  return h('div.text-block', h('h3', label), h('pre.text', value ?? '–'));
}

function pairDetail(id, { pair, judgments }) {
  return h('div.card.pair',
    h('h2', { tabindex: -1 }, `Pair ${pair.ordinal + 1}`),
    h('p', `${pair.category || 'no category'} · ${pair.state}${pair.discardReason ? ` (${pair.discardReason})` : ''}`,
      pair.label ? ` · y_w shown as ${pair.label} in the kept judgment` : '', ' · ', h('a', { href: `#/iterations/${id}` }, 'close')),
    h('div.two', text('Instruction x', pair.instruction), text("Modified instruction x′", pair.modifiedInstruction)),
    h('div.two', text('y_w: answer to x (better)', pair.chosen), text('y_l: answer to x′ (worse for x)', pair.rejected)),
    table(`${judgments.length} judgments`, [
      { label: 'Sample', numeric: true, cell: j => String(j.sample) },
      { label: 'y_w shown as', cell: j => j.chosenPosition },
      { label: 'Verdict', cell: j => j.winner || 'none' },
      { label: 'P(A)', numeric: true, cell: j => prob(j.probabilityA) },
      { label: 'Correct', cell: j => j.correct ? 'yes' : 'no' },
      { label: 'Outcome', cell: j => h('span.outcome' + (j.outcome === 'kept' ? '.kept' : ''), j.outcome) },
      { label: 'Reasoning', cell: j => h('details', h('summary', short(j.reasoning, 60) || '(empty)'), h('pre.text', j.reasoning)) },
    ], judgments, notice('empty', 'No judgments.', 'This pair was not judged: it was discarded before annotation, or annotation has not reached it yet.')));
}
