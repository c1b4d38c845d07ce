import { join, resolve } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LocalCloud } from '../../../../local/runtime';
import { freshDir } from '../../../../tests/helpers/codegen';
import { packageStage, type Template } from '../../../../tests/helpers/template';

// The EdTech example on a local cloud for its end-to-end tests: the example's own
// packaged template (osls from examples/edtech), its functions built from its folder,
// HTTP calls with a token of the test stage's audience, the events seen on the bus, and
// the SQS / EventBridge clients and direct invocations the DLQ and idempotency tests use.

export type Body = Record<string, unknown>;
export const PROJECT = resolve(__dirname, '..', '..');
/** The test stage's JWT audience (serverless.yml params). */
export const TEST_AUDIENCE = 'edtech-api-test';

export interface EdtechCloud {
  cloud: LocalCloud;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }>;
  /** The data of the events of one detail-type whose data has `key: value`. */
  seen(detailType: string, key: string, value: unknown): Body[];
  /** ApproximateNumberOfMessages of every queue whose name ends with `-dlq`. */
  dlqDepths(): Promise<Record<string, number>>;
  /** The url of a queue of the test stage by its spec name (`payments-dlq`). */
  queueUrl(name: string): Promise<string>;
  /** Invokes a function of the test stage by its short name (`dlq-processor`). */
  invoke(fn: string, event: unknown): Promise<unknown>;
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
  stop(): Promise<void>;
}

/** Packages the example's test stage (`tweak` may change the template) and runs it on free ports, in memory. */
export async function startEdtechCloud(name: string, tweak: (t: Template) => Template = (t) => t): Promise<EdtechCloud> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  const dir = freshDir(name);
  const template = tweak(packageStage('test', join(dir, 'package'), PROJECT));
  const cloud = new LocalCloud({ root: PROJECT, template: template as unknown as Record<string, unknown>, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(dir, 'build'), pidDir: join(dir, 'pids'), watch: false });
  await cloud.start();
  const token = cloud.issuer.mint({ aud: TEST_AUDIENCE });
  const sqs = new SQSClient({ endpoint: cloud.urls.aws, region: cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const eventBridge = new EventBridgeClient({ endpoint: cloud.urls.aws, region: cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return {
    cloud,
    sqs,
    eventBridge,
    async queueUrl(name) {
      const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}));
      const url = QueueUrls.find((u) => u.endsWith(`/edtech-test-${name}`));
      if (!url) throw new Error(`no queue edtech-test-${name}`);
      return url;
    },
    async invoke(fn, event) {
      const out = await cloud.runner.invoke(`edtech-test-${fn}`, event);
      if (!out.ok) throw new Error(`${fn} failed: ${out.error?.errorMessage ?? 'unknown error'}`);
      return out.result;
    },
    async call(method, path, body) {
      const res = await fetch(`${cloud.urls.http}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Body) : {} };
    },
    seen: (detailType, key, value) =>
      cloud
        .recentEvents({})
        .filter((e) => e.event['detail-type'] === detailType && (e.event.detail as { data: Body }).data[key] === value)
        .map((e) => (e.event.detail as { data: Body }).data),
    async dlqDepths() {
      const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}));
      const depths: Record<string, number> = {};
      for (const url of QueueUrls.filter((u) => u.endsWith('-dlq'))) {
        const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }));
        depths[url.slice(url.lastIndexOf('/') + 1)] = Number(out.Attributes?.['ApproximateNumberOfMessages'] ?? NaN);
      }
      return depths;
    },
    async stop() {
      sqs.destroy();
      eventBridge.destroy();
      await cloud.stop();
    },
  };
}

/** Sets environment variables on the function named `<service>-<stage>-<fn>` in the template. */
export function withFunctionEnv(template: Template, fn: string, vars: Record<string, string>): Template {
  const found = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function' && String(r.Properties['FunctionName']).endsWith(`-${fn}`));
  if (found.length !== 1) throw new Error(`the template has ${found.length} functions named *-${fn}`);
  for (const r of found) {
    const env = ((r.Properties['Environment'] ??= {}) as { Variables?: Record<string, unknown> });
    env.Variables = { ...env.Variables, ...vars };
  }
  return template;
}
