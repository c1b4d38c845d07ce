import { esc } from './html';
import type { SequenceStep } from './flows';

const COL = 170;
const ROW = 42;
const TOP = 56;
const PAD = 20;
/** Rough width of a character of the 12px labels, to size the picture without a browser. */
const CHAR = 6.6;

/**
 * A sequence diagram as inline SVG: one lifeline per participant, one arrow per step, top to
 * bottom. Drawn at build time, so the page needs no renderer and no network. `serviceHref`
 * gives a participant's page (none for actors like `client`).
 */
export function sequenceSvg(participants: string[], steps: SequenceStep[], root: string, serviceHref: (name: string) => string | undefined): string {
  const all = [...participants];
  for (const s of steps) for (const p of [s.from, s.to]) if (!all.includes(p)) all.push(p);
  const x = (p: string): number => PAD + COL / 2 + all.indexOf(p) * COL;
  const longestNote = Math.max(0, ...steps.map((s) => (s.note ? s.note.length * CHAR : 0)));
  const width = Math.ceil(PAD * 2 + all.length * COL + Math.max(60, longestNote));
  const height = TOP + steps.length * ROW + 40;
  const parts: string[] = [];
  for (const p of all) {
    const cx = x(p);
    const href = serviceHref(p);
    const box = `<rect x="${cx - 70}" y="8" width="140" height="30" rx="6" class="seq-box"/><text x="${cx}" y="28" text-anchor="middle" class="seq-name">${esc(p)}</text>`;
    parts.push(href ? `<a href="${esc(root + href)}">${box}</a>` : box);
    parts.push(`<line x1="${cx}" y1="38" x2="${cx}" y2="${height - 10}" class="seq-life"/>`);
  }
  steps.forEach((s, i) => {
    const y = TOP + i * ROW + 20;
    const x1 = x(s.from);
    const x2 = x(s.to);
    const cls = `seq-arrow${s.dashed ? ' dashed' : ''}`;
    const label = `<text x="${s.from === s.to ? x1 + 8 : (x1 + x2) / 2}" y="${y - 6}" text-anchor="${s.from === s.to ? 'start' : 'middle'}" class="seq-label">${esc(s.label)}</text>`;
    const linked = s.href ? `<a href="${esc(root + s.href)}">${label}</a>` : label;
    if (s.from === s.to) {
      parts.push(`<path d="M${x1} ${y} h36 v14 h-32" class="${cls}" marker-end="url(#seq-head)"/>`);
    } else {
      parts.push(`<line x1="${x1}" y1="${y}" x2="${x2 + (x2 > x1 ? -4 : 4)}" y2="${y}" class="${cls}" marker-end="url(#seq-head)"/>`);
    }
    parts.push(linked);
    if (s.note) {
      const right = Math.max(x1, x2) + (s.from === s.to ? 44 : 10);
      parts.push(`<text x="${right}" y="${y + 14}" class="seq-note">${esc(s.note)}</text>`);
    }
  });
  return `<svg class="sequence" role="img" aria-label="Sequence diagram" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<defs><marker id="seq-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" class="seq-headfill"/></marker></defs>
${parts.join('\n')}
</svg>`;
}
