import { randomUUID } from 'node:crypto';
import { ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { createSqsClient } from '../../lib/clients';
import type { ReplayStartResult } from '../../scripts/ops/replay';
import type { TraceResult } from '../../scripts/ops/trace';
import { records, until } from '../helpers/local-cloud';
import { startOpsCloud, STAGE, type OpsCloud, type RecordLine } from '../helpers/ops-cloud';

// `npm run ops -- replay ...` with the real SDK against a local cloud: replays by time
// window, by correlation id (only that flow comes back), by detail-type, and dry runs.

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

let oc: OpsCloud;
const lines = (): RecordLine[] => records(oc.recordFile) as unknown as RecordLine[];
const replayed = (name: string): RecordLine[] => lines().filter((l) => l.replayName === name);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const flowA = randomUUID();
const flowB = randomUUID();
const ids: Record<string, string> = {};
let windowStart: string;
let windowEnd: string;
let late: string;

beforeAll(async () => {
  oc = await startOpsCloud('ops-replay');
  await oc.put('OrderPlaced', randomUUID()); // before the window
  await sleep(50);
  windowStart = new Date().toISOString();
  ids['placedA'] = await oc.put('OrderPlaced', flowA);
  ids['paidA'] = await oc.put('OrderPaid', flowA, {}, ids['placedA']);
  ids['placedB'] = await oc.put('OrderPlaced', flowB);
  ids['paidB'] = await oc.put('OrderPaid', flowB, {}, ids['placedB']);
  await sleep(50);
  windowEnd = new Date().toISOString();
  await sleep(50);
  late = await oc.put('OrderPlaced', flowA); // after the window
  await until(lines, (l) => l.length === 6, 60_000); // the consumer starts cold (esbuild + worker) on a busy machine
}, 120_000);

afterAll(async () => {
  await oc?.stop();
});

async function leftovers(): Promise<{ rules: string[]; queues: string[] }> {
  const sqs = createSqsClient({ endpoint: oc.cloud.urls.aws, env: {} });
  try {
    const rules = (await oc.events.send(new ListRulesCommand({ EventBusName: `shop-events-${STAGE}` }))).Rules ?? [];
    const queues = (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'shop-t-ops-' }))).QueueUrls ?? [];
    return { rules: rules.map((r) => r.Name ?? '').filter((n) => n.startsWith('ops-')), queues };
  } finally {
    sqs.destroy();
  }
}

