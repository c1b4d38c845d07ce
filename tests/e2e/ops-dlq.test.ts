import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { createSqsClient } from '../../lib/clients';
import type { PeekedMessage, DlqInfo, RedriveResult } from '../../scripts/ops/dlq';
import { resolveTarget } from '../../scripts/ops/target';
import { trace, type TraceNode, type TraceResult } from '../../scripts/ops/trace';
import { records, until } from '../helpers/local-cloud';
import { startOpsCloud, STAGE, type OpsCloud, type RecordLine } from '../helpers/ops-cloud';

// `npm run ops -- dlq ...` with the real SDK against a local cloud: a consumer fails some
// events until they reach its DLQ and reports each on the errors bus.

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

let oc: OpsCloud;
const lines = (file: string): RecordLine[] => records(file) as unknown as RecordLine[];

async function dlqDepth(): Promise<{ visible: number; hidden: number }> {
  const sqs = createSqsClient({ endpoint: oc.cloud.urls.aws, env: {} });
  try {
    const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: `shop-${STAGE}-orders-dlq` }))).QueueUrl;
    const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes ?? {};
    return { visible: Number(a['ApproximateNumberOfMessages']), hidden: Number(a['ApproximateNumberOfMessagesNotVisible']) };
  } finally {
    sqs.destroy();
  }
}

const flowA = randomUUID();
const flowB = randomUUID();
const failed: Record<string, string> = {};

beforeAll(async () => {
  oc = await startOpsCloud('ops-dlq');
  // Three poison events: two PaymentRequested (flow A, flow B) and one RefundRequested; one event that succeeds.
  failed['paymentA'] = await oc.put('PaymentRequested', flowA, { fail: true, reason: 'card processor refused the charge' });
  failed['paymentB'] = await oc.put('PaymentRequested', flowB, { fail: true, reason: 'card processor timed out' });
  failed['refund'] = await oc.put('RefundRequested', flowB, { fail: true, reason: 'refund window closed' });
  await oc.put('OrderPlaced', flowA);
  await until(dlqDepth, (d) => d.visible === 3, 60_000); // cold consumer, then 2 receives 1 s apart
}, 120_000);

afterAll(async () => {
  await oc?.stop();
});

