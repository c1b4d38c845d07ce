import { code, deprecatedBadge, esc, link, list, page, paragraphs, slug, table } from './html';
import { systemMapSvg } from './map-svg';
import { sequenceSvg } from './sequence-svg';
import { serviceHref } from './page-service';
import type { SiteModel } from './site-model';
import type { FlowView } from './flows';

function counts(site: SiteModel): string {
  const queues = site.services.reduce((n, s) => n + s.queues.length, 0);
  const rules = site.services.reduce((n, s) => n + s.queues.reduce((k, q) => k + q.rules.length, 0), 0);
  const routes = site.services.reduce((n, s) => n + s.routes.length, 0);
  const items: [string, number][] = [
    ['services', site.services.length],
    ['events', site.events.length],
    ['buses', site.buses.length],
    ['queues', queues],
    ['rules', rules],
    ['HTTP routes', routes],
    ['flows', site.flows.length],
    ['sagas', site.sagas.length],
    ['gathers', site.gathers.length],
  ];
  return `<ul class="counts">${items.map(([k, v]) => `<li data-count="${esc(k)}"><strong>${v}</strong> ${esc(k)}</li>`).join('')}</ul>`;
}

/** generated/docs/index.html: map, counts, search and the lists every page links back to. */
export function homePage(site: SiteModel): string {
  const map = systemMapSvg({
    services: site.services.map((s) => ({ name: s.name, href: `services/${s.slug}.html`, sends: s.sends.length, receives: s.receives.length })),
    edges: site.events.flatMap((e) => e.message.producers.flatMap((from) => [...new Set(e.deliveries.map((d) => d.service))].map((to) => ({ from, to, bus: e.message.eventbridge?.bus ?? '', event: e.message.name })))),
    buses: site.buses.length ? site.buses : [{ key: '', name: 'no bus' }],
  });
  const heading = `<h1>${esc(site.title)} <span class="badge">${esc(site.version)}</span></h1>`;
  const events = table(
    ['Event', 'Bus', 'Producer', 'Consumers', 'Summary'],
    site.events.map((e) => [
      `${link('', `events/${e.slug}.html`, e.message.name, 'event')}${e.message.deprecated ? deprecatedBadge() : ''}`,
      e.message.eventbridge ? code(e.message.eventbridge.bus) : '',
      e.message.producers.map((p) => esc(p)).join(', '),
      esc([...new Set(e.deliveries.map((d) => d.service))].join(', ')),
      esc(e.message.summary ?? ''),
    ]),
    'No events.',
  );
  const services = table(
    ['Service', 'Sends', 'Receives', 'Queues', 'Description'],
    site.services.map((s) => [link('', `services/${s.slug}.html`, s.name, 'service'), String(s.sends.length), String(s.receives.length), s.queues.map((q) => code(q.model.name)).join(' '), esc(s.description ?? '')]),
    'No services.',
  );
  const flows = list(site.flows.map((f) => `${link('', `flows/${f.slug}.html`, f.name, 'flow')} <span class="muted">${esc(f.description)} ${f.events.length} events.</span>`), 'No flow: no operation summary names an event its service publishes in reaction.');
  const patterns = site.sagas.length || site.gathers.length ? `<section id="patterns"><h2>Sagas and scatter-gathers</h2>${list([...site.sagas.map((s) => `Saga ${esc(s.name)}: ${link('', `services/${slug(s.orchestrator)}.html`, s.orchestrator)}`), ...site.gathers.map((g) => `Scatter-gather ${esc(g.name)}: ${link('', `services/${slug(g.orchestrator)}.html`, g.orchestrator)}`)])}</section>` : '';
  const body = `${site.description ? `<details class="about"><summary>About this system</summary>${paragraphs(site.description)}</details>` : ''}
${counts(site)}
<section id="search" class="search"><label for="q">Search events, services, fields and descriptions</label>
<input id="q" type="search" placeholder="e.g. IncidentCreated, vendorId, refund…" autocomplete="off">
<ol id="results" aria-live="polite"></ol></section>
<section id="map"><h2>System map</h2><p class="muted">Services and the events between them (arrows: producer → consumer, the number of events; hover for names). Click a service to open it. <a href="asyncapi.html">Raw AsyncAPI view</a>.</p>${map}</section>
<section id="events"><h2>Events</h2>${events}</section>
<section id="services"><h2>Services</h2>${services}</section>
<section id="flows"><h2>Flows</h2><p class="muted">Derived from the spec: a receive operation or HTTP command whose summary names an event its service publishes causes that event.</p>${flows}</section>
${patterns}`;
  return page({ title: 'Home', root: '', heading, body, siteTitle: `${site.title} ${site.version}`, scripts: ['assets/search-index.js'] });
}

/** generated/docs/flows/<slug>.html */
export function flowPage(site: SiteModel, f: FlowView): string {
  const heading = `<p class="crumbs">${link('../', 'index.html#flows', 'Flows')} /</p><h1>${esc(f.name)}</h1><p class="lead">${esc(f.description)}</p>`;
  const body = `<section id="sequence"><h2>Sequence</h2><div class="scroll">${sequenceSvg(f.participants, f.steps, '../', serviceHref(site))}</div></section>
<section id="flow-events"><h2>Events, in order</h2>${list(f.events.map((e) => link('../', `events/${slug(e)}.html`, e, 'event')))}</section>
<section id="participants"><h2>Services</h2>${list(f.participants.map((p) => (serviceHref(site)(p) ? link('../', serviceHref(site)(p) as string, p, 'service') : esc(p))))}</section>`;
  return page({ title: f.name, root: '../', heading, body, siteTitle: `${site.title} ${site.version}` });
}
