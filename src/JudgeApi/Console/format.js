// Numbers with their units, the same way on every page.

export const pct = v => v === null || v === undefined ? '–' : `${(100 * v).toFixed(1)} %`;
export const num = (v, digits = 0) => v === null || v === undefined ? '–' : Number(v).toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const prob = v => v === null || v === undefined ? '–' : Number(v).toFixed(3);
export const ms = v => v === null || v === undefined ? '–' : v >= 10000 ? seconds(v / 1000) : `${num(v, 0)} ms`;
export const tokensPerSecond = v => v === null || v === undefined ? '–' : `${num(v, v < 100 ? 1 : 0)} tokens/s`;
export const loss = v => v === null || v === undefined ? '–' : `${Number(v).toFixed(3)} nats/token`;

export function seconds(s) {
  if (s === null || s === undefined || !isFinite(s)) return '–';
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60), rest = Math.round(s % 60);
  if (m < 60) return `${m} min ${rest} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export const when = iso => iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' }) : '–';

export function short(text, length = 120) {
  if (!text) return '';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? flat.slice(0, length - 1) + '…' : flat;
}
