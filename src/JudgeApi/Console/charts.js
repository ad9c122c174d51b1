// Small SVG charts drawn here (no library): lines over iterations or steps, and stacked bars. Each chart is a figure
// with a title, labelled axes with units, a legend, a tooltip per point, and its numbers in a table for screen readers.
import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0a7ea4', '#57606a'];
const W = 560, H = 260, M = { left: 56, right: 12, top: 12, bottom: 40 };

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function ticks(min, max, count = 5) {
  if (min === max) { min -= 1; max += 1; }
  const step = Math.pow(10, Math.floor(Math.log10((max - min) / count)));
  const nice = [1, 2, 2.5, 5, 10].map(f => f * step).find(st => (max - min) / st <= count) || step * 10;
  const out = [];
  for (let v = Math.ceil(min / nice) * nice; v <= max + nice * 1e-9; v += nice) out.push(Number(v.toFixed(10)));
  return out;
}

function figure(title, summary, svg, legend, dataTable) {
  return h('figure.chart', h('figcaption', title), svg, legend, h('details', h('summary', 'Numbers'), dataTable));
}

function legendOf(series) {
  return h('ul.legend', series.map((sr, i) => h('li', h('span.swatch.c' + (i % COLORS.length)), sr.name)));
}

/**
 * Lines: series [{name, points: [{x, y}]}] (y null = missing); x numeric. yFormat formats a value with its unit.
 */
export function lineChart({ title, series, xLabel, yLabel, yFormat, xFormat = String, yMin, yMax, integerX = true }) {
  const all = series.flatMap(sr => sr.points).filter(p => p.y !== null && p.y !== undefined && isFinite(p.y));
  const xs = all.map(p => p.x), ys = all.map(p => p.y);
  const x0 = Math.min(...xs), x1 = Math.max(...xs);
  const y0 = yMin ?? Math.min(...ys), y1 = yMax ?? Math.max(...ys);
  const yTicks = ticks(y0, y1);
  const lo = Math.min(y0, yTicks[0]), hi = Math.max(y1, yTicks[yTicks.length - 1]);
  const X = x => M.left + (x1 === x0 ? (W - M.left - M.right) / 2 : (x - x0) / (x1 - x0) * (W - M.left - M.right));
  const Y = y => H - M.bottom - (hi === lo ? 0.5 : (y - lo) / (hi - lo)) * (H - M.top - M.bottom);
  const xTicks = integerX ? ticks(x0, x1, 8).filter(v => Number.isInteger(v) && v >= x0 && v <= x1) : ticks(x0, x1, 6);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title}: ${yLabel} by ${xLabel}`, class: 'plot' },
    ...yTicks.map(v => s('g', {}, s('line', { x1: M.left, x2: W - M.right, y1: Y(v), y2: Y(v), class: 'grid' }),
      s('text', { x: M.left - 6, y: Y(v) + 4, class: 'tick', 'text-anchor': 'end' }, yFormat(v)))),
    ...xTicks.map(v => s('text', { x: X(v), y: H - M.bottom + 16, class: 'tick', 'text-anchor': 'middle' }, xFormat(v))),
    s('line', { x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom, class: 'axis' }),
    s('text', { x: (M.left + W - M.right) / 2, y: H - 6, class: 'label', 'text-anchor': 'middle' }, xLabel),
    s('text', { x: 12, y: (M.top + H - M.bottom) / 2, class: 'label', 'text-anchor': 'middle', transform: `rotate(-90 12 ${(M.top + H - M.bottom) / 2})` }, yLabel),
    ...series.map((sr, i) => {
      const pts = sr.points.filter(p => p.y !== null && p.y !== undefined && isFinite(p.y));
      return s('g', { class: `series c${i % COLORS.length}`, 'data-series': sr.name, 'data-points': pts.length },
        pts.length > 1 ? s('polyline', { points: pts.map(p => `${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join(' ') }) : s('g'),
        ...(pts.length <= 60 ? pts : []).map(p => s('circle', { cx: X(p.x), cy: Y(p.y), r: 3.5 },
          s('title', {}, `${sr.name}, ${xLabel} ${xFormat(p.x)}: ${yFormat(p.y)}`))));
    }));
  const xValues = [...new Set(xs)].sort((a, b) => a - b);
  const dataTable = h('table.data', h('thead', h('tr', h('th', { scope: 'col' }, xLabel), series.map(sr => h('th', { scope: 'col' }, sr.name)))),
    h('tbody', xValues.slice(0, 500).map(x => h('tr', h('th', { scope: 'row' }, xFormat(x)),
      series.map(sr => { const p = sr.points.find(q => q.x === x); return h('td.num', p && p.y !== null ? yFormat(p.y) : '–'); })))));
  return figure(title, null, svg, legendOf(series), dataTable);
}

/** Stacked bars: categories [{x, label}], stacks [{name, values: {x: count}}]. */
export function stackedBars({ title, categories, stacks, xLabel, yLabel, yFormat }) {
  const totals = categories.map(c => stacks.reduce((sum, st) => sum + (st.values[c.x] || 0), 0));
  const top = Math.max(1, ...totals);
  const yTicks = ticks(0, top);
  const hi = yTicks[yTicks.length - 1];
  const band = (W - M.left - M.right) / Math.max(1, categories.length);
  const Y = y => H - M.bottom - y / hi * (H - M.top - M.bottom);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title}: ${yLabel} by ${xLabel}`, class: 'plot' },
    ...yTicks.map(v => s('g', {}, s('line', { x1: M.left, x2: W - M.right, y1: Y(v), y2: Y(v), class: 'grid' }),
      s('text', { x: M.left - 6, y: Y(v) + 4, class: 'tick', 'text-anchor': 'end' }, yFormat(v)))),
    s('line', { x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom, class: 'axis' }),
    s('text', { x: (M.left + W - M.right) / 2, y: H - 6, class: 'label', 'text-anchor': 'middle' }, xLabel),
    s('text', { x: 12, y: (M.top + H - M.bottom) / 2, class: 'label', 'text-anchor': 'middle', transform: `rotate(-90 12 ${(M.top + H - M.bottom) / 2})` }, yLabel),
    ...categories.map((c, i) => {
      let base = 0;
      const x = M.left + i * band + band * 0.2;
      return s('g', { class: 'bar', 'data-x': c.x },
        s('text', { x: x + band * 0.3, y: H - M.bottom + 16, class: 'tick', 'text-anchor': 'middle' }, c.label),
        ...stacks.map((st, j) => {
          const v = st.values[c.x] || 0;
          const rect = s('rect', { x, width: band * 0.6, y: Y(base + v), height: Math.max(0, Y(base) - Y(base + v)), class: `c${j % COLORS.length}` },
            s('title', {}, `${c.label}, ${st.name}: ${yFormat(v)}`));
          base += v;
          return rect;
        }));
    }));
  const dataTable = h('table.data', h('thead', h('tr', h('th', { scope: 'col' }, xLabel), stacks.map(st => h('th', { scope: 'col' }, st.name)))),
    h('tbody', categories.map(c => h('tr', h('th', { scope: 'row' }, c.label), stacks.map(st => h('td.num', yFormat(st.values[c.x] || 0)))))));
  return figure(title, null, svg, legendOf(stacks), dataTable);
}
