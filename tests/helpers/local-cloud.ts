import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalCloud } from '../../local/runtime';
import { freshDir, ROOT } from './codegen';

export type Json = Record<string, unknown>;

/**
 * A minimal packaged-template shape for end-to-end tests of the local runtime: one bus
 * with an archive, a queue with a DLQ (maxReceiveCount 2, visibility 1 s), a rule routing
 * `test.source` events to the queue, and the recorder function reading the queue.
 */
export function recorderTemplate(recordFile: string, options: { batchSize?: number; windowSeconds?: number } = {}): Json {
  return {
    Resources: {
      Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'test-bus' } },
      Archive: { Type: 'AWS::Events::Archive', Properties: { ArchiveName: 'test-archive', SourceArn: { 'Fn::GetAtt': ['Bus', 'Arn'] }, RetentionDays: 1 } },
      Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'test-dlq' } },
      Queue: {
        Type: 'AWS::SQS::Queue',
        Properties: { QueueName: 'test-queue', VisibilityTimeout: 1, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 2 } },
      },
      Rule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Name: 'test-rule',
          EventBusName: { Ref: 'Bus' },
          EventPattern: { source: ['test.source'] },
          Targets: [{ Id: 'queue', Arn: { 'Fn::GetAtt': ['Queue', 'Arn'] } }],
        },
      },
      Recorder: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          FunctionName: 'recorder',
          Handler: 'tests/fixtures/local/recorder.handler',
          Timeout: 5,
          Environment: { Variables: { RECORD_FILE: recordFile, MARKER: { 'Fn::Sub': 'queue=${Queue}' } } },
        },
      },
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
          FunctionName: { 'Fn::GetAtt': ['Recorder', 'Arn'] },
          BatchSize: options.batchSize ?? 10,
          MaximumBatchingWindowInSeconds: options.windowSeconds ?? 0,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        },
      },
    },
  };
}

/** Starts a local cloud on free ports, in memory, without DynamoDB. */
export async function startLocalCloud(name: string, template: (dir: string) => Json): Promise<{ cloud: LocalCloud; dir: string }> {
  const dir = freshDir(name);
  const cloud = new LocalCloud({
    root: ROOT,
    template: template(dir),
    ports: { aws: 0, http: 0, dynamodb: 0 },
    dataDir: undefined,
    buildDir: join(dir, 'build'),
    dynamodb: false,
    watch: false,
  });
  await cloud.start();
  return { cloud, dir };
}

export function records(file: string): { env: string; event: { Records: { messageId: string; body: string; attributes: Record<string, string>; eventSourceARN: string }[] } }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ReturnType<typeof records>[number]);
}

export async function until<T>(probe: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
