import { code, deprecatedBadge, esc, facts, link, list, page, paragraphs, pre, table } from './html';
import type { DeliveryView, EventView, SiteModel } from './site-model';

const R = '../';
const svc = (name: string): string => `services/${name}.html`;

function serviceLink(site: SiteModel, name: string): string {
  const s = site.services.find((x) => x.name === name);
  return s ? link(R, svc(s.slug), name, 'service') : esc(name);
}

function eventLink(site: SiteModel, name: string): string {
  const e = site.events.find((x) => x.message.name === name);
  return e ? link(R, `events/${e.slug}.html`, name) : esc(name);
}

function fieldsTable(e: EventView): string {
  return table(
    ['Field', 'Type', 'Required', 'Constraints', 'Enum', 'Description'],
    e.fields.map((f) => [
      `${code(f.path)}${f.pii ? ' <span class="badge pii" title="x-pii: redacted in logs and docs">PII</span>' : ''}`,
      esc(f.type),
      f.required ? '<span class="req">required</span>' : '<span class="muted">optional</span>',
      f.constraints.map((c) => code(c)).join(' '),
      f.enum.map((v) => code(v)).join(' '),
      esc(f.description ?? ''),
    ]),
    'No payload.',
  );
}

/** One consumer's path: queue, rule and function, as the generated infra wires it. */
function delivery(site: SiteModel, e: EventView, d: DeliveryView): string {
  const q = d.queue?.model;
  const filter = d.filter ? `<p>Content filter of this consumer (merged into the rule):</p>${pre(JSON.stringify(d.filter, null, 2), 'filter')}` : '';
  return `<div class="hop consumer" data-consumer="${esc(d.service)}">
<h3>→ ${serviceLink(site, d.service)} <span class="muted">${code(d.operationId)}</span></h3>
${d.summary ? `<p>${esc(d.summary)}</p>` : ''}
${facts([
  ['Rule', d.rule ? `${code(d.rule.logicalId)} <span class="muted">${esc(d.rule.name)}</span>` : undefined],
  ['Queue', q ? `<span class="queue">${code(q.name)}</span>` : undefined],
  ['DLQ', q ? `${code(q.dlq)} after ${esc(q.maxReceiveCount)} receives (maxReceiveCount)` : undefined],
  ['Batch', q ? `${esc(q.batchSize)} records, window ${esc(q.batchWindowSeconds)} s, visibility ${esc(q.visibilityTimeout)} s` : undefined],
  ['Function', d.queue?.function ? `${code(d.queue.function.name)}` : undefined],
  ['Handler', d.queue?.function ? `${code(d.queue.function.file)} <span class="muted">(${esc(d.queue.function.handler)})</span>` : undefined],
])}
${filter}
${d.rule ? `<details open><summary>Event pattern of rule ${esc(d.rule.logicalId)} (on bus ${esc(d.rule.bus)})</summary>${pre(JSON.stringify(d.rule.pattern, null, 2), 'pattern')}</details>` : e.message.eventbridge ? '' : '<p class="muted">No EventBridge routing: the spec gives this message no x-eventbridge.</p>'}
</div>`;
}

/** The callout of a deprecated message: why, what replaces it, who still sends and receives it. */
function deprecationNote(site: SiteModel, e: EventView): string {
  const m = e.message;
  const newer = e.versions.filter((v) => v.name !== m.name && Number.parseInt(v.version, 10) > m.major).map((v) => eventLink(site, v.name));
  const still = [...m.producers.map((p) => `sent by ${esc(p)}`), ...[...new Set(e.deliveries.map((d) => d.queue?.model.name ?? d.service))].map((q) => `received by ${esc(q)}`)];
  return `<p class="deprecated-note"><strong>Deprecated</strong> (x-deprecated)${m.deprecated?.reason ? `: ${esc(m.deprecated.reason)}` : ''}.${newer.length ? ` Use ${newer.join(', ')}.` : ''}${still.length ? ` Still ${still.join(', ')}; remove it once nothing does.` : ''}</p>`;
}

