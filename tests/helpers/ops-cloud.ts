import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { createEventBridgeClient } from '../../lib/clients';
import { runOps } from '../../scripts/ops/cli';
import type { LocalCloud } from '../../local/runtime';
import { startLocalCloud, type Json } from './local-cloud';

/**
 * A small project for the ops commands' end-to-end tests, not Roadcall: its own catalog
 * (buses `shop-events`, `shop-errors`; queue `orders-queue` with DLQ `orders-dlq`) and
 * serverless.yml (service `shop`), and the template the generated infra would give it at stage
 * `t`: each bus archived, a rule routing `shop.orders` to the queue, and the ops-consumer fixture
 * reading it (visibility 1 s, DLQ after 2 receives).
 */
export const STAGE = 't';

export function opsProject(dir: string): string {
  const root = join(dir, 'project');
  mkdirSync(join(root, 'generated'), { recursive: true });
  writeFileSync(join(root, 'serverless.yml'), 'service: shop\nprovider:\n  name: aws\n');
  writeFileSync(
    join(root, 'generated', 'catalog.json'),
    JSON.stringify({
      buses: [
        { key: 'core', name: 'shop-events' },
        { key: 'errors', name: 'shop-errors' },
      ],
      queues: [{ service: 'orders', name: 'orders-queue', dlq: 'orders-dlq' }],
    }),
  );
  return root;
}

export function opsTemplate(recordFile: string): Json {
  return {
    Resources: {
      Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: `shop-events-${STAGE}` } },
      Archive: { Type: 'AWS::Events::Archive', Properties: { ArchiveName: `shop-events-${STAGE}`, SourceArn: { 'Fn::GetAtt': ['Bus', 'Arn'] }, RetentionDays: 1 } },
      ErrorsBus: { Type: 'AWS::Events::EventBus', Properties: { Name: `shop-errors-${STAGE}` } },
      ErrorsArchive: { Type: 'AWS::Events::Archive', Properties: { ArchiveName: `shop-errors-${STAGE}`, SourceArn: { 'Fn::GetAtt': ['ErrorsBus', 'Arn'] }, RetentionDays: 1 } },
      Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `shop-${STAGE}-orders-dlq` } },
      Queue: {
        Type: 'AWS::SQS::Queue',
        Properties: { QueueName: `shop-${STAGE}-orders-queue`, VisibilityTimeout: 1, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 2 } },
      },
      Rule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Name: `shop-${STAGE}-orders-queue-core`,
          EventBusName: { Ref: 'Bus' },
          EventPattern: { source: ['shop.orders'] },
          Targets: [{ Id: 'orders-queue', Arn: { 'Fn::GetAtt': ['Queue', 'Arn'] } }],
        },
      },
      Consumer: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          FunctionName: `shop-${STAGE}-orders-consumer`,
          Handler: 'tests/fixtures/local/ops-consumer.handler',
          Timeout: 5,
          Environment: { Variables: { RECORD_FILE: recordFile, MAX_RECEIVES: '2', ERRORS_BUS: `shop-errors-${STAGE}` } },
        },
      },
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: { EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] }, FunctionName: { 'Fn::GetAtt': ['Consumer', 'Arn'] }, BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] },
      },
    },
  };
}

export interface OpsCloud {
  cloud: LocalCloud;
  root: string;
  recordFile: string;
  events: EventBridgeClient;
  /** Runs an ops command against this cloud; returns its result and its output lines. */
  ops(...argv: string[]): Promise<{ result: unknown; lines: string[] }>;
  /** Puts one `shop.orders` event with an envelope; returns its event id. */
  put(detailType: string, correlationId: string, data?: Record<string, unknown>, causationId?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startOpsCloud(name: string): Promise<OpsCloud> {
  let recordFile = '';
  const { cloud, dir } = await startLocalCloud(name, (d) => {
    recordFile = join(d, 'records.jsonl');
    return opsTemplate(recordFile);
  });
  const root = opsProject(dir);
  const events = createEventBridgeClient({ endpoint: cloud.urls.aws, env: {} });
  return {
    cloud,
    root,
    recordFile,
    events,
    async ops(...argv) {
      const lines: string[] = [];
      const result = await runOps([...argv, '--endpoint', cloud.urls.aws], { root, out: (l) => lines.push(l), confirm: async () => false });
      return { result, lines };
    },
    async put(detailType, correlationId, data = {}, causationId) {
      const eventId = randomUUID();
      const out = await events.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: `shop-events-${STAGE}`,
              Source: 'shop.orders',
              DetailType: detailType,
              Detail: JSON.stringify({ metadata: { eventId, correlationId, ...(causationId ? { causationId } : {}), eventVersion: '1.0', occurredAt: new Date().toISOString(), producer: 'orders' }, data }),
            },
          ],
        }),
      );
      if (out.FailedEntryCount) throw new Error(JSON.stringify(out.Entries));
      return eventId;
    },
    async stop() {
      events.destroy();
      await cloud.stop();
    },
  };
}

export interface RecordLine {
  eventId: string;
  correlationId?: string;
  detailType: string;
  replayName: string | null;
  attempt: number;
}
