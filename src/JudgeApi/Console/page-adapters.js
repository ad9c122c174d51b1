// Adapters: the registry with metrics, activate, roll back, delete (each confirmed), and the audit log.
import { get, post, del, query } from './api.js';
import { h, clear, table, notice, toast, confirmDialog } from './dom.js';
import { pct, when, loss } from './format.js';

const PAGE_SIZE = 20;

export async function adaptersPage(main) {
  const list = h('section', { 'aria-labelledby': 'registry-title' });
  const audit = h('section', { 'aria-labelledby': 'audit-title' });
  let auditPage = 1;

  const change = async (title, text, confirm, call, danger = false) => {
    const note = await confirmDialog(title, text, { confirm, danger, note: true });
    if (note === null) return;
    try {
      await call(note ? { note } : undefined);
      toast(`${confirm}: done.`);
      await refresh();
    } catch (error) { toast(error.message); }
  };

  const refresh = async () => {
    const [adapters, log] = await Promise.all([get('/adapters'), get(`/adapters/audit${query({ page: auditPage, pageSize: PAGE_SIZE })}`)]);
    const active = adapters.find(a => a.active);
    clear(list,
      h('h2#registry-title', 'Registry'),
      h('p', active ? ['Serving ', h('strong', active.id), '. '] : 'Serving the base model alone. ',
        active ? h('button.danger', {
          type: 'button', 'data-action': 'deactivate',
          onclick: () => change('Roll back to the base model?', `${active.id} stops serving from the next decode batch; judgments already running finish on it.`,
            'Roll back', body => post('/adapters/deactivate', body), true),
        }, 'Roll back to the base model') : null),
      table('Stored adapters', [
        { label: 'Adapter', cell: a => h('strong', a.id) },
        { label: 'From', cell: a => a.iterationNumber ? h('a', { href: `#/iterations/${a.iterationId}` }, `iteration ${a.iterationNumber}`) : a.source },
        { label: 'Created', cell: a => when(a.createdAt) },
        { label: 'Rank / alpha', numeric: true, cell: a => `${a.rank} / ${a.alpha}` },
        { label: 'Held-out acc.', numeric: true, cell: a => pct(a.metrics?.heldOutAccuracy) },
        { label: 'Labeled acc.', numeric: true, cell: a => pct(a.metrics?.labeledAccuracy) },
        // A trained adapter's metrics hold its training report (loss: the last step's) once evaluated, its final loss before.
        { label: 'Final loss', numeric: true, cell: a => loss(a.metrics?.training?.loss ?? a.metrics?.training?.finalLoss) },
        { label: 'Serving', cell: a => a.active ? h('span.status.succeeded', 'active') : 'no' },
        { label: 'Actions', cell: a => h('div.row-actions',
          a.active ? null : h('button', {
            type: 'button', 'data-action': 'activate', 'data-adapter': a.id,
            onclick: () => change(`Activate ${a.id}?`, 'It serves from the next decode batch on; judgments already running finish on their weights.',
              'Activate', body => post(`/adapters/${encodeURIComponent(a.id)}/activate`, body)),
          }, 'Activate'),
          a.active ? null : h('button.danger', {
            type: 'button', 'data-action': 'delete', 'data-adapter': a.id,
            onclick: () => change(`Delete ${a.id}?`, 'Its file and metrics are removed for good; the audit log keeps its history.',
              'Delete', body => del(`/adapters/${encodeURIComponent(a.id)}`, body), true),
          }, 'Delete')) },
      ], adapters, notice('empty', 'No adapters yet.', 'An iteration that trains stores one here; or upload a GGUF LoRA adapter with POST /adapters (see README).')));
    const pages = Math.max(1, Math.ceil(log.total / PAGE_SIZE));
    clear(audit,
      h('h2#audit-title', 'Audit log'),
      table('Changes of the serving weights, newest first', [
        { label: 'When', cell: e => when(e.at) },
        { label: 'Action', cell: e => e.action },
        { label: 'Adapter', cell: e => e.adapterId || '–' },
        { label: 'Serving before → after', cell: e => e.action === 'delete' ? 'unchanged'
          : `${e.previousAdapterId || 'base model'} → ${e.action === 'activate' ? e.adapterId : 'base model'}` },
        { label: 'By', cell: e => e.actor },
        { label: 'Why', cell: e => e.cause },
        { label: 'Iteration', numeric: true, cell: e => e.iterationNumber ? `#${e.iterationNumber}` : '–' },
        { label: 'Note', cell: e => e.note || '' },
      ], log.items, notice('empty', 'No changes recorded yet.', 'Every activation, rollback and deletion (by an operator or a promotion) appears here.')),
      log.total > PAGE_SIZE ? h('nav.pager', { 'aria-label': 'Audit pages' },
        h('button', { type: 'button', disabled: auditPage <= 1, onclick: () => { auditPage--; refresh(); } }, '← Newer'),
        h('span', `Page ${auditPage} of ${pages}`),
        h('button', { type: 'button', disabled: auditPage >= pages, onclick: () => { auditPage++; refresh(); } }, 'Older →')) : null);
  };

  await refresh();
  clear(main, h('h1', 'Adapters'), list, audit);
}
