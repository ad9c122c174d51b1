// Playground: one instruction and two responses judged by two chosen weights side by side; saved manual cases re-run
// against any adapter, their results kept.
import { get, post, del, ApiError } from './api.js';
import { h, clear, table, notice, field, toast, confirmDialog, facts } from './dom.js';
import { pct, prob, ms, num, when, short } from './format.js';

export async function playgroundPage(main) {
  const adapters = await get('/adapters');
  const weightOptions = () => [h('option', { value: 'base' }, 'base model'), ...adapters.map(a => h('option', { value: a.id }, a.active ? `${a.id} (active)` : a.id))];
  const inputs = {
    instruction: h('textarea', { name: 'instruction', rows: 3, required: true }),
    responseA: h('textarea', { name: 'responseA', rows: 4, required: true }),
    responseB: h('textarea', { name: 'responseB', rows: 4, required: true }),
    criteria: h('input', { type: 'text', name: 'criteria', placeholder: 'optional rubric' }),
    mode: h('select', { name: 'mode' }, h('option', { value: 'reasoning' }, 'reasoning'), h('option', { value: 'direct' }, 'direct')),
    maxReasoningTokens: h('input', { type: 'number', name: 'maxReasoningTokens', min: 1, max: 4096, value: 128 }),
    samples: h('input', { type: 'number', name: 'samples', min: 1, max: 32, value: 1 }),
    left: h('select', { name: 'left' }, weightOptions()),
    right: h('select', { name: 'right' }, weightOptions()),
  };
  const trained = adapters.filter(a => a.active)[0] || adapters[adapters.length - 1];
  if (trained) inputs.right.value = trained.id;
  const results = h('section.side-by-side', { 'aria-live': 'polite', 'aria-label': 'Results' });
  const cases = h('section', { 'aria-labelledby': 'cases-title' });
  let last = null;

  const judgment = () => ({
    instruction: inputs.instruction.value, responseA: inputs.responseA.value, responseB: inputs.responseB.value,
    criteria: inputs.criteria.value || null, mode: inputs.mode.value, samples: Number(inputs.samples.value),
    maxReasoningTokens: Number(inputs.maxReasoningTokens.value), useCache: false,
  });

  const form = h('form.card', {
    onsubmit: async event => {
      event.preventDefault();
      clear(results, h('p.muted', 'Judging…'));
      try {
        const answer = await post('/playground/judge', { judgment: judgment(), weights: [inputs.left.value, inputs.right.value] });
        last = judgment();
        clear(results, answer.results.map(resultCard));
      } catch (error) {
        clear(results, notice('error', error.message, error instanceof ApiError && error.lines.length ? h('ul', error.lines.map(l => h('li', l))) : null));
      }
    },
  },
  h('h2', 'Judge side by side'),
  field('Instruction', inputs.instruction),
  h('div.two', field('Response A', inputs.responseA), field('Response B', inputs.responseB)),
  h('div.grid',
    field('Criteria', inputs.criteria),
    field('Mode', inputs.mode, 'reasoning writes an explanation first'),
    field('Max reasoning tokens', inputs.maxReasoningTokens, '1–4096 tokens'),
    field('Samples', inputs.samples, '1–32; both orders each'),
    field('Left weights', inputs.left),
    field('Right weights', inputs.right)),
  h('button.primary', { type: 'submit' }, 'Judge side by side'));

  const saveForm = () => {
    const name = h('input', { type: 'text', name: 'name', required: true, maxlength: 200 });
    const expected = h('select', { name: 'expected' }, h('option', { value: '' }, 'not known'), h('option', { value: 'A' }, 'A'), h('option', { value: 'B' }, 'B'));
    return h('form.card', {
      onsubmit: async event => {
        event.preventDefault();
        const source = last || judgment();
        try {
          await post('/playground/cases', { name: name.value, instruction: source.instruction, responseA: source.responseA, responseB: source.responseB,
            criteria: source.criteria, expected: expected.value || null });
          toast(`Case “${name.value}” saved.`);
          name.value = '';
          await renderCases();
        } catch (error) { toast(error instanceof ApiError && error.lines.length ? error.lines.join('; ') : error.message); }
      },
    }, h('h2', 'Save this case'), h('p.muted', 'Keeps the instruction and both responses above, to re-run against any adapter later.'),
    h('div.grid', field('Name', name), field('Better response', expected, 'if you know it')),
    h('button', { type: 'submit' }, 'Save case'));
  };

  const runWeights = h('select', { name: 'runWeights' }, weightOptions());
  const renderCases = async () => {
    const saved = await get('/playground/cases');
    const names = [...new Set(saved.flatMap(c => c.latestRuns.map(r => r.weights)))];
    clear(cases,
      h('h2#cases-title', 'Saved cases'),
      saved.length ? h('form.inline', {
        onsubmit: async event => {
          event.preventDefault();
          try {
            const run = await post('/playground/cases/run', { weights: runWeights.value, mode: 'direct' });
            toast(`Ran ${run.runs.length} cases with ${run.weights}.`);
            await renderCases();
          } catch (error) { toast(error.message); }
        },
      }, field('Run every case with', runWeights), h('button', { type: 'submit' }, 'Run cases')) : null,
      table('Saved cases and their newest result per weights', [
        { label: 'Case', cell: c => h('span', { title: c.instruction }, c.name) },
        { label: 'Instruction', cell: c => short(c.instruction, 60) },
        { label: 'Expected', cell: c => c.expected || '–' },
        ...names.map(w => ({ label: w, cell: c => runCell(c.latestRuns.find(r => r.weights === w)) })),
        { label: '', cell: c => h('button.danger', {
          type: 'button',
          onclick: async () => {
            if (await confirmDialog(`Delete case “${c.name}”?`, 'The case and all its results are removed.', { confirm: 'Delete', danger: true }) === null) return;
            await del(`/playground/cases/${c.id}`);
            await renderCases();
          },
        }, 'Delete') },
      ], saved, notice('empty', 'No saved cases yet.', 'Judge a case above, then save it: cases build your own regression set to re-run against every new adapter.')));
  };

  clear(main, h('h1', 'Playground'),
    h('p.muted', 'Test by hand: the same case judged by two sets of weights at once (for example the base model against an iteration’s adapter). Judgments here are fresh, never cached.'),
    form, results, saveForm(), cases);
  await renderCases();
}