/** generated/docs/events/<Name>.html */
export function eventPage(site: SiteModel, e: EventView): string {
  const m = e.message;
  const eb = m.eventbridge;
  const heading = `<p class="crumbs">${link(R, 'index.html#events', 'Events')} /</p>
<h1>${esc(m.title ?? m.name)} <span class="badge">v${esc(m.version)}</span>${m.scope ? ` <span class="badge scope-${esc(m.scope)}">${esc(m.scope)}</span>` : ''}${m.deprecated ? deprecatedBadge('x-deprecated') : ''}</h1>
${m.summary ? `<p class="lead">${esc(m.summary)}</p>` : ''}${m.deprecated ? deprecationNote(site, e) : ''}`;
  const body = `
${m.description ? paragraphs(m.description) : ''}
${facts([
  ['Name', code(m.name)],
  ['Version', esc(m.version)],
  ['Scope', m.scope ? esc(m.scope) : undefined],
  ['Bus', eb ? `${code(eb.bus)} <span class="muted">${esc(e.busName ?? '')}</span>` : undefined],
  ['Source', eb ? code(eb.source) : undefined],
  ['Detail-type', eb ? code(eb.detailType) : undefined],
  ['Channel', m.channel ? `${code(m.channel)}${m.address ? ` <span class="muted">${esc(m.address)}</span>` : ''}` : undefined],
  ['Envelope', m.envelope ? '<code>{ metadata, data }</code>' : undefined],
  ['Upcast', e.upcasts.length ? e.upcasts.map((u) => `${code(u.queue)}: ${u.steps.map((st) => esc(st)).join(', ')} <span class="muted">(its handler sees ${esc(u.latest)})</span>`).join('<br>') : undefined],
  ['Schema registry', e.registryName ? code(e.registryName) : undefined],
  ['JSON Schema', e.schemaFile ? `<a href="${esc(R + e.schemaFile)}" download>${esc(e.schemaFile.split('/').pop() ?? '')}</a>` : undefined],
])}
<section id="route"><h2>Route</h2>
<div class="route">
<div class="hop producer"><h3>Producer</h3>${list(m.producers.map((p) => serviceLink(site, p)), 'No service sends it.')}</div>
${eb ? `<div class="hop bus"><h3>Bus</h3><p>${code(eb.bus)}</p><p class="muted">${esc(e.busName ?? '')}</p></div>` : ''}
<div class="hops">${e.deliveries.map((d) => delivery(site, e, d)).join('\n') || '<p class="muted">No service receives it.</p>'}</div>
</div></section>
<section id="payload"><h2>Payload</h2>${m.typeName ? `<p>Type ${code(m.typeName)}.${m.pii.length ? ` Personal data (x-pii): ${m.pii.map((p) => code(p)).join(', ')}.` : ''}</p>` : ''}${fieldsTable(e)}</section>
<section id="examples"><h2>Examples</h2>${e.examples.length ? e.examples.map((x) => `${x.name || x.summary ? `<h3>${esc(x.name ?? '')}${x.summary ? ` <span class="muted">${esc(x.summary)}</span>` : ''}</h3>` : ''}${pre(x.json, 'example')}`).join('\n') : '<p class="muted">No example.</p>'}
${m.pii.length ? '<p class="muted">Fields marked x-pii are replaced by «redacted: x-pii».</p>' : ''}</section>
<section id="causation"><h2>Causation</h2>${facts([
  ['Caused by', e.causedBy.length ? e.causedBy.map((c) => eventLink(site, c)).join(', ') : undefined],
  ['Leads to', e.leadsTo.length ? e.leadsTo.map((c) => eventLink(site, c)).join(', ') : undefined],
  ['Flows', e.flows.length ? e.flows.map((f) => link(R, `flows/${f}.html`, site.flows.find((x) => x.slug === f)?.name ?? f, 'flow')).join(', ') : undefined],
]) || '<p class="muted">No operation summary names a cause or an effect of this event.</p>'}</section>
${e.versions.length ? `<section id="versions"><h2>Versions</h2>${table(['Message', 'Version'], e.versions.map((v) => [eventLink(site, v.name), `${esc(v.version)}${v.deprecated ? deprecatedBadge() : ''}`]))}</section>` : ''}
`;
  return page({ title: m.name, root: R, heading, body, siteTitle: `${site.title} ${site.version}` });
}
