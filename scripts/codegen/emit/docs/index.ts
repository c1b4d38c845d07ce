import type { Emitter, GeneratedFile } from '../types';
import { SITE_CSS, SITE_JS } from './assets';
import { asyncapiView } from './asyncapi-view';
import { flowPage, homePage } from './page-home';
import { eventPage } from './page-event';
import { servicePage } from './page-service';
import { searchIndexScript } from './search';
import { buildSiteModel } from './site-model';

export { canonicalReferences } from './asyncapi-view';
export { buildSiteModel, type SiteModel } from './site-model';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * generated/docs/: a static site that opens from disk. Home (system map, counts, search),
 * a page per event (payload, examples with PII redacted, its real route: rule pattern,
 * queue, DLQ, function), a page per service, flows as sequence diagrams, JSON Schema
 * downloads, and the raw AsyncAPI view (asyncapi.html). URLs are stable:
 * `events/<Name>.html`, `services/<name>.html`, `flows/<Name>.html`.
 */
export const emitDocs: Emitter = async (ctx) => {
  const raw = ctx.document.json() as unknown;
  const operations = isObj(raw) && isObj(raw['operations']) ? raw['operations'] : {};
  const operationText = (id: string): string => {
    const op = operations[id];
    return isObj(op) ? [op['summary'], op['description']].filter((t): t is string => typeof t === 'string').join('\n') : '';
  };
  const site = buildSiteModel(ctx.model, operationText);
  const files: GeneratedFile[] = [
    { path: 'docs/index.html', content: homePage(site) },
    { path: 'docs/assets/site.css', content: SITE_CSS },
    { path: 'docs/assets/site.js', content: SITE_JS },
    { path: 'docs/assets/search-index.js', content: searchIndexScript(site) },
    ...site.events.map((e) => ({ path: `docs/events/${e.slug}.html`, content: eventPage(site, e) })),
    ...site.services.map((s) => ({ path: `docs/services/${s.slug}.html`, content: servicePage(site, s) })),
    ...site.flows.map((f) => ({ path: `docs/flows/${f.slug}.html`, content: flowPage(site, f) })),
    ...site.schemas.map((s) => ({ path: `docs/${s.path}`, content: s.content })),
    ...(await asyncapiView(ctx)),
  ];
  return files;
};
