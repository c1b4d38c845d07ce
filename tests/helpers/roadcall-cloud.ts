import { join } from 'node:path';
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DemoSession } from '../../scripts/demo';
import { createEventBridgeClient } from '../../lib/clients';
import { toPutEventsEntry, type OutgoingEvent } from '../../lib/envelope';
import { LocalCloud } from '../../local/runtime';
import { freshDir, ROOT } from './codegen';
import { until } from './local-cloud';
import { packageStage, type Template } from './template';

// The Roadcall platform on a local cloud for end-to-end tests: the packaged template of the
// test stage, HTTP calls with a local token, events put on the bus as their producer would,
// the events seen on the bus, and the DLQs' depths.

export type Body = Record<string, unknown>;
/** The test stage's JWT audience (serverless.yml params). */
export const TEST_AUDIENCE = 'roadcall-api-test';

export interface RoadcallCloud {
  cloud: LocalCloud;
  /** An HTTP call with a token of the test audience (and these claims: `scope`, `sub`, ...). */
  call(method: string, path: string, body?: unknown, options?: { claims?: Body; headers?: Record<string, string> }): Promise<{ status: number; body: Body }>;
  /** Puts events on the test stage's bus as their producer would (a repeated, late or early event). */
  put(...list: OutgoingEvent[]): Promise<void>;
  /** The data of the events of one detail-type whose data has `key: value`, seen since `since`. */
  seen(detailType: string, key: string, value: unknown, since?: number): Body[];
  /** ApproximateNumberOfMessages of every queue whose name ends with `-dlq`. */
  dlqDepths(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/** Starts the packaged test stage on free ports, in memory; `tweak` may change the template first. */
export async function startRoadcallCloud(name: string, tweak: (template: Template) => Template = (t) => t): Promise<RoadcallCloud> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  const dir = freshDir(name);
  const template = tweak(packageStage('test', join(dir, 'package')));
  const cloud = new LocalCloud({ root: ROOT, template: template as unknown as Record<string, unknown>, ports: { aws: 0, http: 0, dynamodb: 0 }, dataDir: undefined, buildDir: join(dir, 'build'), watch: false });
  await cloud.start();
  const events: EventBridgeClient = createEventBridgeClient({ endpoint: cloud.urls.aws, env: {} });
  const sqs = new SQSClient({ endpoint: cloud.urls.aws, region: cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const tokens = new Map<string, string>();
  const token = (claims: Body = {}): string => {
    const key = JSON.stringify(claims);
    const cached = tokens.get(key);
    if (cached) return cached;
    const minted = cloud.issuer.mint({ aud: TEST_AUDIENCE, ...claims });
    tokens.set(key, minted);
    return minted;
  };
  return {
    cloud,
    async call(method, path, body, options = {}) {
      const res = await fetch(`${cloud.urls.http}${path}`, {
        method,
        headers: { authorization: `Bearer ${token(options.claims)}`, 'content-type': 'application/json', ...options.headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Body) : {} };
    },
    async put(...list) {
      const out = await events.send(new PutEventsCommand({ Entries: list.map((e) => toPutEventsEntry(e, { eventBusName: `${e.busName}-test` })) }));
      if (out.FailedEntryCount) throw new Error(`PutEvents refused ${out.FailedEntryCount} entries: ${JSON.stringify(out.Entries)}`);
    },
    seen: (detailType, key, value, since = 0) =>
      cloud
        .recentEvents({ since })
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
      events.destroy();
      sqs.destroy();
      await cloud.stop();
    },
  };
}

/**
 * A demo session (scripts/demo.ts) on a test cloud: every request with `correlationId`, events
 * waited for among those of that correlation id. A day module plays on it as on `npm start`.
 */
export function daySession(rc: RoadcallCloud, correlationId: string, log: string[] = []): DemoSession {
  return {
    correlationId,
    call: (method, path, body, options = {}) => rc.call(method, path, body, { headers: { 'x-correlation-id': correlationId }, ...(options.scope ? { claims: { sub: 'ops-ana', scope: options.scope } } : {}) }),
    waitFor: (detailType, match = () => true, options = {}) => {
      const types = typeof detailType === 'string' ? [detailType] : detailType;
      return until(
        () =>
          rc.cloud
            .recentEvents({ correlationId })
            .filter((e) => types.includes(e.event['detail-type']))
            .map((e) => (e.event.detail as { data: Body }).data)
            .filter(match),
        (found) => found.length >= (options.count ?? 1),
        options.timeoutMs ?? 30_000,
      );
    },
    say: (line) => void log.push(line),
  };
}
