// The instruction pool: import a file (JSON array, NDJSON, ShareGPT/WildChat) with each entry's outcome, category
// counts, used and unused.
import { get, api, ApiError } from './api.js';
import { h, clear, table, notice, field, facts } from './dom.js';
import { num } from './format.js';
import { stackedBars } from './charts.js';

export async function poolPage(main) {
  const stats = h('section', { 'aria-labelledby': 'stats-title' });
  const outcome = h('section', { 'aria-live': 'polite', 'aria-label': 'Import outcome' });

  const renderStats = async () => {
    const s = await get('/instructions/stats');
    const categories = Object.entries(s.byCategory);
    clear(stats,
      h('h2#stats-title', 'The pool'),
      s.total === 0 ? notice('empty', 'The pool is empty.', 'Import a file below: iterations select their instructions from here.') : facts([
        ['Instructions', num(s.total)],
        ['Used by iterations', num(s.used)],
        ['Unused', num(s.total - s.used)],
        ['Not classified yet', num(s.unclassified)],
      ], '.big'),
      categories.length ? stackedBars({ title: 'Instructions by category', xLabel: 'category', yLabel: 'instructions', yFormat: y => num(y),
        categories: categories.map(([c]) => ({ x: c, label: c })), stacks: [{ name: 'instructions', values: s.byCategory }] }) : null,
      categories.length ? table('Instructions by category', [
        { label: 'Category', cell: ([c]) => c },
        { label: 'Instructions', numeric: true, cell: ([, n]) => num(n) },
      ], categories) : s.total ? h('p.muted', 'No instruction has a category yet: the next iteration classifies them first.') : null);
  };

  const file = h('input', { type: 'file', name: 'file', accept: '.json,.jsonl,.ndjson,application/json,application/x-ndjson' });
  const paste = h('textarea', { name: 'paste', rows: 5, placeholder: '["Write a haiku about rain.", {"instruction": "What is 17 * 23?", "category": "math"}]' });
  const form = h('form.card', {
    onsubmit: async event => {
      event.preventDefault();
      const chosen = file.files[0];
      const text = chosen ? await chosen.text() : paste.value;
      if (!text.trim()) { clear(outcome, notice('error', 'Nothing to import.', 'Choose a file or paste instructions first.')); return; }
      // A JSON array starts with '['; anything else is read as NDJSON, one object a line (ShareGPT/WildChat included).
      const ndjson = !text.trimStart().startsWith('[');
      clear(outcome, h('p.muted', 'Importing…'));
      try {
        const result = await api('POST', '/instructions', text, { contentType: ndjson ? 'application/x-ndjson' : 'application/json' });
        clear(outcome, h('div.card',
          h('h2', 'Import outcome'),
          h('p', `${num(result.added)} added · ${num(result.duplicates)} duplicates skipped · ${num(result.rejected.length)} rejected`),
          table('Rejected entries', [
            { label: 'Entry (from 0)', numeric: true, cell: r => String(r.index) },
            { label: 'Reason', cell: r => r.reason },
          ], result.rejected, h('p.muted', 'Every entry was read.'))));
        file.value = '';
        await renderStats();
      } catch (error) {
        clear(outcome, notice('error', error instanceof ApiError ? error.message : 'The service could not be reached.',
          error instanceof ApiError && error.status === 413 ? 'The file is larger than Judge:MaxRequestBytes allows: split it, or raise the limit.' : null));
      }
    },
  },
  h('h2', 'Import instructions'),
  h('p', 'A JSON array of strings or of {"instruction", "category"?} objects, or NDJSON with one object a line; ShareGPT and WildChat conversations give their first user turn.'),
  field('File', file, '.json, .jsonl or .ndjson'),
  field('…or paste', paste),
  h('button.primary', { type: 'submit' }, 'Import'));

  await renderStats();
  clear(main, h('h1', 'Instruction pool'), stats, form, outcome);
}
