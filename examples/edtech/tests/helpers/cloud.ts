import { resolve } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startProjectCloud, type Body, type ProjectCloud } from '../../../../tests/helpers/project-cloud';
import type { Template } from '../../../../tests/helpers/template';

// The EdTech example on a local cloud for its end-to-end tests: the kit's project cloud
// (tests/helpers/project-cloud.ts) on the example's own packaged test stage, called with a
// token of its audience, and the SQS / EventBridge clients and direct invocations the DLQ and
// idempotency tests use.

export type { Body };
export { withFunctionEnv } from '../../../../tests/helpers/project-cloud';
export const PROJECT = resolve(__dirname, '..', '..');
/** The test stage's JWT audience (serverless.yml params). */
export const TEST_AUDIENCE = 'edtech-api-test';

export interface EdtechCloud extends Pick<ProjectCloud, 'cloud' | 'dlqDepths' | 'stop'> {
  call: ProjectCloud['call'];
  /** The data of the events of one detail-type whose data has `key: value`. */
  seen(detailType: string, key: string, value: unknown): Body[];
  /** The url of a queue of the test stage by its spec name (`payments-dlq`). */
  queueUrl(name: string): Promise<string>;
  /** Invokes a function of the test stage by its short name (`dlq-processor`). */
  invoke(fn: string, event: unknown): Promise<unknown>;
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
}

/** Packages the example's test stage (`tweak` may change the template) and runs it on free ports, in memory. */
export async function startEdtechCloud(name: string, tweak?: (t: Template) => Template): Promise<EdtechCloud> {
  const project = await startProjectCloud({ name, project: PROJECT, audience: TEST_AUDIENCE, ...(tweak ? { tweak } : {}) });
  const { cloud } = project;
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const sqs = new SQSClient({ endpoint: cloud.urls.aws, region: cloud.region, credentials });
  const eventBridge = new EventBridgeClient({ endpoint: cloud.urls.aws, region: cloud.region, credentials });
  return {
    cloud,
    sqs,
    eventBridge,
    dlqDepths: project.dlqDepths,
    call: project.call,
    seen: (detailType, key, value) => project.seen(detailType, key, value),
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
    async stop() {
      sqs.destroy();
      eventBridge.destroy();
      await project.stop();
    },
  };
}
