// DOM building without innerHTML: every text (instructions, responses, reasoning come from imports and models) is a text node.

/** h('tag.class#id', {attr: value, onclick: fn}, ...children) */
export function h(spec, attrs, ...children) {
  const [, tag = 'div', rest = ''] = /^([a-z0-9-]*)(.*)$/i.exec(spec);
  const el = document.createElement(tag || 'div');
  for (const part of rest.match(/[.#][^.#]+/g) || []) {
    if (part[0] === '.') el.classList.add(part.slice(1)); else el.id = part.slice(1);
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) { children.unshift(attrs); attrs = null; }
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'text') el.textContent = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el, ...children) { el.replaceChildren(); return append(el, children); }

/** A table: columns [{label, cell: row => node|text, numeric?}], rows; empty: the node shown when there are no rows. */
export function table(caption, columns, rows, empty) {
  if (!rows.length && empty) return empty;
  return h('div.table-wrap', { role: 'region', 'aria-label': caption, tabindex: 0 },
    h('table', h('caption', caption),
      h('thead', h('tr', columns.map(c => h('th' + (c.numeric ? '.num' : ''), { scope: 'col' }, c.label)))),
      h('tbody', rows.map(row => h('tr', columns.map(c => h('td' + (c.numeric ? '.num' : ''), c.cell(row))))))));
}

/** An empty or error state: what happened and what to do next. */
export function notice(kind, title, ...next) {
  return h('div.notice.' + kind, { role: kind === 'error' ? 'alert' : null }, h('strong', title), next.length ? h('div', next) : null);
}

export function field(label, input, hint) {
  const id = input.id || (input.id = 'f-' + Math.random().toString(36).slice(2, 9));
  const hintId = hint ? id + '-hint' : null;
  if (hintId) input.setAttribute('aria-describedby', hintId);
  return h('div.field', h('label', { for: id }, label), input, hint ? h('small.hint', { id: hintId }, hint) : null);
}

export function toast(message) {
  const el = document.getElementById('toast');
  el.textContent = message;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.textContent = ''; }, 6000);
}

/** A modal confirmation with an optional note; resolves to the note ('' when none) or null when cancelled. */
export function confirmDialog(title, text, { confirm = 'Confirm', danger = false, note = false } = {}) {
  return new Promise(resolve => {
    const noteInput = note ? h('textarea', { rows: 2, maxlength: 500, name: 'note' }) : null;
    const dialog = h('dialog.confirm', { 'aria-labelledby': 'confirm-title' },
      h('form', { method: 'dialog' },
        h('h2#confirm-title', title), h('p', text),
        noteInput ? field('Note for the audit log (optional)', noteInput) : null,
        h('div.actions',
          h('button', { value: 'cancel', type: 'submit' }, 'Cancel'),
          h('button' + (danger ? '.danger' : '.primary'), { value: 'ok', type: 'submit' }, confirm))));
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'ok' ? (noteInput ? noteInput.value.trim() : '') : null);
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Re-renders inside container without losing the keyboard focus: the element with the same data-key gets it back. */
export function keepFocus(container, render) {
  const key = container.contains(document.activeElement) ? document.activeElement.dataset.key : null;
  render();
  if (key) container.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
}

/** Labelled values: [[label, value], …] as a description list, each pair kept together (nulls skipped). */
export function facts(pairs, className = '') {
  return h('dl.counts' + className, pairs.filter(Boolean).map(([label, value]) => h('div', h('dt', label), h('dd', value))));
}
