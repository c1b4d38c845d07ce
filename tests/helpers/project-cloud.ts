import { join } from 'node:path';
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LocalCloud } from '../../local/runtime';
import type { DemoSession } from '../../scripts/demo';
import { freshDir, ROOT } from './codegen';
import { until } from './local-cloud';
import { packageStage, type Template } from './template';

// A project (the root, or an example under examples/<name>) on a local cloud for its
// end-to-end tests: its own packaged test stage (osls from its folder, `tweak` may change the
// template), its functions built from its folder, on free ports, in memory; HTTP calls with
// a token of the stage's JWT audience; the events seen on its buses; its DLQs' depths. The
// Roadcall helper (roadcall-cloud.ts) and each example's tests/helpers/cloud.ts build on it.

export type Body = Record<string, unknown>;

export interface ProjectCloudOptions {
  /** Names the test's scratch folder (packaging, bundles). */
  name: string;
  /** The project's folder (default: the root project). */
  project?: string;
  /** The JWT audience of the stage's HTTP API (its serverless.yml params). */
  audience: string;
  /** The stage packaged (default `test`). */
  stage?: string;
  tweak?: (template: Template) => Template;
}

export interface ProjectCloud {
  cloud: LocalCloud;
  /** An HTTP call with a token of the stage's audience and these claims (`sub`, `scope`, ...), and these headers. */
  call(method: string, path: string, body?: unknown, options?: { claims?: Body; headers?: Record<string, string> }): Promise<{ status: number; body: Body }>;
  /** The data of the events of one detail-type whose data has `key: value`, seen since `since`. */
  seen(detailType: string, key: string, value: unknown, since?: number): Body[];
  /** The events of one correlation id, on any bus, oldest first. */
  flow(correlationId: string): { detailType: string; bus: string; metadata: Body; data: Body }[];
  /** ApproximateNumberOfMessages of every queue whose name ends with `-dlq`. */
  dlqDepths(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export async function startProjectCloud(options: ProjectCloudOptions): Promise<ProjectCloud> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  const project = options.project ?? ROOT;
  const dir = freshDir(options.name);
  const packaged = packageStage(options.stage ?? 'test', join(dir, 'package'), project);
  const template = options.tweak ? options.tweak(packaged) : packaged;
  const cloud = new LocalCloud({ root: project, template: template as unknown as Record<string, unknown>, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(dir, 'build'), pidDir: join(dir, 'pids'), watch: false });
  await cloud.start();
  const sqs = new SQSClient({ endpoint: cloud.urls.aws, region: cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const tokens = new Map<string, string>();
  const token = (claims: Body = {}): string => {
    const key = JSON.stringify(claims);
    const minted = tokens.get(key) ?? cloud.issuer.mint({ aud: options.audience, ...claims });
    tokens.set(key, minted);
    return minted;
  };
  return {
    cloud,
    async call(method, path, body, callOptions = {}) {
      const res = await fetch(`${cloud.urls.http}${path}`, {
        method,
        headers: { authorization: `Bearer ${token(callOptions.claims)}`, 'content-type': 'application/json', ...callOptions.headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Body) : {} };
    },
    seen: (detailType, key, value, since = 0) =>
      cloud
        .recentEvents({ since })
        .filter((e) => e.event['detail-type'] === detailType && (e.event.detail as { data: Body }).data[key] === value)
        .map((e) => (e.event.detail as { data: Body }).data),
    flow: (correlationId) =>
      cloud.recentEvents({ correlationId }).map((e) => {
        const detail = e.event.detail as { metadata: Body; data: Body };
        return { detailType: e.event['detail-type'], bus: e.bus, metadata: detail.metadata, data: detail.data };
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

/**
 * A demo session (scripts/demo.ts) on a test cloud: every request with `correlationId`, events
 * waited for among those of that correlation id. A project's day module (package.json
 * `config.demoDay`) plays on it as on `npm start`. A scoped request is made as `subject`.
 */
export function daySession(pc: Pick<ProjectCloud, 'cloud' | 'call'>, correlationId: string, options: { log?: string[]; subject?: string } = {}): DemoSession {
  const log = options.log ?? [];
  return {
    correlationId,
    call: (method, path, body, callOptions = {}) => pc.call(method, path, body, { headers: { 'x-correlation-id': correlationId }, ...(callOptions.scope ? { claims: { sub: options.subject ?? 'demo-operator', scope: callOptions.scope } } : {}) }),
    waitFor: (detailType, match = () => true, waitOptions = {}) => {
      const types = typeof detailType === 'string' ? [detailType] : detailType;
      return until(
        () =>
          pc.cloud
            .recentEvents({ correlationId })
            .filter((e) => types.includes(e.event['detail-type']))
            .map((e) => (e.event.detail as { data: Body }).data)
            .filter(match),
        (found) => found.length >= (waitOptions.count ?? 1),
        waitOptions.timeoutMs ?? 30_000,
      );
    },
    say: (line) => void log.push(line),
  };
}

/** Sets environment variables on the one function named `<service>-<stage>-<fn>` in the template. */
export function withFunctionEnv(template: Template, fn: string, vars: Record<string, string>): Template {
  const found = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function' && String(r.Properties['FunctionName']).endsWith(`-${fn}`));
  if (found.length !== 1) throw new Error(`the template has ${found.length} functions named *-${fn}`);
  for (const r of found) {
    const env = (r.Properties['Environment'] ??= {}) as { Variables?: Record<string, unknown> };
    env.Variables = { ...env.Variables, ...vars };
  }
  return template;
}
