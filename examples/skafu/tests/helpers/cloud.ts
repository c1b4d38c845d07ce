import { join, resolve } from 'node:path';
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LocalCloud } from '../../../../local/runtime';
import { freshDir } from '../../../../tests/helpers/codegen';
import { packageStage, type Template } from '../../../../tests/helpers/template';

// The Skafu example on a local cloud for its end-to-end tests: the example's own packaged
// template (osls from examples/skafu), its functions built from its folder, HTTP calls with a
// token of the test stage's audience (and a correlation id), and the events seen on both buses.

export type Body = Record<string, unknown>;
export const PROJECT = resolve(__dirname, '..', '..');
/** The test stage's JWT audience (serverless.yml params). */
export const TEST_AUDIENCE = 'skafu-api-test';

export interface SkafuCloud {
  cloud: LocalCloud;
  /** An HTTP call as user `sub`, with `x-correlation-id: correlationId` when given. */
  call(method: string, path: string, body?: unknown, options?: { correlationId?: string; sub?: string }): Promise<{ status: number; body: Body }>;
  /** The events (detail-type and detail) published with this correlation id, on any bus, oldest first. */
  flow(correlationId: string): { detailType: string; metadata: Body; data: Body }[];
  /** ApproximateNumberOfMessages of every queue whose name ends with `-dlq`. */
  dlqDepths(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/** Packages the example's test stage (`tweak` may change the template) and runs it on free ports, in memory. */
export async function startSkafuCloud(name: string, tweak: (t: Template) => Template = (t) => t): Promise<SkafuCloud> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  const dir = freshDir(name);
  const template = tweak(packageStage('test', join(dir, 'package'), PROJECT));
  const cloud = new LocalCloud({ root: PROJECT, template: template as unknown as Record<string, unknown>, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(dir, 'build'), pidDir: join(dir, 'pids'), watch: false });
  await cloud.start();
  const tokens = new Map<string, string>();
  const token = (sub: string): string => tokens.get(sub) ?? tokens.set(sub, cloud.issuer.mint({ aud: TEST_AUDIENCE, sub })).get(sub) ?? '';
  const sqs = new SQSClient({ endpoint: cloud.urls.aws, region: cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return {
    cloud,
    async call(method, path, body, options = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${token(options.sub ?? 'user-123')}`, 'content-type': 'application/json', ...(options.correlationId ? { 'x-correlation-id': options.correlationId } : {}) };
      const res = await fetch(`${cloud.urls.http}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Body) : {} };
    },
    flow: (correlationId) =>
      cloud.recentEvents({ correlationId }).map((e) => {
        const detail = e.event.detail as { metadata: Body; data: Body };
        return { detailType: e.event['detail-type'], metadata: detail.metadata, data: detail.data };
      }),
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
