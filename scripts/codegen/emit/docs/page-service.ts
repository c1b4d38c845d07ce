import { gatherSteps, sagaSteps } from './flows';
import { code, esc, facts, link, list, page, paragraphs, table } from './html';
import { sequenceSvg } from './sequence-svg';
import type { ServiceView, SiteModel } from './site-model';

const R = '../';

/** Where a participant of a diagram links: its service page, when it is a service. */
export const serviceHref = (site: SiteModel) => (name: string): string | undefined => {
  const s = site.services.find((x) => x.name === name);
  return s ? `services/${s.slug}.html` : undefined;
};

export function eventsList(site: SiteModel, names: string[], root: string, empty: string): string {
  return list(
    names.map((n) => {
      const e = site.events.find((x) => x.message.name === n);
      return e ? `${link(root, `events/${e.slug}.html`, n, 'event')}${e.message.summary ? ` <span class="muted">${esc(e.message.summary)}</span>` : ''}` : esc(n);
    }),
    empty,
  );
}

/**
 * Sagas and scatter-gathers the service takes part in. Renders nothing until the model
 * declares them (see flows.ts `declaredPatterns`): the spec does not yet.
 */
function patterns(site: SiteModel, s: ServiceView): string {
  const sagas = site.sagas.filter((g) => g.orchestrator === s.name || g.steps.some((x) => x.participant === s.name));
  const gathers = site.gathers.filter((g) => g.orchestrator === s.name || g.requests.some((r) => r.responders.includes(s.name)));
  if (!sagas.length && !gathers.length) return '';
  const href = serviceHref(site);
  const sagaHtml = sagas.map((g) => {
    const steps = sagaSteps(g);
    return `<h3>Saga ${esc(g.name)} <span class="muted">orchestrated by ${esc(g.orchestrator)}</span></h3>${sequenceSvg([g.orchestrator], steps, R, href)}`;
  });
  const gatherHtml = gathers.map((g) => `<h3>Scatter-gather ${esc(g.name)} <span class="muted">by ${esc(g.orchestrator)}${g.deadline ? `, deadline ${esc(g.deadline)}` : ''}</span></h3>${sequenceSvg([g.orchestrator], gatherSteps(g), R, href)}`);
  return `<section id="patterns"><h2>Sagas and scatter-gathers</h2>${[...sagaHtml, ...gatherHtml].join('\n')}</section>`;
}

function queues(s: ServiceView): string {
  if (!s.queues.length) return '<p class="muted">No queue: the service receives no routed event.</p>';
  return s.queues
    .map((q) => {
      const m = q.model;
      return `<div class="card"><h3>Queue ${code(m.name)}</h3>${facts([
        ['DLQ', `${code(m.dlq)} after ${esc(m.maxReceiveCount)} receives`],
        ['Visibility', `${esc(m.visibilityTimeout)} s`],
        ['Retention', `${esc(m.messageRetentionPeriod)} s (DLQ ${esc(m.dlqMessageRetentionPeriod)} s)`],
        ['Batch', `${esc(m.batchSize)} records, window ${esc(m.batchWindowSeconds)} s`],
        ['Function', q.function ? `${code(q.function.name)} → ${code(q.function.file)}` : undefined],
        ['Rules', q.rules.length ? q.rules.map((r) => `${code(r.logicalId)} <span class="muted">(bus ${esc(r.bus)}, ${r.messages.length} events)</span>`).join('<br>') : undefined],
      ])}
${q.alarms.length ? `<h4>Alarms</h4>${table(['Alarm', 'When'], q.alarms.map((a) => [code(a.name), esc(a.description)]))}` : ''}</div>`;
    })
    .join('\n');
}

/** generated/docs/services/<name>.html */
export function servicePage(site: SiteModel, s: ServiceView): string {
  const heading = `<p class="crumbs">${link(R, 'index.html#services', 'Services')} /</p><h1>${esc(s.name)}</h1>`;
  const fns = [...s.queues.flatMap((q) => (q.function ? [q.function] : [])), ...(s.commandFunction ? [s.commandFunction] : [])];
  const body = `${s.description ? paragraphs(s.description) : ''}
<div class="columns">
<section id="sends"><h2>Sends (${s.sends.length})</h2>${eventsList(site, s.sends, R, 'Sends nothing.')}</section>
<section id="receives"><h2>Receives (${s.receives.length})</h2>${eventsList(site, s.receives, R, 'Receives nothing.')}</section>
</div>
<section id="queues"><h2>Queues, DLQs and alarms</h2>${queues(s)}</section>
<section id="functions"><h2>Functions</h2>${table(['Function', 'Handler file'], fns.map((f) => [code(f.name), `${code(f.file)} <span class="muted">(${esc(f.handler)})</span>`]), 'No generated function.')}</section>
<section id="routes"><h2>HTTP routes</h2>${table(['Route', 'Command', 'Schema'], s.routes.map((r) => [code(`${r.method} ${r.path}`), code(r.command), link(R, r.schemaFile, 'JSON Schema')]), 'No HTTP route.')}</section>
<section id="iam"><h2>IAM</h2>${
    s.iam.length
      ? list(s.iam.map((i) => `may put events on bus ${code(i.bus)} <span class="muted">(${esc(i.busName)})</span> with source ${i.sources.map((x) => code(x)).join(', ')}`))
      : '<p class="muted">May put no event on any bus.</p>'
  }${s.queues.length ? `<p class="muted">Its consumer roles read only their own queue (${s.queues.map((q) => code(q.model.name)).join(', ')}) and use the idempotency table.</p>` : ''}</section>
<section id="flows"><h2>Flows</h2>${list(s.flows.map((f) => link(R, `flows/${f}.html`, site.flows.find((x) => x.slug === f)?.name ?? f, 'flow')), 'Takes part in no derived flow.')}</section>
${patterns(site, s)}`;
  return page({ title: s.name, root: R, heading, body, siteTitle: `${site.title} ${site.version}` });
}