describe('ops dlq', () => {
  it('list shows every DLQ of the stage with its depth, oldest age and source queue', async () => {
    const { result, lines: out } = await oc.ops('dlq', 'list');
    const dlqs = result as DlqInfo[];
    expect(dlqs.map((d) => d.name)).toEqual([`shop-${STAGE}-orders-dlq`]);
    expect(dlqs[0]).toMatchObject({ depth: 3, sources: [`shop-${STAGE}-orders-queue`] });
    expect(dlqs[0]?.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(out.join('\n')).toMatch(/orders-dlq\s+3\s+0\s+\d+ s\s+orders-queue/);
    // Listing left the messages visible.
    expect(await dlqDepth()).toEqual({ visible: 3, hidden: 0 });
  });

  it('peek shows detail-type, ids, receive count and the error the errors bus recorded', async () => {
    const { result, lines: out } = await oc.ops('dlq', 'peek', 'orders-dlq');
    const peeked = result as PeekedMessage[];
    expect(peeked).toHaveLength(3);
    const a = peeked.find((p) => p.eventId === failed['paymentA']);
    expect(a).toMatchObject({ detailType: 'PaymentRequested', correlationId: flowA });
    expect(a?.receiveCount).toBeGreaterThanOrEqual(2);
    expect(a?.error).toMatchObject({ errorCode: 'HANDLER_FAILED', errorMessage: 'card processor refused the charge', function: 'orders-consumer' });
    expect(peeked.find((p) => p.eventId === failed['refund'])?.error?.errorMessage).toBe('refund window closed');
    expect(out.join('\n')).toContain('error: HANDLER_FAILED: card processor timed out (in orders-consumer)');
    expect(await dlqDepth()).toEqual({ visible: 3, hidden: 0 });
  });

  it('peek --errors-since reads the errors from the archives instead, as on AWS', async () => {
    const { result } = await oc.ops('dlq', 'peek', 'orders-dlq', '--errors-since', '-10m');
    const peeked = result as PeekedMessage[];
    expect(peeked.map((p) => [p.eventId, p.error?.errorMessage]).sort()).toEqual(
      [
        [failed['paymentA'], 'card processor refused the charge'],
        [failed['paymentB'], 'card processor timed out'],
        [failed['refund'], 'refund window closed'],
      ].sort(),
    );
  });

  it('trace shows the failed event with its failed invocations, its recorded error and its DLQ message', async () => {
    const { result, lines: out } = await oc.ops('trace', flowA);
    const trace = result as TraceResult;
    expect(trace.roots.map((r) => r.detailType).sort()).toEqual(['OrderPlaced', 'PaymentRequested']);
    const payment = trace.roots.find((r) => r.detailType === 'PaymentRequested') as TraceNode;
    expect(payment.eventId).toBe(failed['paymentA']);
    expect(payment.handledBy.length).toBeGreaterThanOrEqual(2);
    expect(payment.handledBy.every((h) => h.function === 'shop-t-orders-consumer' && !h.ok)).toBe(true);
    expect(payment.errors).toEqual([expect.objectContaining({ errorCode: 'HANDLER_FAILED', errorMessage: 'card processor refused the charge' })]);
    // The error event itself is part of the flow, caused by the failed event.
    expect(payment.children.map((c) => `${c.bus} ${c.detailType}`)).toEqual(['shop-errors-t ErrorOccurred']);
    expect(trace.dlq).toEqual([expect.objectContaining({ queue: 'orders-dlq', eventId: failed['paymentA'], detailType: 'PaymentRequested' })]);
    const text = out.join('\n');
    expect(text).toContain(`✗ +`);
    expect(text).toContain('✗ error HANDLER_FAILED: card processor refused the charge (in orders-consumer)');
    expect(text).toMatch(/✗ in DLQ orders-dlq \(message [0-9a-f-]{36}\)/);
    expect(await dlqDepth()).toEqual({ visible: 3, hidden: 0 });
  });

  it('trace with dlq: false (the console redrawing an open flow) does not receive the DLQ messages', async () => {
    const receiveCounts = async (): Promise<Record<string, number>> =>
      Object.fromEntries(((await oc.ops('dlq', 'peek', 'orders-dlq')).result as PeekedMessage[]).map((p) => [p.eventId ?? '', p.receiveCount ?? 0]));
    const target = await resolveTarget({ root: oc.root, local: true, endpoint: oc.cloud.urls.aws, out: () => undefined });
    // A peek counts one receive of every message (finding the DLQ does not look into it)
    const first = await receiveCounts();
    const second = await receiveCounts();
    const ids = Object.keys(first).sort();
    expect(ids).toHaveLength(3);
    const peek = (second[ids[0] as string] ?? 0) - (first[ids[0] as string] ?? 0);
    expect(peek).toBe(1);

    const without = await trace(target, flowA, { dlq: false });
    const afterWithout = await receiveCounts();
    expect(without.dlq).toEqual([]);
    expect(without.roots.map((r) => r.detailType).sort()).toEqual(['OrderPlaced', 'PaymentRequested']);
    for (const id of ids) expect(afterWithout[id]).toBe((second[id] ?? 0) + peek);

    // The default look receives each of them once
    expect((await trace(target, flowA)).dlq).toHaveLength(1);
    const afterLook = await receiveCounts();
    for (const id of ids) expect(afterLook[id]).toBe((afterWithout[id] ?? 0) + peek + 1);
    expect(await dlqDepth()).toEqual({ visible: 3, hidden: 0 });
  });

  it('names an unknown queue and the DLQs there are', async () => {
    await expect(oc.ops('dlq', 'peek', 'nope-dlq')).rejects.toThrow('unknown DLQ "nope-dlq": the DLQs of stage t are orders-dlq');
  });

  it('redrive and purge ask first', async () => {
    await expect(oc.ops('dlq', 'redrive', 'orders-dlq')).rejects.toThrow(/not confirmed.*--yes/);
    await expect(oc.ops('dlq', 'purge', 'orders-dlq')).rejects.toThrow(/--yes/);
    expect((await dlqDepth()).visible).toBe(3);
  });

  it('a filtered redrive moves only the matching messages and keeps the others in the DLQ', async () => {
    const before = lines(oc.recordFile).length;
    const { result } = await oc.ops('dlq', 'redrive', 'orders-dlq', '--filter', JSON.stringify({ 'detail-type': ['PaymentRequested'], detail: { metadata: { correlationId: [flowA] } } }), '--yes');
    expect(result as RedriveResult).toEqual({ moved: 1, kept: 2 });
    // The one redriven event reaches the consumer again (and fails again: it is still poison).
    await until(() => lines(oc.recordFile).slice(before), (l) => l.some((r) => r.eventId === failed['paymentA']), 10_000);
    expect(lines(oc.recordFile).slice(before).every((r) => r.eventId === failed['paymentA'])).toBe(true);
    // The two others are still there, visible and unchanged; the redriven one comes back after 2 more receives.
    const peek = (await oc.ops('dlq', 'peek', 'orders-dlq')).result as PeekedMessage[];
    expect(peek.map((p) => p.eventId)).toEqual(expect.arrayContaining([failed['paymentB'], failed['refund']]));
    await until(dlqDepth, (d) => d.visible === 3, 15_000);
  });

  it('refuses a filter that is no event pattern', async () => {
    await expect(oc.ops('dlq', 'redrive', 'orders-dlq', '--filter', '{"detail-type":"PaymentRequested"}', '--yes')).rejects.toThrow(/--filter is not an event pattern/);
    expect((await dlqDepth()).visible).toBe(3);
  });

  it('an unfiltered redrive moves everything back with a message move task; purge empties the DLQ', async () => {
    const { result } = await oc.ops('dlq', 'redrive', 'orders-dlq', '--rate', '50', '--yes');
    expect((result as RedriveResult).taskHandle).toBeTruthy();
    // All three come back to the consumer (and, still poison, return to the DLQ).
    const before = lines(oc.recordFile).length;
    await until(() => new Set(lines(oc.recordFile).slice(before).map((r) => r.eventId)), (s) => s.size === 3, 15_000);
    await until(dlqDepth, (d) => d.visible === 3, 15_000);
    expect((await oc.ops('dlq', 'purge', 'orders-dlq', '--yes')).result).toBe(3);
    expect(await dlqDepth()).toEqual({ visible: 0, hidden: 0 });
  });
});
