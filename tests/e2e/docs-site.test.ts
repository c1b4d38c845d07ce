import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freshDir, generate, ROOT, screenshotPath } from '../helpers/codegen';

// The generated event docs, in a real browser, opened from disk as users open them: search,
// an event's page with its real route (producer, consumers, rule pattern, queue), PII
// redacted in the example, links to a service and a flow, the raw AsyncAPI view. Any
// console error, page error or request leaving file:// fails the test.

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const LAUNCH = { executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] };
const DOCS = join(ROOT, 'generated', 'docs');
/** What the map and counts must show: the catalog codegen wrote from the same spec. */
const CATALOG = JSON.parse(readFileSync(join(ROOT, 'generated', 'catalog.json'), 'utf8')) as { services: unknown[]; events: unknown[] };

let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch(LAUNCH);
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** A fresh page that records every console error, page error and non-file request. */
async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (!request.url().startsWith('file://')) problems.push(`request outside file://: ${request.url()}`);
  });
  return { page, problems };
}

const url = (file: string): string => pathToFileURL(file).href;

function htmlPages(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? htmlPages(path) : entry.endsWith('.html') ? [path] : [];
  });
}

describe('Roadcall event docs (generated/docs), from file://', () => {
  it('finds IncidentCreated by search and shows its producer, consumers, rule, queue and a redacted example; links to a service and a flow', async () => {
    // Prepare
    const { page, problems } = await watchedPage();
    await page.goto(url(join(DOCS, 'index.html')));
    expect(await page.locator('svg.system-map a.node').count()).toBe(CATALOG.services.length);
    expect(await page.locator('[data-count="events"] strong').textContent()).toBe(String(CATALOG.events.length));
    // Tall enough to show the whole system map under the counts and the search box.
    await page.setViewportSize({ width: 1280, height: 1380 });
    await page.screenshot({ path: screenshotPath('screenshots/home.png') });
    await page.setViewportSize({ width: 1280, height: 900 });

    // Act: search, then open the first result
    await page.fill('#q', 'IncidentCreated');
    const first = page.locator('#results a.result').first();
    expect(await first.textContent()).toBe('IncidentCreated');
    await Promise.all([page.waitForURL(/events\/IncidentCreated\.html$/), first.click()]);

    // Assess: the event's route as the generated infra wires it
    expect(await page.locator('h1').textContent()).toContain('Incident created');
    expect(await page.locator('.hop.producer').textContent()).toContain('incident');
    const consumers = await page.locator('[data-consumer]').evaluateAll((els) => els.map((e) => e.getAttribute('data-consumer')));
    expect(consumers).toEqual(['match', 'reporting']);
    const match = page.locator('[data-consumer="match"]');
    expect(await match.locator('.queue').textContent()).toBe('match-queue');
    expect(await match.textContent()).toMatch(/match-dlq after 3 receives/);
    type Clause = { source?: string[]; 'detail-type'?: string[] };
    const pattern = JSON.parse((await match.locator('pre.pattern').textContent()) ?? '{}') as Clause & { $or?: Clause[] };
    const clauses = pattern.$or ?? [pattern];
    expect(clauses.filter((c) => c['detail-type']?.includes('IncidentCreated')).map((c) => c.source)).toEqual([['roadcall.incident']]);
    expect(await match.textContent()).toContain('functions/match/consumer.ts');
    const example = (await page.locator('pre.example').first().textContent()) ?? '';
    expect(example).toContain('"phone": "«redacted: x-pii»"');
    expect(example).not.toContain('+14155550142');
    expect(await page.locator('.badge.pii').count()).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('screenshots/event.png') });

    // Act + Assess: to the producer's service page, then to one of its flows
    await Promise.all([page.waitForURL(/services\/incident\.html$/), page.locator('.hop.producer a.service').click()]);
    expect(await page.locator('h1').textContent()).toBe('incident');
    expect(await page.locator('#queues').textContent()).toContain('incident-dlq');
    await Promise.all([page.waitForURL(/flows\/[^/]+\.html$/), page.locator('#flows a.flow').first().click()]);
    expect(await page.locator('svg.sequence').count()).toBe(1);
    expect(await page.locator('svg.sequence a').count()).toBeGreaterThan(1);

    // The raw AsyncAPI view is one link away and renders
    await Promise.all([page.waitForURL(/asyncapi\.html$/), page.locator('header nav a', { hasText: 'Raw AsyncAPI' }).click()]);
    await page.locator('#asyncapi #introduction, #asyncapi .aui-root').first().waitFor({ timeout: 30_000 });
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});

describe.each([
  ['the edge-case spec (no x-eventbridge)', 'tests/fixtures/specs/edge/asyncapi.yaml'],
  ['the mini spec', 'tests/fixtures/specs/mini/asyncapi.yaml'],
])('docs generated for %s', (_label, spec) => {
  it('renders every page without a console error or a request outside file://', async () => {
    // Prepare
    const dir = freshDir(`docs-site-${spec.split('/')[3] ?? 'spec'}`);
    await generate(spec, dir, { stubs: false });
    const docs = join(dir, 'generated', 'docs');
    const pages = htmlPages(docs);
    const { page, problems } = await watchedPage();

    // Act
    const rendered: string[] = [];
    for (const file of pages) {
      await page.goto(url(file));
      const name = relative(docs, file);
      if (name === 'asyncapi.html') await page.locator('#asyncapi #introduction, #asyncapi .aui-root').first().waitFor({ timeout: 30_000 });
      else if ((await page.locator('main h1').count()) === 1) rendered.push(name);
    }

    // Assess
    expect(pages.length).toBeGreaterThan(3);
    expect(rendered.length).toBe(pages.length - 1);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
