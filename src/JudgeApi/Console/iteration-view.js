// Pieces of an iteration shared by the list and the detail page: the stage timeline, live progress and its ETA.
import { h, facts } from './dom.js';
import { pct, num, seconds, tokensPerSecond, loss } from './format.js';

export const STAGES = ['classify', 'select', 'synthesize', 'annotate', 'dataset', 'train', 'evaluate', 'promote'];
export const finished = status => status === 'succeeded' || status === 'failed' || status === 'canceled';

export function stagesOf(view) {
  return view.parameters && view.parameters.train === false ? STAGES.slice(0, 5) : STAGES;
}

/** The stages as an ordered list: done, current (with aria-current) and to come. */
export function timeline(view) {
  const stages = stagesOf(view);
  const at = view.stage === 'done' ? stages.length : view.stage === 'pending' ? -1 : stages.indexOf(view.stage);
  return h('ol.timeline', { 'aria-label': 'Stages' }, stages.map((stage, i) => {
    const state = i < at ? 'done' : i === at ? (finished(view.status) ? view.status : 'current') : 'todo';
    return h('li.' + state, { 'aria-current': state === 'current' ? 'step' : null, title: `${stage}: ${state}` }, stage);
  }));
}

/** Items done and to do in the current stage, when the stage has a count. */
export function stageWork(view) {
  const p = view.progress, t = view.loop && view.loop.training;
  switch (view.stage) {
    case 'synthesize': return { done: p.pairs, total: p.selected, unit: 'pairs made' };
    case 'annotate': return { done: p.kept + p.discarded, total: p.selected, unit: 'pairs judged' };
    case 'train': return t ? { done: t.step, total: t.totalSteps, unit: 'steps', eta: t.etaSeconds } : null;
    default: return null;
  }
}

/**
 * Tracks the rate of the current stage from the events this page has seen, for an ETA where the server gives none.
 * The estimate says so.
 */
export class EtaTracker {
  constructor() { this.stage = null; }

  eta(view) {
    const work = stageWork(view);
    if (!work || !work.total) return null;
    if (work.eta !== undefined) return { seconds: work.eta, source: 'from training speed' };
    const now = performance.now();
    if (this.stage !== view.stage) { this.stage = view.stage; this.start = { t: now, done: work.done }; return null; }
    const rate = (work.done - this.start.done) / ((now - this.start.t) / 1000);
    if (!(rate > 0)) return null;
    return { seconds: (work.total - work.done) / rate, source: 'from the rate since this page opened' };
  }
}

export function progressBlock(view, eta) {
  const p = view.progress, work = stageWork(view);
  const t = view.loop && view.loop.training;
  return h('div.progress-block',
    timeline(view),
    work ? h('div.bar-line',
      h('progress', { max: Math.max(1, work.total), value: work.done, 'aria-label': `${view.stage} progress` }),
      h('span', `${num(work.done)} / ${num(work.total)} ${work.unit}`),
      eta ? h('span.muted', ` · ETA ${seconds(eta.seconds)} (${eta.source})`) : null) : null,
    facts([
      ['Selected', `${num(p.selected)} instructions`],
      ['Pairs', num(p.pairs)],
      ['Judgments', num(p.judgments)],
      ['Kept', num(p.kept)],
      ['Discarded', num(p.discarded)],
      ['Self-accuracy', pct(view.metrics.selfAccuracy)],
      t && ['Training loss', loss(t.loss)],
      t && ['Training speed', tokensPerSecond(t.tokensPerSecond)],
    ]));
}

/** The wall time from queueing to the last change (to now while it runs). */
export function duration(view) {
  const end = finished(view.status) ? new Date(view.updatedAt) : new Date();
  return seconds((end - new Date(view.createdAt)) / 1000);
}

/** Opens the event stream of a running iteration; onView gets every state, and the stream is closed once it finishes. */
export function watch(id, onView) {
  const source = new EventSource(`/iterations/${id}/events`, { withCredentials: true });
  const handle = event => {
    const view = JSON.parse(event.data);
    onView(view);
    if (finished(view.status)) source.close();
  };
  for (const type of ['snapshot', 'status', 'stage', 'progress']) source.addEventListener(type, handle);
  return () => source.close();
}