describe('ops replay', () => {
  it('replays a time window to the bus: exactly the window\'s events come back, marked with the replay name', async () => {
    const { result, lines: out } = await oc.ops('replay', 'start', '--archive', 'core', '--start', windowStart, '--end', windowEnd, '--replay-name', 'window-1', '--wait', '--yes');
    expect((result as ReplayStartResult).state).toBe('COMPLETED');
    expect(out.at(-1)).toMatch(/window-1 \[#{30}\] 100% COMPLETED/);
    await until(() => replayed('window-1'), (l) => l.length === 4, 10_000);
    await sleep(300);
    expect(replayed('window-1').map((l) => l.eventId).sort()).toEqual([ids['placedA'], ids['paidA'], ids['placedB'], ids['paidB']].sort());
    const status = await oc.ops('replay', 'status', '--replay-name', 'window-1');
    expect(status.result).toBe('COMPLETED');
    expect(status.lines.join('\n')).toContain(`window    ${windowStart}`);
    expect((await oc.ops('replay', 'list')).lines.join('\n')).toMatch(/window-1\s+COMPLETED/);
  });

  it('replays one flow by correlation id: only its events are redelivered, the temporary rule and queue are gone after', async () => {
    const { result } = await oc.ops('replay', 'start', '--start', windowStart, '--end', 'now', '--correlation-id', flowA, '--replay-name', 'flow-a', '--yes');
    expect(result).toMatchObject({ state: 'COMPLETED', forwarded: { [`shop-${STAGE}-orders-queue`]: 3 } });
    await until(() => replayed('flow-a'), (l) => l.length === 3, 10_000);
    await sleep(300);
    expect(replayed('flow-a').map((l) => l.eventId).sort()).toEqual([ids['placedA'], ids['paidA'], late].sort());
    expect(replayed('flow-a').every((l) => l.correlationId === flowA)).toBe(true);
    expect(await leftovers()).toEqual({ rules: [], queues: [] });
  });

  it('replays by detail-type through a temporary rule in the replay\'s FilterArns', async () => {
    const { result, lines: out } = await oc.ops('replay', 'start', '--start', windowStart, '--end', windowEnd, '--detail-type', 'OrderPaid', '--replay-name', 'paid-only', '--yes');
    expect(result).toMatchObject({ state: 'COMPLETED' });
    expect(out.join('\n')).toContain('only events matching {"detail-type":["OrderPaid"]}');
    await until(() => replayed('paid-only'), (l) => l.length === 2, 10_000);
    await sleep(300);
    expect(replayed('paid-only').map((l) => l.eventId).sort()).toEqual([ids['paidA'], ids['paidB']].sort());
    const status = await oc.ops('replay', 'status', '--replay-name', 'paid-only');
    expect(status.lines.join('\n')).toMatch(/rules {5}ops-replay-[0-9a-f]{8}/);
  });

  it('a dry run lists what would be replayed and the consumers that would get it, and delivers nothing', async () => {
    const before = lines().length;
    const { result, lines: out } = await oc.ops('replay', 'start', '--start', windowStart, '--end', windowEnd, '--source', 'shop.orders', '--detail-type', 'OrderPlaced', '--dry-run');
    const dry = (result as ReplayStartResult).dryRun;
    expect(dry?.events.map((e) => (e.event.detail as { metadata: { eventId: string } }).metadata.eventId).sort()).toEqual([ids['placedA'], ids['placedB']].sort());
    expect(dry?.consumers).toEqual({ [`shop-${STAGE}-orders-queue-core -> shop-${STAGE}-orders-queue`]: 2 });
    expect(out.join('\n')).toContain('2 event(s) would be replayed');
    await sleep(500);
    expect(lines().length).toBe(before);
    expect(await leftovers()).toEqual({ rules: [], queues: [] });
  });

  it('trace reads a flow from the archive, as on AWS (and locally when the event log is gone): the tree by causation id', async () => {
    const { result, lines: out } = await oc.ops('trace', flowA, '--from', 'archive', '--since', windowStart);
    const trace = result as TraceResult;
    expect(trace.roots.map((r) => [r.eventId, r.children.map((c) => c.eventId)])).toEqual([
      [ids['placedA'], [ids['paidA']]],
      [late, []],
    ]);
    expect(trace.roots[0]?.routes).toEqual([`shop-${STAGE}-orders-queue-core -> shop-${STAGE}-orders-queue`]);
    // The archive holds originals only: the replays of this flow are not in it.
    expect(trace.roots[0]?.replays).toEqual([]);
    expect(out[0]).toMatch(new RegExp(`^trace ${flowA}: 3 event\\(s\\)`));
    expect(await leftovers()).toEqual({ rules: [], queues: [] });
  });

  it('trace from the event log names the replays that redelivered each event (not dry runs, not replays no rule took)', async () => {
    const { result, lines: out } = await oc.ops('trace', flowA);
    const trace = result as TraceResult;
    const placed = trace.roots.find((r) => r.eventId === ids['placedA']);
    expect(placed?.replays).toEqual(['window-1', 'flow-a']);
    expect(placed?.children[0]?.replays).toEqual(['window-1', 'flow-a', 'paid-only']);
    expect(trace.roots.find((r) => r.eventId === late)?.replays).toEqual(['flow-a']);
    expect(out.join('\n')).toContain(`OrderPlaced  (shop.orders on shop-events-t)  ${ids['placedA']}  replayed by window-1, flow-a`);
  });

  it('says what is wrong with bad input, and refuses to cancel a finished replay', async () => {
    await expect(oc.ops('replay', 'start', '--start', windowEnd, '--end', windowStart, '--yes')).rejects.toThrow('--end must be after --start');
    await expect(oc.ops('replay', 'start', '--start', 'yesterday', '--yes')).rejects.toThrow('"yesterday" is not a time');
    await expect(oc.ops('replay', 'start', '--archive', 'nope', '--start', '-1h', '--yes')).rejects.toThrow('unknown event bus "nope": the catalog has core (shop-events-t), errors (shop-errors-t)');
    await expect(oc.ops('replay', 'start', '--start', '-1h')).rejects.toThrow(/not confirmed/);
    await expect(oc.ops('replay', 'start', '--archive', 'core', '--event-bus', 'errors', '--start', '-1h', '--yes')).rejects.toThrow('archive shop-events-t belongs to bus shop-events-t; EventBridge replays only to the archive\'s own bus');
    // seed 004's spelling: --event-bus as an ARN, --replay for status.
    expect((await oc.ops('replay', 'status', '--replay', 'window-1')).result).toBe('COMPLETED');
    expect((await oc.ops('replay', 'status', 'window-1')).result).toBe('COMPLETED');
    await expect(oc.ops('replay', 'cancel', '--replay-name', 'window-1')).rejects.toThrow(/COMPLETED and cannot be cancelled/);
  });
});
