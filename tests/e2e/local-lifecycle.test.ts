import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ListArchivesCommand, EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LocalCloud } from '../../local/runtime';
import { freshDir, ROOT } from '../helpers/codegen';
import { until, type Json } from '../helpers/local-cloud';

// The local runtime's life cycle: state survives a restart with a data folder, and an
// edited handler is picked up without a restart.

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

function template(handler: string): Json {
  return {
    Resources: {
      Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'life-bus' } },
      Archive: { Type: 'AWS::Events::Archive', Properties: { ArchiveName: 'life-archive', SourceArn: { 'Fn::GetAtt': ['Bus', 'Arn'] } } },
      Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'life-queue' } },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'life-fn', Handler: handler, Timeout: 3 } },
    },
  };
}

function cloudIn(dir: string, dataDir: string | undefined, handler: string, watch = false): LocalCloud {
  return new LocalCloud({ root: ROOT, template: template(handler), ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir, buildDir: join(dir, 'build'), dynamodb: false, watch });
}

function writeHandler(file: string, answer: string): void {
  writeFileSync(file, `export const handler = async (): Promise<string> => '${answer}';\n`);
}

it('keeps queued messages and archived events across a restart with a data folder', async () => {
  const dir = freshDir('life-persist');
  const handlerFile = join(dir, 'fn.ts');
  writeHandler(handlerFile, 'x');
  const handler = `${relative(ROOT, handlerFile).replace(/\.ts$/, '')}.handler`;
  const dataDir = join(dir, 'data');
  const first = cloudIn(dir, dataDir, handler);
  await first.start();
  const config = (c: LocalCloud): { endpoint: string; region: string; credentials: typeof credentials } => ({ endpoint: c.urls.aws, region: c.region, credentials });
  let sqs = new SQSClient(config(first));
  let eb = new EventBridgeClient(config(first));
  await sqs.send(new SendMessageCommand({ QueueUrl: `${first.urls.aws}/${first.accountId}/life-queue`, MessageBody: 'kept' }));
  await eb.send(new PutEventsCommand({ Entries: [{ Source: 'life', DetailType: 'Kept', Detail: '{}', EventBusName: 'life-bus' }] }));
  sqs.destroy();
  eb.destroy();
  await first.stop();

  const second = cloudIn(dir, dataDir, handler);
  await second.start();
  sqs = new SQSClient(config(second));
  eb = new EventBridgeClient(config(second));
  try {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${second.urls.aws}/${second.accountId}/life-queue`, WaitTimeSeconds: 1 }));
    expect(got.Messages?.map((m) => m.Body)).toEqual(['kept']);
    const archives = (await eb.send(new ListArchivesCommand({}))).Archives ?? [];
    expect(archives.find((a) => a.ArchiveName === 'life-archive')?.EventCount).toBe(1);
  } finally {
    sqs.destroy();
    eb.destroy();
    await second.stop();
  }
}, 60_000);

it('reloads an edited handler without a restart', async () => {
  const dir = freshDir('life-reload');
  mkdirSync(dir, { recursive: true });
  const handlerFile = join(dir, 'fn.ts');
  writeHandler(handlerFile, 'v1');
  const cloud = cloudIn(dir, undefined, `${relative(ROOT, handlerFile).replace(/\.ts$/, '')}.handler`, true);
  await cloud.start();
  try {
    expect((await cloud.runner.invoke('life-fn', {})).result).toBe('v1');
    const reloaded = new Promise((r) => cloud.runner.once('reloaded', r));
    writeHandler(handlerFile, 'v2');
    await reloaded;
    const answer = await until(async () => (await cloud.runner.invoke('life-fn', {})).result, (v) => v === 'v2', 5000);
    expect(answer).toBe('v2');
  } finally {
    await cloud.stop();
  }
}, 60_000);
