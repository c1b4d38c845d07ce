import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createSqsClient } from '../../lib/clients';
import { LocalCloud } from '../../local/runtime';
import { CONSOLE_PATH, createConsole } from '../../scripts/console/server';
import { freshDir, ROOT, screenshotPath } from '../helpers/codegen';
import { packageStage } from '../helpers/template';

// The local web console (npm start's /_console) in Chromium, on the Roadcall slice run by
// the local cloud: an incident created through the HTTP API shows up in the live tail, its
// flow opens as a causal tree with handlers and durations; a poison message put on a
// consumer queue reaches its DLQ (the queue shows it) and is redriven from the console's
// button. Any console error or page error fails the test.

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const LAUNCH = { executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] };
const STAGE = 'test';
const DEMO = JSON.parse(readFileSync(join(ROOT, 'functions', 'incident', 'demo-request.json'), 'utf8')) as { path: string; body: unknown };

let cloud: LocalCloud;
let browser: Browser;
let sqs: SQSClient;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  const dir = freshDir('console');
  const template = packageStage(STAGE, join(dir, 'package'));
  cloud = new LocalCloud({ root: ROOT, template: template as unknown as Record<string, unknown>, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(dir, 'build'), watch: false });
  await cloud.start();
  cloud.mount(CONSOLE_PATH, createConsole({ cloud, root: ROOT }));
  sqs = createSqsClient({ endpoint: cloud.urls.aws, env: {} });
  browser = await chromium.launch(LAUNCH);
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (!request.url().startsWith(cloud.urls.http) && !request.url().startsWith('data:')) problems.push(`request outside the local cloud: ${request.url()}`);
  });
  await page.goto(`${cloud.urls.http}${CONSOLE_PATH}`);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  sqs?.destroy();
  await cloud?.stop();
});

async function queueUrl(name: string): Promise<string> {
  return (await sqs.send(new GetQueueUrlCommand({ QueueName: `roadcall-${STAGE}-${name}` }))).QueueUrl as string;
}

async function depth(name: string): Promise<number> {
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: await queueUrl(name), AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes ?? {};
  return Number(a['ApproximateNumberOfMessages']) + Number(a['ApproximateNumberOfMessagesNotVisible']);
}

