// Plots across iterations: self-accuracy, held-out and labeled accuracy (base, active, candidate; per subset), kept
// rate and discard reasons, the training loss curves and training speed.
import { get } from './api.js';
import { h, clear, notice } from './dom.js';
import { pct, num } from './format.js';
import { lineChart, stackedBars } from './charts.js';

const share = y => `${Math.round(y * 100)} %`;

export async function plotsPage(main) {
  const iterations = (await get('/iterations')).sort((a, b) => a.number - b.number);
  if (!iterations.length) {
    clear(main, h('h1', 'Plots'), notice('empty', 'Nothing to plot yet.', 'Plots appear once an iteration has run: ', h('a', { href: '#/iterations' }, 'start one'), '.'));
    return;
  }
  const point = f => iterations.map(v => ({ x: v.number, y: f(v) ?? null }));
  const perIteration = { xLabel: 'iteration', xFormat: n => `#${n}` };
  const accuracy = (set, title) => {
    const has = iterations.some(v => v.loop?.evaluation?.[set]);
    if (!has) return null;
    return lineChart({
      ...perIteration, title, yLabel: 'accuracy', yFormat: share, yMin: 0, yMax: 1,
      series: ['base', 'active', 'candidate'].map(w => ({ name: w, points: point(v => v.loop?.evaluation?.[set]?.[w]?.accuracy) })),
    });
  };
  const subsets = [...new Set(iterations.flatMap(v => Object.keys(v.loop?.evaluation?.labeled?.candidate?.subsets || {})))];
  const reasons = [...new Set(iterations.flatMap(v => Object.keys(v.metrics.discardReasons)))].sort();
  const trained = iterations.filter(v => v.loop?.training?.adapterId);
  const steps = await Promise.all(trained.map(v => get(`/iterations/${v.id}/training`)));

  const charts = [
    lineChart({ ...perIteration, title: 'Self-accuracy (judgments that pick y_w)', yLabel: 'self-accuracy', yFormat: share, yMin: 0, yMax: 1,
      series: [{ name: 'self-accuracy', points: point(v => v.metrics.selfAccuracy) }] }),
    accuracy('heldOut', 'Held-out accuracy'),
    accuracy('labeled', 'Labeled-set accuracy'),
    subsets.length ? lineChart({ ...perIteration, title: 'Labeled-set accuracy of the candidate, per subset', yLabel: 'accuracy', yFormat: share, yMin: 0, yMax: 1,
      series: subsets.map(s => ({ name: s, points: point(v => v.loop?.evaluation?.labeled?.candidate?.subsets?.[s]?.accuracy) })) }) : null,
    lineChart({ ...perIteration, title: 'Kept rate (kept pairs over pairs made)', yLabel: 'kept rate', yFormat: share, yMin: 0, yMax: 1,
      series: [{ name: 'kept rate', points: point(v => v.metrics.keptRate) }] }),
    reasons.length ? stackedBars({ title: 'Discarded pairs by reason', xLabel: 'iteration', yLabel: 'pairs', yFormat: y => num(y),
      categories: iterations.map(v => ({ x: v.number, label: `#${v.number}` })),
      stacks: reasons.map(r => ({ name: r, values: Object.fromEntries(iterations.map(v => [v.number, v.metrics.discardReasons[r] || 0])) })) }) : null,
    steps.some(s => s.length) ? lineChart({ title: 'Training loss per step', xLabel: 'step', yLabel: 'loss (nats/token)', yFormat: y => y.toFixed(2),
      series: trained.map((v, i) => ({ name: `iteration ${v.number}`, points: steps[i].map(s => ({ x: s.step, y: s.loss })) })) }) : null,
    trained.length ? lineChart({ ...perIteration, title: 'Training speed', yLabel: 'tokens/s', yFormat: y => num(y), yMin: 0,
      series: [{ name: 'tokens/s', points: trained.map(v => ({ x: v.number, y: v.loop.training.tokensPerSecond })) }] }) : null,
  ].filter(Boolean);

  clear(main, h('h1', 'Plots'),
    h('p.muted', `${iterations.length} iterations. Accuracy is over both orders of every evaluation pair; self-accuracy is the share of an iteration's own judgments that pick y_w (${pct(null)} where not measured).`),
    trained.length ? null : notice('empty', 'No training curves yet.', 'They appear once an iteration trains an adapter (start one with “Train” ticked).'),
    h('div.charts', charts));
}
