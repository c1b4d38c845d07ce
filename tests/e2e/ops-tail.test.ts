import { randomUUID } from 'node:crypto';
import { ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { createSqsClient } from '../../lib/clients';
import { runOps } from '../../scripts/ops/cli';
import type { TailedEvent } from '../../scripts/ops/tail';
import { tail } from '../../scripts/ops/tail';
import { resolveTarget, destroyTarget } from '../../scripts/ops/target';
import { until } from '../helpers/local-cloud';
import { startOpsCloud, type OpsCloud } from '../helpers/ops-cloud';

// `npm run ops -- tail` with the real SDK against a local cloud: it shows events put after it
// started (not those before), filtered by detail-type or correlation id, and stops on abort.

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

let oc: OpsCloud;

beforeAll(async () => {
  oc = await startOpsCloud('ops-tail');
}, 120_000);

afterAll(async () => {
  await oc?.stop();
});

async function tailing(filter: { detailTypes?: string[]; correlationId?: string; via?: 'rule' }, during: () => Promise<void>, expected: number): Promise<TailedEvent[]> {
  const seen: TailedEvent[] = [];
  const controller = new AbortController();
  const target = await resolveTarget({ root: oc.root, endpoint: oc.cloud.urls.aws, out: () => undefined });
  try {
    const running = tail(target, { ...filter, signal: controller.signal, pollMs: 50, onEvent: (e) => seen.push(e) });
    await during();
    await until(() => seen.length, (n) => n >= expected, 30_000);
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    expect(await running).toBe(seen.length);
  } finally {
    destroyTarget(target);
  }
  return seen;
}

describe('ops tail', () => {
  it('shows the events put after it started, on every bus, and not those before', async () => {
    const before = await oc.put('OrderPlaced', randomUUID());
    const flow = randomUUID();
    const seen = await tailing({}, async () => {
      await oc.put('OrderPlaced', flow);
      await oc.put('OrderPaid', flow, { fail: true, reason: 'declined' });
    }, 3); // the failing one also makes an ErrorOccurred on the errors bus after 2 receives
    const ids = seen.map((e) => (e.event.detail as { metadata: { eventId: string } }).metadata.eventId);
    expect(ids).not.toContain(before);
    expect(seen.map((e) => `${e.bus} ${e.event['detail-type']}`)).toEqual(['shop-events-t OrderPlaced', 'shop-events-t OrderPaid', 'shop-errors-t ErrorOccurred']);
    expect(seen[0]?.rules).toEqual(['shop-t-orders-queue-core']);
  });

  it('filters by detail-type and by correlation id', async () => {
    const flow = randomUUID();
    const other = randomUUID();
    const byType = await tailing({ detailTypes: ['OrderShipped'] }, async () => {
      await oc.put('OrderPlaced', flow);
      await oc.put('OrderShipped', other);
    }, 1);
    expect(byType.map((e) => e.event['detail-type'])).toEqual(['OrderShipped']);
    const byFlow = await tailing({ correlationId: flow }, async () => {
      await oc.put('OrderPlaced', other);
      await oc.put('OrderShipped', flow);
      await oc.put('OrderPlaced', other);
    }, 1);
    expect(byFlow.map((e) => `${e.event['detail-type']} ${(e.event.detail as { metadata: { correlationId: string } }).metadata.correlationId}`)).toEqual([`OrderShipped ${flow}`]);
  });

  it('as on AWS: through a temporary rule per bus to a temporary queue, removed when it stops', async () => {
    const flow = randomUUID();
    const seen = await tailing({ correlationId: flow, via: 'rule' }, async () => {
      // Started once its temporary rules are on both buses.
      const opsRules = async (): Promise<number> =>
        ((await oc.events.send(new ListRulesCommand({ EventBusName: 'shop-events-t', NamePrefix: 'ops-' }))).Rules ?? []).length + ((await oc.events.send(new ListRulesCommand({ EventBusName: 'shop-errors-t', NamePrefix: 'ops-' }))).Rules ?? []).length;
      await until(opsRules, (n) => n === 2, 5_000);
      const sqs = createSqsClient({ endpoint: oc.cloud.urls.aws, env: {} });
      expect(((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'shop-t-ops-tail-' }))).QueueUrls ?? []).length).toBe(2);
      sqs.destroy();
      await oc.put('OrderPlaced', randomUUID());
      await oc.put('OrderShipped', flow);
    }, 1);
    expect(seen.map((e) => `${e.bus} ${e.event['detail-type']}`)).toEqual(['shop-events-t OrderShipped']);
    const sqs = createSqsClient({ endpoint: oc.cloud.urls.aws, env: {} });
    try {
      expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'shop-t-ops-' }))).QueueUrls ?? []).toEqual([]);
      for (const bus of ['shop-events-t', 'shop-errors-t']) expect(((await oc.events.send(new ListRulesCommand({ EventBusName: bus, NamePrefix: 'ops-' }))).Rules ?? []).length).toBe(0);
    } finally {
      sqs.destroy();
    }
  });

  it('through the CLI: prints one line per event until stopped', async () => {
    const lines: string[] = [];
    const controller = new AbortController();
    const flow = randomUUID();
    const running = runOps(['tail', '--correlation-id', flow, '--endpoint', oc.cloud.urls.aws], { root: oc.root, out: (l) => lines.push(l), signal: controller.signal });
    await until(() => lines.length, (n) => n >= 1, 5_000); // the banner
    await oc.put('OrderShipped', flow);
    await until(() => lines.length, (n) => n >= 2, 5_000);
    controller.abort();
    expect(await running).toBe(1);
    expect(lines[1]).toMatch(new RegExp(`shop-events-t\\s+shop.orders\\s+OrderShipped\\s+[0-9a-f-]{36}\\s+corr ${flow}\\s+-> shop-t-orders-queue-core`));
  });
});