function runCell(run) {
  if (!run) return '–';
  const verdict = `${run.winner} (P(A) ${prob(run.probabilityA)})`;
  return h('span' + (run.matches === false ? '.miss' : run.matches ? '.hit' : ''), { title: `${when(run.at)} by ${run.runBy}, ${ms(run.elapsedMs)}` },
    run.matches === null ? verdict : `${verdict} ${run.matches ? '✓' : '✗'}`);
}

function resultCard({ weights, response: r }) {
  return h('article.card.result', { 'data-weights': weights },
    h('h3', weights === 'base' ? 'Base model' : weights),
    h('p.verdict', r.winner === 'tie' ? 'Tie' : `${r.winner} is better`),
    facts([
      ['P(A is better)', prob(r.probabilityA)],
      ['Confidence', pct(r.confidence)],
      ['Votes', `A ${r.votes.a} · B ${r.votes.b}`],
      ['Reasoning tokens', `${num(r.reasoningTokens)} tokens${r.hitTokenLimit ? ' (hit the limit)' : ''}`],
      ['Prompt tokens', `${num(r.promptTokens)} tokens`],
      ['Time', ms(r.elapsedMs)],
      ['Weights', r.model.adapter || `${r.model.base} (no adapter)`],
    ]),
    h('h4', 'Reasoning'), h('pre.text', r.reasoning || '(direct mode: no reasoning)'));
}
