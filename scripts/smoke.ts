/**
 * `npm run smoke`: against a running `npm start`, puts one event (the first example of a
 * message from the spec) with the real AWS SDK and follows it to every queue that
 * receives it: delivered, received by the consumer function, and deleted (consumed) or
 * not. Exit 0 when every consumer consumed it.
 *
 *   npm run smoke                          # first message that has consumers
 *   npm run smoke -- --project examples/<name>  # another project of the kit (its spec)
 *   npm run smoke -- --event <MessageName> --endpoint http://127.0.0.1:4566 [--spec <root.yaml>]
 */
import { resolve } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createEventBridgeClient, createSqsClient } from '../lib/clients';
import { loadSpec } from './codegen/load';
import { SpecLocator } from './codegen/locate';
import { buildModel } from './codegen/model';
import { option } from './args';
import { fetchWhenReady } from './local-endpoint';
import { projectConfig, projectRoot } from './project';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

async function main(): Promise<number> {
  const endpoint = option('endpoint', process.env['AWS_ENDPOINT_URL'] ?? 'http://127.0.0.1:4566');
  const timeoutMs = Number(option('timeout', '15')) * 1000;
  const summary = (await (await fetchWhenReady(endpoint, {}, { onWait: (why) => process.stderr.write(`${why}\n`) })).json().catch(() => undefined)) as { buses: string[]; queues: string[] } | undefined;
  if (!summary?.buses) throw new Error(`no local cloud answers on ${endpoint}: run \`npm start\` first`);
  const root = projectRoot();
  const spec = resolve(root, option('spec', '') || projectConfig(root).spec);
  const { document } = await loadSpec(spec);
  const model = buildModel(document, new SpecLocator(spec));
  const wanted = option('event', '');
  const message = model.messages.find((m) => (wanted ? m.name === wanted : m.consumers.some((c) => c.queue && !c.filter)) && m.eventbridge && m.examples.length);
  if (!message?.eventbridge) throw new Error(wanted ? `no message ${wanted} with an example and an EventBridge route in the spec` : 'no message with consumers and an example in the spec');
  const eb = message.eventbridge;
  const busBase = model.buses.find((b) => b.key === eb.bus)?.name ?? eb.bus;
  const bus = summary.buses.find((b) => b.startsWith(`${busBase}-`)) ?? busBase;
  const queues = message.consumers.filter((c) => c.queue && !c.filter).map((c) => ({ service: c.service, url: summary.queues.find((q) => q.endsWith(`-${c.queue}`)) }));

  const client = createEventBridgeClient({ endpoint });
  const sqs = createSqsClient({ endpoint });
  const before = await Promise.all(queues.map(async (q) => (q.url ? attributes(sqs, q.url) : undefined)));
  const out = await client.send(new PutEventsCommand({ Entries: [{ Source: eb.source, DetailType: eb.detailType, Detail: JSON.stringify(message.examples[0]?.payload), EventBusName: bus }] }));
  const entry = out.Entries?.[0];
  if (!entry?.EventId) throw new Error(`PutEvents refused the event: ${entry?.ErrorCode ?? ''} ${entry?.ErrorMessage ?? ''}`);
  process.stdout.write(`put ${eb.source} / ${eb.detailType} on ${bus}: event ${entry.EventId}\n`);

  const deadline = Date.now() + timeoutMs;
  const state = queues.map(() => 'waiting');
  while (Date.now() < deadline && state.some((s) => s !== 'consumed')) {
    await new Promise((r) => setTimeout(r, 250));
    await Promise.all(
      queues.map(async (q, i) => {
        if (!q.url) return void (state[i] = 'no such queue');
        const now = await attributes(sqs, q.url);
        const was = before[i] as QueueCounts;
        const pending = now.visible + now.inFlight;
        state[i] = pending <= was.visible + was.inFlight ? 'consumed' : now.inFlight > was.inFlight ? 'received, not deleted (handler failed? see the npm start log)' : 'queued';
      }),
    );
  }
  for (const [i, q] of queues.entries()) process.stdout.write(`  ${q.service.padEnd(16)} ${state[i]}\n`);
  client.destroy();
  sqs.destroy();
  return state.every((s) => s === 'consumed') ? 0 : 1;
}

interface QueueCounts {
  visible: number;
  inFlight: number;
}

async function attributes(sqs: ReturnType<typeof createSqsClient>, url: string): Promise<QueueCounts> {
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes ?? {};
  return { visible: Number(a['ApproximateNumberOfMessages'] ?? 0), inFlight: Number(a['ApproximateNumberOfMessagesNotVisible'] ?? 0) };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`smoke: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
