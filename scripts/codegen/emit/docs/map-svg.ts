import { esc } from './html';

export interface MapInput {
  services: { name: string; href: string; sends: number; receives: number }[];
  /** One entry per (event, consumer): the map aggregates them per producer, consumer and bus. */
  edges: { from: string; to: string; bus: string; event: string }[];
  buses: { key: string; name: string }[];
}

/** Colours per bus, in bus order; dark enough on white for text and thin lines. */
const PALETTE = ['#2563eb', '#dc2626', '#059669', '#7c3aed', '#d97706', '#0891b2', '#be185d', '#4b5563'];
const W = 1160;
const H = 700;
const NODE_W = 124;
const NODE_H = 40;

const f = (n: number): string => (Math.round(n * 10) / 10).toString();

/**
 * The system map: services on a circle (spec order, so the picture is stable), one curved
 * arrow per producer -> consumer -> bus carrying the number of events (their names in the
 * tooltip), coloured by bus (the second and later buses dashed). Aggregating keeps 9 services and 40+ events readable; the
 * event pages hold the detail. Each node links to its service page.
 */
export function systemMapSvg(input: MapInput): string {
  const n = input.services.length;
  const cx = W / 2;
  const cy = H / 2;
  // An ellipse as wide as the page, so boxes and arrows spread out.
  const rx = n <= 1 ? 0 : W / 2 - NODE_W;
  const ry = n <= 1 ? 0 : H / 2 - NODE_H - 10;
  const pos = new Map(input.services.map((s, i) => [s.name, { x: cx + rx * Math.sin((2 * Math.PI * i) / Math.max(n, 1)), y: cy - ry * Math.cos((2 * Math.PI * i) / Math.max(n, 1)) }]));
  const color = (bus: string): string => PALETTE[Math.max(0, input.buses.findIndex((b) => b.key === bus)) % PALETTE.length] as string;

  const groups = new Map<string, { from: string; to: string; bus: string; events: string[] }>();
  for (const e of input.edges) {
    if (!pos.has(e.from) || !pos.has(e.to)) continue;
    const key = `${e.from}\u0000${e.to}\u0000${e.bus}`;
    const g = groups.get(key) ?? { from: e.from, to: e.to, bus: e.bus, events: [] };
    if (!g.events.includes(e.event)) g.events.push(e.event);
    groups.set(key, g);
  }
  const edges: string[] = [];
  for (const g of groups.values()) {
    const a = pos.get(g.from) as { x: number; y: number };
    const b = pos.get(g.to) as { x: number; y: number };
    const busIndex = Math.max(0, input.buses.findIndex((x) => x.key === g.bus));
    const title = `<title>${esc(`${g.from} → ${g.to} on ${g.bus}: ${g.events.join(', ')}`)}</title>`;
    const width = f(1 + Math.min(2.5, Math.log2(g.events.length)));
    const dash = busIndex > 0 ? ' stroke-dasharray="7 4"' : '';
    if (g.from === g.to) {
      // A service's own (local) events: a loop outside the circle.
      const dx = a.x - cx;
      const dy = a.y - cy;
      const len = Math.hypot(dx, dy) || 1;
      const ox = (dx / len) * 70;
      const oy = (dy / len) * 70;
      edges.push(`<g class="edge">${title}<path d="M${f(a.x - 12)} ${f(a.y)} C${f(a.x + ox - 40)} ${f(a.y + oy - 30)} ${f(a.x + ox + 40)} ${f(a.y + oy + 30)} ${f(a.x + 12)} ${f(a.y)}" stroke="${color(g.bus)}" stroke-width="${width}"${dash} fill="none" marker-end="url(#map-head-${busIndex})"/><text x="${f(a.x + ox)}" y="${f(a.y + oy)}" class="map-count">${g.events.length}</text></g>`);
      continue;
    }
    const mx = (a.x + b.x) / 2;
    const my = (a.y + b.y) / 2;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    // Bend to the arrow's left, more per bus, so a -> b and b -> a and two buses never overlap.
    const bend = 28 + busIndex * 22;
    const qx = mx - (dy / len) * bend;
    const qy = my + (dx / len) * bend;
    // Stop at the target box's border rather than its centre, so the head stays visible.
    const t = 1 - Math.min(0.45, (NODE_H / 2 + 10) / len);
    const ex = (1 - t) * (1 - t) * a.x + 2 * (1 - t) * t * qx + t * t * b.x;
    const ey = (1 - t) * (1 - t) * a.y + 2 * (1 - t) * t * qy + t * t * b.y;
    const lx = 0.25 * a.x + 0.5 * qx + 0.25 * b.x;
    const ly = 0.25 * a.y + 0.5 * qy + 0.25 * b.y;
    edges.push(`<g class="edge">${title}<path d="M${f(a.x)} ${f(a.y)} Q${f(qx)} ${f(qy)} ${f(ex)} ${f(ey)}" stroke="${color(g.bus)}" stroke-width="${width}"${dash} fill="none" marker-end="url(#map-head-${busIndex})"/><text x="${f(lx)}" y="${f(ly)}" class="map-count">${g.events.length}</text></g>`);
  }
  const nodes = input.services.map((s) => {
    const p = pos.get(s.name) as { x: number; y: number };
    return `<a href="${esc(s.href)}" class="node"><title>${esc(`${s.name}: sends ${s.sends}, receives ${s.receives}`)}</title><rect x="${f(p.x - NODE_W / 2)}" y="${f(p.y - NODE_H / 2)}" width="${NODE_W}" height="${NODE_H}" rx="8"/><text x="${f(p.x)}" y="${f(p.y + 5)}" text-anchor="middle">${esc(s.name.length > 18 ? `${s.name.slice(0, 17)}…` : s.name)}</text></a>`;
  });
  const markers = input.buses.map((b, i) => `<marker id="map-head-${i}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="${color(b.key)}"/></marker>`);
  const legend = input.buses.map((b, i) => `<g transform="translate(16 ${20 + i * 20})"><line x1="0" y1="0" x2="26" y2="0" stroke="${color(b.key)}" stroke-width="3"/><text x="34" y="4" class="map-legend">${esc(`${b.key} bus (${b.name})`)}</text></g>`);
  return `<svg class="system-map" role="img" aria-label="System map: services and the events between them" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" preserveAspectRatio="xMidYMid meet">
<defs>${markers.join('')}</defs>
${edges.join('\n')}
${nodes.join('\n')}
${legend.join('\n')}
</svg>`;
}