async function faults(settings: unknown): Promise<void> {
  const res = await fetch(`${cloud.urls.aws}/local/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings) });
  expect(res.status).toBe(200);
}

let correlationId = '';

describe('the local web console', () => {
  it('shows an incident created through the HTTP API in the live tail, then its flow with handlers and times', async () => {
    // Prepare: the page is up and polling
    expect(await page.title()).toBe('Local console');
    expect(await page.locator('#docs-link').getAttribute('href')).toBe('/_console/docs/index.html');

    // Prepare: the flow of a correlation id the client will send, opened before anything happened
    const chosen = randomUUID();
    await page.fill('#flow-correlation-id', chosen);
    await page.click('#flow-form button[type="submit"]');
    await page.waitForFunction("document.getElementById('flow-summary').textContent.startsWith('no event with correlation id')", undefined, { timeout: 10_000 });
    expect(await page.locator('#flow-tree .node').count()).toBe(0);

    // Act: create an incident the way a client does, with its own correlation id
    const token = cloud.issuer.mint({ aud: `roadcall-api-${STAGE}` });
    const res = await fetch(`${cloud.urls.http}${DEMO.path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-correlation-id': chosen }, body: JSON.stringify(DEMO.body) });
    expect(res.status).toBe(202);
    correlationId = res.headers.get('x-correlation-id') ?? '';
    expect(correlationId).toBe(chosen);

    // Assess: the open flow fills in as the incident runs, with no click (redrawn while the tail runs)
    await page.locator('#flow-tree > .node.root[data-detail-type="IncidentCreated"] .node[data-detail-type="VendorAvailabilityRequested"]').first().waitFor({ timeout: 60_000 });

    // Assess: its events arrive in the tail, filtered by its correlation id
    await page.fill('#filter-correlation-id', correlationId);
    await page.dispatchEvent('#filter-correlation-id', 'change');
    const created = page.locator(`#events tbody tr[data-detail-type="IncidentCreated"][data-correlation-id="${correlationId}"]`);
    await created.waitFor({ timeout: 60_000 });
    // The matching round it starts (whether vendors are free or not)
    await page.locator(`#events tbody tr[data-detail-type="VendorAvailabilityRequested"][data-correlation-id="${correlationId}"]`).first().waitFor({ timeout: 90_000 });
    const shown = await page.locator('#events tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-correlation-id')));
    expect(new Set(shown)).toEqual(new Set([correlationId]));

    // Act: pause the tail (rows stop moving), open the flow from the row
    await page.check('#tail-pause');
    // The flow is read when opened. An invocation is logged when its handler returns, which on a
    // loaded machine can come after the event it published is in the tail: open it again until
    // match's invocation is in it (a few times at most).
    const root = page.locator('#flow-tree > .node.root').first();
    let handlers: (string | null)[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      await created.locator('button[data-flow]').click();
      await page.waitForFunction("document.getElementById('flow-summary').textContent !== 'loading...'");
      await root.waitFor();
      handlers = await root.locator(':scope > .handled').evaluateAll((els) => els.map((e) => e.getAttribute('data-function')));
      if (handlers.includes(`roadcall-${STAGE}-match-consumer`)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    // Assess: a causal tree rooted at IncidentCreated, handled by functions with durations
    expect(await root.getAttribute('data-detail-type')).toBe('IncidentCreated');
    expect(await root.locator(':scope > .title').textContent()).toMatch(/^\+0 ms {2}IncidentCreated/);
    expect(handlers).toEqual(expect.arrayContaining([`roadcall-${STAGE}-match-consumer`]));
    expect(await root.locator(':scope > .handled').first().textContent()).toMatch(/\d+ ms ok$/);
    expect(await root.locator(':scope > .node[data-detail-type="VendorAvailabilityRequested"]').count()).toBe(1);
    expect(await page.locator('#flow-summary').textContent()).toMatch(/^\d+ event\(s\) from .*; 0 error\(s\); 0 DLQ message\(s\)$/);
    expect(await page.locator('#flow-tree .node.bad').count()).toBe(0);

    // The functions panel counts the invocations and shows their log lines
    const matchRow = page.locator(`#function-table tr[data-function="roadcall-${STAGE}-match-consumer"]`);
    await matchRow.waitFor();
    // The table is polled every 2 s: the row may still show the count from before the incident
    const counted = await page
      .waitForFunction(`Number(document.querySelector('#function-table tr[data-function="roadcall-${STAGE}-match-consumer"] .invocations')?.textContent ?? '0') > 0`, undefined, { timeout: 10_000 })
      .then(() => true, () => false);
    expect(counted).toBe(true);
    await matchRow.click();
    const logs = page.locator('#function-logs pre.logs').first();
    await logs.waitFor();
    expect(await logs.textContent()).toContain('"service":"match"');

    // The incident's matching round (a scatter-gather) with its status and one step per responder
    const gather = page.locator('#saga-list .saga[data-kind="gather"]', { has: page.locator(`button[data-flow="${correlationId}"]`) });
    await gather.waitFor({ timeout: 30_000 });
    expect(await gather.locator('strong').textContent()).toBe('gather matching');
    const steps = await gather.locator('div:nth-child(2) .chip').allTextContents();
    expect(steps.map((t) => t.split(':')[0]).sort()).toEqual(['pricing', 'tracking', 'vendor']);
    expect(problems).toEqual([]);
  }, 240_000);

  it('shows a poison message reaching the DLQ and redrives it from the button', async () => {
    // Prepare: the reporting consumer cannot put its error event on the bus (so a malformed
    // record is failed, not acknowledged), and its queue gives up after one receive, retried within seconds
    await page.uncheck('#tail-pause');
    await page.fill('#filter-correlation-id', '');
    await page.dispatchEvent('#filter-correlation-id', 'change');
    const queue = await queueUrl('reporting-queue');
    const attributes = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue, AttributeNames: ['RedrivePolicy'] }))).Attributes ?? {};
    const redrivePolicy = JSON.stringify({ ...(JSON.parse(attributes['RedrivePolicy'] ?? '{}') as object), maxReceiveCount: 1 });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queue, Attributes: { VisibilityTimeout: '5', RedrivePolicy: redrivePolicy } }));
    await faults({ seed: 1, faults: [{ service: 'events', operation: 'PutEvents', function: '*-reporting-consumer', kind: 'error', rate: 1 }] });

    // Act: a poison message
    await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'this is not an event' }));

    // Assess: the console shows it in the DLQ, with a redrive button
    const dlqRow = page.locator('#queue-table tr[data-queue="reporting-dlq"]');
    await dlqRow.locator('button[data-redrive]').waitFor({ timeout: 90_000 });
    const inDlq = Number(await dlqRow.locator('.depth').textContent());
    expect(inDlq).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#queue-table tr[data-queue="reporting-queue"] td').nth(4).textContent()).toBe(String(inDlq));
    // The functions table is polled on its own clock: its row turns bad within a poll or two
    await page.locator(`#function-table tr.bad[data-function="roadcall-${STAGE}-reporting-consumer"]`).waitFor({ timeout: 10_000 });

    // Act: the fault is gone; redrive from the console
    await faults({ seed: 1, faults: [] });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queue, Attributes: { VisibilityTimeout: '300', RedrivePolicy: attributes['RedrivePolicy'] ?? '' } }));
    // A refresh that changes other rows leaves the button in the document: Chromium drops a
    // click whose button leaves it between mousedown and mouseup, even if put back at once
    // (the page used to re-insert every row when one changed, and the real click was lost).
    // (A string: the page's DOM, and its global pollQueues from app.js, are not in this project's TypeScript lib.)
    const buttonLeftTable = await page.evaluate(`(async () => {
      const body = document.querySelector('#queue-table tbody');
      const button = body.querySelector('tr[data-queue="reporting-dlq"] button[data-redrive]');
      const other = [...body.rows].find((r) => !r.contains(button));
      other.dataset.depth = 'stale'; // what the next poll must correct
      let left = false;
      const observer = new MutationObserver((mutations) => {
        for (const m of mutations) for (const n of m.removedNodes) if (n.contains(button)) left = true;
      });
      observer.observe(body, { childList: true, subtree: true });
      await pollQueues();
      observer.disconnect();
      return { left, corrected: other.dataset.depth !== 'stale', connected: button.isConnected };
    })()`);
    expect(buttonLeftTable).toEqual({ left: false, corrected: true, connected: true });
    // A real click. On a loaded machine a refresh can still shift the table (another queue's
    // count gaining a digit) between Playwright's hit-target check and the press, so the
    // press lands beside the button: press again while nothing has started, three times at most.
    const status = page.locator('#queue-status');
    for (let attempt = 1; ; attempt++) {
      await dlqRow.locator('button[data-redrive]').click();
      const started = await page.waitForFunction("document.getElementById('queue-status').textContent !== ''", undefined, { timeout: 5_000 }).then(() => true, () => false);
      if (started || attempt === 3) break;
    }
    expect(await status.textContent()).not.toBe('');

    // Assess: moved back, consumed this time (rejected as malformed onto the errors bus), the DLQ empty
    await page.waitForFunction("/^redrive of .* (started|failed)/.test(document.getElementById('queue-status').textContent)", undefined, { timeout: 30_000 }).catch(async (e: unknown) => {
      throw new Error(`${String(e)}: status "${await page.locator('#queue-status').textContent()}", problems ${problems.join('; ')}`);
    });
    expect(await page.locator('#queue-status').textContent()).toMatch(/^redrive of reporting-dlq started: [1-9]\d* message\(s\)/);
    await page.locator('#queue-table tr[data-queue="reporting-dlq"][data-depth="0"]').waitFor({ timeout: 30_000 });
    await page.locator('#events tbody tr.bad[data-detail-type="ErrorOccurred"]').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('#events tbody tr.bad[data-detail-type="ErrorOccurred"] td').nth(3).getAttribute('title')).toMatch(/^EVENT_MALFORMED: /);
    expect(await depth('reporting-dlq')).toBe(0);
    expect(await depth('reporting-queue')).toBe(0);

    // The README's screenshot: the incident's flow open over the live tail
    await page.fill('#flow-correlation-id', correlationId);
    await page.click('#flow-form button[type="submit"]');
    await page.locator('#flow-tree > .node.root').first().waitFor();
    // Playwright scrolled the queues panel sideways to reach the Redrive button: back to its start
    await page.evaluate("document.querySelectorAll('.panel').forEach((p) => { p.scrollLeft = 0; })");
    await page.screenshot({ path: screenshotPath('console.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 180_000);
});
