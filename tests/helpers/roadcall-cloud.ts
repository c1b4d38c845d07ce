import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DemoSession } from '../../scripts/demo';
import { createEventBridgeClient } from '../../lib/clients';
import { toPutEventsEntry, type OutgoingEvent } from '../../lib/envelope';
import type { LocalCloud } from '../../local/runtime';
import { daySession as projectDaySession, startProjectCloud, type Body } from './project-cloud';
import type { Template } from './template';

// The Roadcall platform on a local cloud for end-to-end tests: the packaged template of the
// test stage, HTTP calls with a local token, events put on the bus as their producer would,
// the events seen on the bus, and the DLQs' depths.

export type { Body };
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
  const project = await startProjectCloud({ name, audience: TEST_AUDIENCE, tweak });
  const events: EventBridgeClient = createEventBridgeClient({ endpoint: project.cloud.urls.aws, env: {} });
  return {
    cloud: project.cloud,
    call: project.call,
    seen: project.seen,
    dlqDepths: project.dlqDepths,
    async put(...list) {
      const out = await events.send(new PutEventsCommand({ Entries: list.map((e) => toPutEventsEntry(e, { eventBusName: `${e.busName}-test` })) }));
      if (out.FailedEntryCount) throw new Error(`PutEvents refused ${out.FailedEntryCount} entries: ${JSON.stringify(out.Entries)}`);
    },
    async stop() {
      events.destroy();
      await project.stop();
    },
  };
}

/** A demo session on the Roadcall test cloud; the back office acts as ops-ana. */
export function daySession(rc: RoadcallCloud, correlationId: string, log: string[] = []): DemoSession {
  return projectDaySession(rc, correlationId, { log, subject: 'ops-ana' });
}
